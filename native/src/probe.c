/*
 * Benchmark probes (bench/kernels.mjs), never used by training: the FMA peak of this CPU with
 * the chosen kernels' vectors, and the time of each kernel of one instance's step on one
 * thread, so the benchmark can quote Gram and product GFLOP/s next to that peak.
 */
#include "probe.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

double probe_fma_peak(const kernels_t *k, long iters, double *seconds) {
  const double t0 = now();
  volatile double sink = k->fma_loop(iters);
  (void)sink;
  *seconds = now() - t0;
  return (double)iters * k->fma_flops_per_iter;
}

static void *zalloc(size_t bytes) {
  bytes = (bytes + 63) & ~(size_t)63;
  void *p = aligned_alloc(64, bytes);
  if (p) memset(p, 0, bytes);
  return p;
}

int probe_phases(const kernels_t *k, const float *W0, int n, int m, int reps, double *best, double *density) {
  const int nP = (n + 31) & ~31, nc = k->nc;
  float *W = zalloc((size_t)n * m * 4), *Wb = zalloc((size_t)nP * m * 4), *G = zalloc((size_t)nP * nP * 4);
  float *val = zalloc((size_t)n * n * 4), *diag = zalloc((size_t)n * 4), *P = zalloc((size_t)n * nc * 4), *D = zalloc((size_t)n * nc * 4);
  float *S1 = zalloc((size_t)n * m * 4), *S2 = zalloc((size_t)n * m * 4);
  int32_t *idx = zalloc((size_t)n * n * 4), *cnt = zalloc((size_t)n * 4);
  double *stats = zalloc((size_t)n * ROW_STATS * 8), *lanes = zalloc((size_t)n * ROW_LANES * 8);
  int ok = lanes && W && Wb && G && val && diag && P && D && S1 && S2 && idx && cnt && stats;
  const hyper_t h = {1e-3f, 1e-3f, 1 - 1e-5f, 0.9f, 0.999f, 0.1f, 0.001f, 1e-3f, 1e-8f};
  for (int p = 0; p < PROBE_PHASES; p++) best[p] = 1e300;
  for (int r = 0; ok && r < reps; r++) {
    memcpy(W, W0, (size_t)n * m * 4); /* every repetition updates the same weights */
    double t[PROBE_PHASES] = {0};
    double a = now();
    memset(lanes, 0, (size_t)n * ROW_LANES * 8);
    k->pack_rows(W, m, Wb, m, 0, n, 0, m, lanes);
    finish_row_stats(lanes, stats, 0, n);
    double b = now();
    t[0] = b - a;
    k->gram(Wb, m, n, nP, G, 0, gram_row_tiles(n, k->mr), m, 1, NULL);
    a = now();
    t[1] = a - b;
    mirror_gram(G, n, nP, 0, n);
    k->coefficients(G, n, nP, 1, idx, val, cnt, diag, stats, 0, n);
    b = now();
    t[2] = b - a;
    for (int c = 0; c < m; c += nc) {
      a = now();
      k->pack_panel(W, n, m, c, nc, P);
      k->product(idx, val, cnt, n, P, D, nc, 0, n);
      b = now();
      for (int i = 0; i < n; i++) {
        const size_t o = (size_t)i * m + c;
        k->update(OPT_ADAMW, &h, W + o, D + (size_t)i * nc, S1 + o, S2 + o, m - c < nc ? m - c : nc);
      }
      t[3] += b - a;
      t[4] += now() - b;
    }
    for (int p = 0; p < PROBE_PHASES; p++) best[p] = t[p] < best[p] ? t[p] : best[p];
  }
  long nonzero = 0;
  for (int i = 0; ok && i < n; i++) nonzero += cnt[i];
  *density = (double)nonzero / ((double)n * n);
  free(W), free(Wb), free(G), free(val), free(diag), free(P), free(D), free(S1), free(S2), free(idx), free(cnt), free(stats), free(lanes);
  return ok ? 0 : -1;
}

int probe_products(const kernels_t *k, const float *W, int n, int m, int interference, float *Gout, float *Dout) {
  const int nP = (n + 31) & ~31, nc = k->nc;
  float *Wb = zalloc((size_t)nP * m * 4), *G = zalloc((size_t)nP * nP * 4), *val = zalloc((size_t)n * n * 4);
  float *diag = zalloc((size_t)n * 4), *P = zalloc((size_t)n * nc * 4), *D = zalloc((size_t)n * nc * 4);
  int32_t *idx = zalloc((size_t)n * n * 4), *cnt = zalloc((size_t)n * 4);
  double *stats = zalloc((size_t)n * ROW_STATS * 8), *lanes = zalloc((size_t)n * ROW_LANES * 8);
  const int ok = lanes && Wb && G && val && diag && P && D && idx && cnt && stats;
  if (ok) {
    k->pack_rows(W, m, Wb, m, 0, n, 0, m, lanes);
    finish_row_stats(lanes, stats, 0, n);
    k->gram(Wb, m, n, nP, G, 0, gram_row_tiles(n, k->mr), m, 1, NULL);
    mirror_gram(G, n, nP, 0, n);
    for (int i = 0; i < n; i++) memcpy(Gout + (size_t)i * n, G + (size_t)i * nP, (size_t)n * 4);
    k->coefficients(G, n, nP, interference, idx, val, cnt, diag, stats, 0, n);
    for (int c = 0; c < m; c += nc) {
      k->pack_panel(W, n, m, c, nc, P);
      k->product(idx, val, cnt, n, P, D, nc, 0, n);
      for (int i = 0; i < n; i++) memcpy(Dout + (size_t)i * m + c, D + (size_t)i * nc, (size_t)(m - c < nc ? m - c : nc) * 4);
    }
  }
  free(Wb), free(G), free(val), free(diag), free(P), free(D), free(idx), free(cnt), free(stats), free(lanes);
  return ok ? 0 : -1;
}
