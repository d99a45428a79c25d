/*
 * The kernels of kernels.h for one instruction set, written once over a few vector macros
 * that the including file defines: VEC (vector type), VW (lanes), VZERO(), VLOAD(p),
 * VSTORE(p, v), VSET1(x), VFMA(a, b, c) = a·b + c rounded once, GRAM_MR (tile rows),
 * GRAM_NRV (vectors per tile row), PROD_NCV (vectors per product row), KERNELS (table name),
 * KERNELS_NAME. Included by kernels-avx512.c, kernels-avx2.c and kernels-generic.c, each
 * compiled with its own -m flags (binding.gyp).
 *
 * Why these shapes (measured with bench/native.mjs on the development machine):
 *   Gram: the broadcast form G[i][j..j+NR) += W[i][k] · Wᵀ[k][j..j+NR) over W packed 32 rows
 *     to a block, so each entry is a plain fused chain in k (no horizontal sums, no tails:
 *     padded rows are zero), k blocked by KC so a tile column's panel of Wᵀ stays in L1.
 *   Product: each row walks its list of nonzero coefficients (ReLU zeroes 40–80 % of M) over a
 *     panel of W packed contiguously; two rows at once keep 2·PROD_NCV independent chains in
 *     flight (a fused add waits for the previous one of its chain).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "kernels.h"

#define GRAM_NR (GRAM_NRV * VW)
#define PROD_NC (PROD_NCV * VW)
/** k per block of the Gram: 32 columns × KC floats of packed W (16 KiB) stay in L1. */
#define KC 128

#define UNROLL _Pragma("GCC unroll 16")

/** Adds Σ|w| (8 float64 lanes, lane k mod 8 in increasing k) and the nonzero count of `len` weights of one row (w at a k ≡ 0 mod 8) to lanes[0 .. ROW_LANES). */
static inline void row_lanes(const float *w, int len, double *lanes) {
  double acc[8];
  int nz = 0, k = 0;
  UNROLL for (int l = 0; l < 8; l++) acc[l] = lanes[l];
  for (; k + 8 <= len; k += 8) {
    UNROLL for (int l = 0; l < 8; l++) {
      acc[l] += fabs((double)w[k + l]);
      nz += w[k + l] != 0;
    }
  }
  for (; k < len; k++) {
    acc[k & 7] += fabs((double)w[k]);
    nz += w[k] != 0;
  }
  UNROLL for (int l = 0; l < 8; l++) lanes[l] = acc[l];
  lanes[RL_NONZERO] += nz;
}

#ifdef TRANSPOSE8
/** Rows i .. i+8 (i ≡ 0 mod 8), columns k0 .. k0 + len of W into Wb, 8×8 blocks at a time. */
static inline void pack8(const float *W, int m, float *Wb, int ldb, int i, int k0, int len) {
  const float *src = W + (size_t)i * m + k0;
  float *dst = Wb + (size_t)(i >> 5) * ldb * 32 + (i & 31);
  int k = 0;
  for (; k + 8 <= len; k += 8) TRANSPOSE8(src + k, (size_t)m, dst + (size_t)k * 32);
  for (; k < len; k++) {
    UNROLL for (int r = 0; r < 8; r++) dst[(size_t)k * 32 + r] = src[(size_t)r * m + k];
  }
}
#endif

static void pack_rows(const float *W, int m, float *Wb, int ldb, int i0, int i1, int k0, int k1, double *lanes) {
  const int len = k1 - k0;
  const size_t bytes = (size_t)len * sizeof(float);
  for (int i = i0; i < i1;) {
#ifdef TRANSPOSE8
    if ((i & 7) == 0 && i + 8 <= i1) {
      /* the statistics of 8 rows, then their transpose while they are still in L1 */
#ifdef ROW_LANES8
      ROW_LANES8(W + (size_t)i * m + k0, m, len, lanes + (size_t)i * ROW_LANES, PREFETCH_AHEAD);
#else
      for (int r = 0; r < 8; r++) {
        prefetch_bytes((const char *)(W + (size_t)(i + r) * m + k0) + PREFETCH_AHEAD, bytes);
        row_lanes(W + (size_t)(i + r) * m + k0, len, lanes + (size_t)(i + r) * ROW_LANES);
      }
#endif
      pack8(W, m, Wb, ldb, i, k0, len);
      i += 8;
      continue;
    }
#endif
    const float *w = W + (size_t)i * m + k0;
    prefetch_bytes((const char *)w + PREFETCH_AHEAD, bytes);
    row_lanes(w, len, lanes + (size_t)i * ROW_LANES);
    float *dst = Wb + (size_t)(i >> 5) * ldb * 32 + (i & 31);
    for (int k = 0; k < len; k++) dst[(size_t)k * 32] = w[k];
    i++;
  }
}

/** One GRAM_MR × GRAM_NR tile over k in [k0, k1): A and B point at the tile's rows / columns in Wb. */
static inline void gram_tile(const float *A, const float *B, int k0, int k1, float *G, int ldg, int first) {
  VEC acc[GRAM_MR][GRAM_NRV];
  UNROLL for (int r = 0; r < GRAM_MR; r++) {
    UNROLL for (int v = 0; v < GRAM_NRV; v++) acc[r][v] = first ? VZERO() : VLOAD(G + (size_t)r * ldg + v * VW);
  }
  for (int k = k0; k < k1; k++) {
    const float *a = A + (size_t)k * 32, *b = B + (size_t)k * 32;
    VEC bv[GRAM_NRV];
    UNROLL for (int v = 0; v < GRAM_NRV; v++) bv[v] = VLOAD(b + v * VW);
    UNROLL for (int r = 0; r < GRAM_MR; r++) {
      const VEC av = VSET1(a[r]);
      UNROLL for (int v = 0; v < GRAM_NRV; v++) acc[r][v] = VFMA(av, bv[v], acc[r][v]);
    }
  }
  UNROLL for (int r = 0; r < GRAM_MR; r++) {
    UNROLL for (int v = 0; v < GRAM_NRV; v++) VSTORE(G + (size_t)r * ldg + v * VW, acc[r][v]);
  }
}

static void gram(const float *Wb, int ldb, int n, int nP, float *G, int t0, int t1, int kn, int first, ahead_t *ahead) {
  const int colTiles = (n + GRAM_NR - 1) / GRAM_NR;
  /* the lines asked for ahead, spread evenly over the tiles */
  int per = 0;
  if (ahead) {
    long long tiles = 0;
    for (int t = t0; t < t1; t++) tiles += gram_tile_cost(n, GRAM_MR, GRAM_NR, t);
    tiles *= (kn + KC - 1) / KC;
    per = tiles ? (int)((ahead_lines(ahead) + tiles - 1) / tiles) : 0;
  }
  for (int k0 = 0; k0 < kn; k0 += KC) {
    const int k1 = k0 + KC < kn ? k0 + KC : kn;
    for (int ct = 0; ct < colTiles; ct++) {
      const int j0 = ct * GRAM_NR;
      const float *B = Wb + (size_t)(j0 >> 5) * ldb * 32 + (j0 & 31);
      for (int t = t0; t < t1; t++) {
        const int i0 = t * GRAM_MR;
        if (i0 > j0 + GRAM_NR - 1) break; /* the tile lies below the diagonal */
        if (per) ahead_ask(ahead, per);
        const float *A = Wb + (size_t)(i0 >> 5) * ldb * 32 + (i0 & 31);
        gram_tile(A, B, k0, k1, G + (size_t)i0 * nP + j0, nP, first && k0 == 0);
      }
    }
  }
}

/**
 * pack_panel (dispatch.c) with each full panel row as PROD_NCV vector copies instead of a
 * library memcpy call per row (a row is 128 bytes; same-run step time −2 %).
 */
static void pack_panel_rows(const float *W, int n, int m, int c, int nc, float *P) {
  if (nc != PROD_NC || m - c < PROD_NC) {
    pack_panel(W, n, m, c, nc, P);
    return;
  }
  for (int j = 0; j < n; j++) {
    const float *src = W + (size_t)j * m + c;
    float *dst = P + (size_t)j * PROD_NC;
    UNROLL for (int v = 0; v < PROD_NCV; v++) VSTORE(dst + v * VW, VLOAD(src + v * VW));
  }
}

/** One row's records [q0, q1) into its accumulators (PROD_NCV chains). */
static inline void product_tail(const int32_t *ix, const float *vx, int q0, int q1, const float *P, VEC *a) {
  for (int q = q0; q < q1; q++) {
    const float *p = P + (size_t)ix[q] * PROD_NC;
    const VEC s = VSET1(vx[q]);
    UNROLL for (int v = 0; v < PROD_NCV; v++) a[v] = VFMA(s, VLOAD(p + v * VW), a[v]);
  }
}

/**
 * PROD_R rows' lists over one panel: all rows step together while each has records left (each
 * row's entries are their own chains, in list order), then each row finishes alone.
 */
static inline void product_group(const int32_t *idx, const float *val, const int32_t *cnt, int n, int i, const float *P, float *D, int ldd) {
  VEC a[PROD_R][PROD_NCV];
  const int32_t *ix[PROD_R];
  const float *vx[PROD_R];
  int both = n;
  UNROLL for (int r = 0; r < PROD_R; r++) {
    ix[r] = idx + (size_t)(i + r) * n;
    vx[r] = val + (size_t)(i + r) * n;
    both = cnt[i + r] < both ? cnt[i + r] : both;
    UNROLL for (int v = 0; v < PROD_NCV; v++) a[r][v] = VZERO();
  }
  for (int q = 0; q < both; q++) {
    UNROLL for (int r = 0; r < PROD_R; r++) {
      const float *p = P + (size_t)ix[r][q] * PROD_NC;
      const VEC s = VSET1(vx[r][q]);
      UNROLL for (int v = 0; v < PROD_NCV; v++) a[r][v] = VFMA(s, VLOAD(p + v * VW), a[r][v]);
    }
  }
  UNROLL for (int r = 0; r < PROD_R; r++) {
    product_tail(ix[r], vx[r], both, cnt[i + r], P, a[r]);
    UNROLL for (int v = 0; v < PROD_NCV; v++) VSTORE(D + (size_t)(i + r) * ldd + v * VW, a[r][v]);
  }
}

static void product(const int32_t *idx, const float *val, const int32_t *cnt, int n, const float *P, float *D, int ldd, int r0, int r1) {
  int i = r0;
  for (; i + PROD_R <= r1; i += PROD_R) product_group(idx, val, cnt, n, i, P, D, ldd);
  for (; i < r1; i++) {
    VEC a[PROD_NCV];
    UNROLL for (int v = 0; v < PROD_NCV; v++) a[v] = VZERO();
    product_tail(idx + (size_t)i * n, val + (size_t)i * n, 0, cnt[i], P, a);
    UNROLL for (int v = 0; v < PROD_NCV; v++) VSTORE(D + (size_t)i * ldd + v * VW, a[v]);
  }
}

/* The updates: plain elementwise C that the compiler vectorizes; without contraction each
 * lane does exactly the operations of src/core/optimizers.ts in float32, as assembly/optimizer.ts. */

static inline float lambda_sign(float x, float lam) {
  return x > 0 ? lam : x < 0 ? -lam : 0.0f;
}

static void update_sgd(const hyper_t *h, float *restrict w, const float *restrict d, int len) {
  const float lr = h->lr, lam = h->lambda;
  for (int k = 0; k < len; k++) {
    const float x = w[k];
    w[k] = x - lr * (d[k] + lambda_sign(x, lam));
  }
}

static void update_prox(const hyper_t *h, float *restrict w, const float *restrict d, int len) {
  const float lr = h->lr, thr = h->lr * h->lambda;
  for (int k = 0; k < len; k++) {
    const float u = w[k] - lr * d[k];
    w[k] = u > thr ? u - thr : u < -thr ? u + thr : 0.0f;
  }
}

/** Adam / AdamW as assembly/optimizer.ts: w·shrink − (step·bc2)·m / (sqrt(v) + eps·bc2). */
static void update_adam(const hyper_t *h, float *restrict w, const float *restrict d, float *restrict s1, float *restrict s2, int len) {
  const float lam = h->lambda, b1 = h->beta1, b2 = h->beta2, c1 = h->one_minus_beta1, c2 = h->one_minus_beta2;
  const float shrink = h->shrink, step = h->step_bc2, eps = h->eps_bc2;
  for (int k = 0; k < len; k++) {
    const float x = w[k];
    const float g = d[k] + lambda_sign(x, lam);
    const float a = b1 * s1[k] + c1 * g;
    const float b = b2 * s2[k] + (c2 * g) * g;
    s1[k] = a;
    s2[k] = b;
    w[k] = x * shrink - (step * a) / (sqrtf(b) + eps);
  }
}

static void update(int opt, const hyper_t *h, float *w, const float *d, float *s1, float *s2, int len) {
  if (opt == OPT_SGD) update_sgd(h, w, d, len);
  else if (opt == OPT_PROX_SGD) update_prox(h, w, d, len);
  else update_adam(h, w, d, s1, s2, len);
}

/**
 * The FMA peak probe (bench/kernels.mjs): `iters` rounds of FMA_CHAINS independent fused
 * multiply-add chains, enough to fill both FMA pipes whatever their latency; returns a value
 * that depends on every result so that nothing is optimized away. Flops = 2·VW·FMA_CHAINS·iters.
 */
#define FMA_CHAINS 16
static double fma_loop(long iters) {
  VEC a[FMA_CHAINS];
  const VEC x = VSET1(0.999999f), y = VSET1(1e-7f);
  UNROLL for (int c = 0; c < FMA_CHAINS; c++) a[c] = VSET1((float)c);
  for (long it = 0; it < iters; it++) {
    UNROLL for (int c = 0; c < FMA_CHAINS; c++) a[c] = VFMA(a[c], x, y);
  }
  float out[VW];
  double sum = 0;
  UNROLL for (int c = 0; c < FMA_CHAINS; c++) {
    VSTORE(out, a[c]);
    for (int l = 0; l < VW; l++) sum += out[l];
  }
  return sum;
}

#include "list-impl.h"

#ifndef COEFFICIENTS
#define COEFFICIENTS coefficients
#endif

const kernels_t KERNELS = {
  .name = KERNELS_NAME,
  .mr = GRAM_MR,
  .nr = GRAM_NR,
  .nc = PROD_NC,
  .pack_rows = pack_rows,
  .gram = gram,
  .coefficients = COEFFICIENTS,
  .pack_panel = pack_panel_rows,
  .product = product,
  .update = update,
  .list_panels = list_panels,
  .compact = compact,
  .fma_loop = fma_loop,
  .fma_flops_per_iter = 2 * VW * FMA_CHAINS,
};
