/*
 * Choosing the kernels for this CPU, and the kernels' parts that need no vectors of their own
 * (coefficients, panel packing, force sums): they cost a few percent of a step.
 */
#include <math.h>
#include <string.h>
#include "kernels.h"

static int supported(const kernels_t *k) {
#ifdef INCIDENTAL_X86
  __builtin_cpu_init();
  if (k == &kernels_avx512) {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  if (k == &kernels_avx2) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
  return k == &kernels_generic;
}

const kernels_t *kernels_select(const char *wanted) {
  static const kernels_t *const order[] = {
#ifdef INCIDENTAL_X86
    &kernels_avx512,
    &kernels_avx2,
#endif
    &kernels_generic,
  };
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    const kernels_t *k = order[i];
    if (wanted && *wanted && strcmp(wanted, k->name) != 0) continue;
    if (supported(k)) return k;
    if (wanted && *wanted) return NULL;
  }
  return NULL;
}

int gram_row_tiles(int n, int mr) {
  return (n + mr - 1) / mr;
}

int gram_tile_cost(int n, int mr, int nr, int t) {
  const int colTiles = (n + nr - 1) / nr;
  int cost = 0;
  for (int ct = 0; ct < colTiles; ct++) cost += t * mr <= ct * nr + nr - 1;
  return cost;
}

void mirror_gram(float *G, int n, int nP, int r0, int r1) {
  /* rows in groups of 8, so that each read of column i.. serves 8 rows */
  for (int ib = r0; ib < r1; ib += 8) {
    const int ie = ib + 8 < r1 ? ib + 8 : r1;
    for (int j = 0; j < ie - 1; j++) {
      const float *col = G + (size_t)j * nP;
      for (int i = ib > j + 1 ? ib : j + 1; i < ie; i++) G[(size_t)i * nP + j] = col[i];
    }
  }
  (void)n;
}

/** Appends (j, 4 g) at c if g > 0 and adds ReLU(g)² to off[j mod 4]; returns the new count. */
static inline int keep_positive(float g, int j, int32_t *qi, float *qv, int c, double *off) {
  const float p = fmaxf(g, 0.0f);
  off[j & 3] += (double)p * p;
  qi[c] = j;
  qv[c] = 4.0f * p;
  return c + (p > 0);
}

void coefficients(const float *G, int n, int nP, int interference, int32_t *idx, float *val, int32_t *cnt, float *diag, double *stats, int r0, int r1) {
  for (int i = r0; i < r1; i++) {
    const float *row = G + (size_t)i * nP;
    const float gd = row[i];
    const float md = gd > 0 ? 4.0f * (gd - 1.0f) : 0.0f;
    int32_t *qi = idx + (size_t)i * n;
    float *qv = val + (size_t)i * n;
    int c = 0;
    double off[4] = {0, 0, 0, 0};
    if (interference) {
      /* branch-free (the signs are random): always write the record, advance past it if nonzero */
      for (int j = 0; j < i; j++) c = keep_positive(row[j], j, qi, qv, c, off);
      qi[c] = i, qv[c] = md, c += md != 0;
      for (int j = i + 1; j < n; j++) c = keep_positive(row[j], j, qi, qv, c, off);
    } else if (md != 0) {
      qi[c] = i, qv[c] = md, c++;
    }
    cnt[i] = c;
    diag[i] = md;
    double *st = stats + (size_t)i * ROW_STATS;
    st[RS_SMOOTH] = ((off[0] + off[1]) + (off[2] + off[3])) + ((double)gd - 1) * ((double)gd - 1);
    st[RS_BENEFIT] = (double)md * md * gd;
    st[RS_INTER] = 0;
  }
}

void pack_panel(const float *W, int n, int m, int c, int nc, float *P) {
  const int width = m - c < nc ? m - c : nc;
  for (int j = 0; j < n; j++) {
    memcpy(P + (size_t)j * nc, W + (size_t)j * m + c, (size_t)width * sizeof(float));
    if (width < nc) memset(P + (size_t)j * nc + width, 0, (size_t)(nc - width) * sizeof(float));
  }
}

double interference_sq(const float *w, const float *d, float mii, int len) {
  double s = 0;
  for (int k = 0; k < len; k++) {
    const float r = d[k] - mii * w[k];
    s += (double)r * r;
  }
  return s;
}
