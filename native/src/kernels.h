/*
 * The native kernels' interface: one table of functions per instruction set (AVX-512,
 * AVX2 + FMA, portable C), all computing the same bits. Every Gram entry and every product
 * entry is one chain of fused multiply-adds in increasing summation index, whatever the
 * vector width, tile or thread that computes it; the optimizer updates are elementwise
 * IEEE operations without fusion (as the wasm kernels do them). So the instruction set
 * and the thread count never change a result.
 *
 * Layouts (floats unless said): W [n][m] row-major (one instance); Wb, W packed for the
 * Gram: [nP/32][m][32] (32 rows interleaved, rows ≥ n zero; nP = n rounded up to 32);
 * G [nP][nP], the upper triangle computed, then mirrored;
 * coefficient lists per row i: idx [n] (column j) and val [n] (M_ij), cnt[i] records;
 * product panel P [n][nc] (columns c .. c + nc of W, zero past m); D rows at stride ldd.
 */
#ifndef INCIDENTAL_KERNELS_H
#define INCIDENTAL_KERNELS_H
#include <stddef.h>
#include <stdint.h>
#include "batch.h"

/** Fields of a row's statistics (double): smooth loss, benefit force², Σ|w|, nonzeros, interference force². */
enum { RS_SMOOTH, RS_BENEFIT, RS_ABS, RS_NONZERO, RS_INTER, ROW_STATS };

/**
 * The optimizers the kernels implement: id (the position in this list) and the name
 * src/core/optimizers.ts gives it. The addon exports the names in id order (`optimizers()`),
 * and src/kernels/native.ts builds its name → id map from them: this list is the only one.
 */
#define OPTIMIZER_LIST(X) X(OPT_SGD, "sgd") X(OPT_PROX_SGD, "prox-sgd") X(OPT_ADAM, "adam") X(OPT_ADAMW, "adamw")
#define OPTIMIZER_ID(id, name) id,
enum { OPTIMIZER_LIST(OPTIMIZER_ID) OPT_COUNT };
#undef OPTIMIZER_ID

/**
 * Bytes ahead that the packing and the update ask for: W, S1 and S2 come from memory (16
 * instances' weights and state are far beyond L2), in 4 KiB pages that the hardware prefetcher
 * does not cross, so each page would otherwise start with a full memory latency.
 */
#ifndef PREFETCH_AHEAD
#define PREFETCH_AHEAD 4096
#endif

/** Asks for the cache lines of [p, p + bytes) (a hint: never faults, changes no result). */
static inline void prefetch_bytes(const void *p, size_t bytes) {
  for (size_t b = 0; b < bytes; b += 64) __builtin_prefetch((const char *)p + b, 0, 3);
}

/**
 * A row's statistics while its weights are read in blocks of columns (pack_rows): Σ|w| in 8
 * float64 lanes (lane k mod 8, each in increasing k) and the nonzero count; finish_row_stats
 * then sums the lanes with a fixed tree, so the block size never changes a bit.
 */
enum { RL_NONZERO = 8, ROW_LANES };

/**
 * Cache lines to ask for (into L2) while a kernel computes: `rows` rows of `lines` lines each,
 * `stride` bytes apart from `base`; `at` counts the lines asked so far. The Gram asks for the
 * next block of W's columns this way, so that memory works while the cores compute.
 */
typedef struct {
  const char *base;
  size_t stride;
  int rows, lines, at;
} ahead_t;

static inline long long ahead_lines(const ahead_t *a) {
  return (long long)a->rows * a->lines;
}

/** Asks for the next `count` lines of `a` (hints: never fault, change no result). */
static inline void ahead_ask(ahead_t *a, int count) {
  const int total = a->rows * a->lines;
  for (; count > 0 && a->at < total; count--, a->at++) {
    const int r = a->at / a->lines, l = a->at - r * a->lines;
    __builtin_prefetch(a->base + (size_t)r * a->stride + (size_t)l * 64, 0, 2);
  }
}

/** One step's float32 hyperparameters, derived from the float64 ones as the wasm kernels do. */
typedef struct {
  float lr, lambda, shrink, beta1, beta2, one_minus_beta1, one_minus_beta2, step_bc2, eps_bc2;
} hyper_t;

typedef struct {
  const char *name;
  /** Gram tile rows and columns; product panel columns. */
  int mr, nr, nc;
  /**
   * Packs rows [i0, i1), columns [k0, k1) (k0 ≡ 0 mod 16) of W (row stride m) into Wb as
   * [nP/32][ldb][32] at column k − k0, and adds their Σ|w| lanes and nonzero counts to lanes
   * (row stride ROW_LANES; zero them before a row's first block).
   */
  void (*pack_rows)(const float *W, int m, float *Wb, int ldb, int i0, int i1, int k0, int k1, double *lanes);
  /**
   * Gram tiles of the row tiles [t0, t1) (tile t = rows t·mr ..), those touching j ≥ i, over
   * the kn packed columns of Wb (as pack_rows leaves it): G += their products, or G = them
   * when `first`. Every entry stays one fused chain in increasing k across blocks. Asks for
   * the lines of `ahead` (may be NULL) spread over the tiles.
   */
  void (*gram)(const float *Wb, int ldb, int n, int nP, float *G, int t0, int t1, int kn, int first, ahead_t *ahead);
  /** coefficients() below, vectorized where the instruction set can: the same lists, diag and stats bits. */
  void (*coefficients)(const float *G, int n, int nP, int interference, int32_t *idx, float *val, int32_t *cnt, float *diag, double *stats, int r0, int r1);
  /** pack_panel() below, copying whole vectors where the panel is full. */
  void (*pack_panel)(const float *W, int n, int m, int c, int nc, float *P);
  /** D rows [r0, r1) of one panel: D[i][0 .. nc) = Σ_q val[i][q] · P[idx[i][q]] in list order. */
  void (*product)(const int32_t *idx, const float *val, const int32_t *cnt, int n, const float *P, float *D, int ldd, int r0, int r1);
  /** One optimizer step on `len` consecutive weights with their gradient and state. */
  void (*update)(int opt, const hyper_t *h, float *w, const float *d, float *s1, float *s2, int len);
  /**
   * The batched path's products (batch.h): rows [r0, r1) of lists (row r at lists + r·listStride,
   * counts[r] records), `panels` panels of 16 columns: out[r·outStride + p·outPanel ..+16) =
   * Σ_records v · base[at + p·panelStride ..+16), one fused chain per entry in list order.
   */
  void (*list_panels)(const rec_t *lists, size_t listStride, const int32_t *counts, int r0, int r1, const float *base, size_t panelStride, int panels, float *out,
                      size_t outStride, size_t outPanel);
  /** compact_row (batch.h), vectorized where the instruction set can: the same records. */
  rec_t *(*compact)(const float *src, int count, uint32_t at, uint32_t stride, rec_t *q);
  /** The peak probe: independent FMA chains in registers (benchmarks only). */
  double (*fma_loop)(long iters);
  int fma_flops_per_iter;
} kernels_t;

extern const kernels_t kernels_generic;
#ifdef INCIDENTAL_X86
extern const kernels_t kernels_avx2;
extern const kernels_t kernels_avx512;
#endif

/** The best kernels this CPU runs, or the named ones ("avx512", "avx2", "generic") if it can; NULL if not. */
const kernels_t *kernels_select(const char *wanted);

/* ISA-independent pieces (dispatch.c) */

/** Gram row tiles for n and the tile height mr, and the tile columns a row tile t needs. */
int gram_row_tiles(int n, int mr);
int gram_tile_cost(int n, int mr, int nr, int t);

/** Rows [i0, i1): Σ|w| (the lanes' fixed tree) and the nonzero count from lanes into stats (row stride ROW_STATS). */
void finish_row_stats(const double *lanes, double *stats, int i0, int i1);

/** Rows [r0, r1) of G below the diagonal, from the upper triangle (after the Gram, before coefficients). */
void mirror_gram(float *G, int n, int nP, int r0, int r1);

/**
 * Rows [r0, r1) of the full (mirrored) G: M_ii = 4 (G_ii − 1) if G_ii > 0 else 0, M_ij = 4 ReLU(G_ij) (zero without
 * interference), as lists of nonzeros; M_ii into diag; smooth loss and benefit² into stats.
 */
void coefficients(const float *G, int n, int nP, int interference, int32_t *idx, float *val, int32_t *cnt, float *diag, double *stats, int r0, int r1);

/** Row i's own coefficient, 4(G_ii − 1) where G_ii > 0, else 0: shared by every coefficients kernel. */
static inline float diag_coefficient(float gd) {
  return gd > 0 ? 4.0f * (gd - 1.0f) : 0.0f;
}

/** Ends row i of a coefficients kernel: its list length c, its own coefficient md and its loss statistics, from off = Σ_{j≠i} ReLU(G_ij)². */
static inline void finish_coefficient_row(int i, int c, float gd, float md, double off, int32_t *cnt, float *diag, double *stats) {
  cnt[i] = c;
  diag[i] = md;
  double *st = stats + (size_t)i * ROW_STATS;
  st[RS_SMOOTH] = off + ((double)gd - 1) * ((double)gd - 1);
  st[RS_BENEFIT] = (double)md * md * gd;
  st[RS_INTER] = 0;
}

/** Copies W[:, c .. c + nc) into P [n][nc], zero past m. */
void pack_panel(const float *W, int n, int m, int c, int nc, float *P);

/** Σ_k (D_k − mii·W_k)² over one row of `len` weights (double, in order). */
double interference_sq(const float *w, const float *d, float mii, int len);

#endif
