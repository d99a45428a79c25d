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

void finish_row_stats(const double *lanes, double *stats, int i0, int i1) {
  for (int i = i0; i < i1; i++) {
    const double *l = lanes + (size_t)i * ROW_LANES;
    double *st = stats + (size_t)i * ROW_STATS;
    st[RS_ABS] = ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
    st[RS_NONZERO] = l[RL_NONZERO];
  }
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

/**
 * ReLU(g) = fmaxf(g, 0) without a branch (the signs of G are random, so a branch mispredicts
 * half the time) and without a library call (fmaxf is one without -ffinite-math-only): g if
 * g > 0, else +0 (NaN too). `keep` 0 gives +0 whatever g is.
 */
static inline float relu_masked(float g, int keep) {
  uint32_t u;
  memcpy(&u, &g, sizeof u);
  u &= -(uint32_t)(keep & (g > 0.0f));
  float p;
  memcpy(&p, &u, sizeof p);
  return p;
}

/** Appends the records (j, 4 ReLU(G_ij)) of j in [j0, j1) at c, advancing past the nonzero ones; returns the new count. */
static inline int keep_positive(const float *row, int j0, int j1, int32_t *qi, float *qv, int c) {
  for (int j = j0; j < j1; j++) {
    const float p = relu_masked(row[j], 1);
    qi[c] = j;
    qv[c] = 4.0f * p;
    c += p > 0.0f;
  }
  return c;
}

/**
 * Σ_{j≠i} ReLU(G_ij)² in 4 float64 lanes (lane j mod 4, each in increasing j), then a fixed
 * tree. The diagonal adds +0, which leaves a sum of squares (never −0) unchanged: the same bits
 * as skipping it.
 */
static inline double off_diagonal_sq(const float *row, int n, int i) {
  double o[4] = {0, 0, 0, 0};
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    for (int l = 0; l < 4; l++) {
      const double p = relu_masked(row[j + l], j + l != i);
      o[l] += p * p;
    }
  }
  for (int l = 0; j < n; j++, l++) {
    const double p = relu_masked(row[j], j != i);
    o[l] += p * p;
  }
  return (o[0] + o[1]) + (o[2] + o[3]);
}

void coefficients(const float *G, int n, int nP, int interference, int32_t *idx, float *val, int32_t *cnt, float *diag, double *stats, int r0, int r1) {
  for (int i = r0; i < r1; i++) {
    const float *row = G + (size_t)i * nP;
    const float gd = row[i];
    const float md = diag_coefficient(gd);
    int32_t *qi = idx + (size_t)i * n;
    float *qv = val + (size_t)i * n;
    int c = 0;
    double off = 0;
    if (interference) {
      /* always write the record, advance past it if nonzero */
      c = keep_positive(row, 0, i, qi, qv, c);
      qi[c] = i, qv[c] = md, c += md != 0;
      c = keep_positive(row, i + 1, n, qi, qv, c);
      off = off_diagonal_sq(row, n, i);
    } else if (md != 0) {
      qi[c] = i, qv[c] = md, c++;
    }
    finish_coefficient_row(i, c, gd, md, off, cnt, diag, stats);
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
