/*
 * The general model's batched path (SCIENCE.md §8) in the native kernels, ported from the wasm
 * kernels (assembly/batch.ts, assembly/batch-schedule.ts). Every product of a step has one
 * shape: a row of the output, 16 columns (a panel) at a time, is a sum over a list of records
 * { offset of an input row, coefficient },
 *   out[r][16p .. 16p+16) = Σ_{records (a, v) of row r, in list order} v · base[a + p·panelStride ..],
 * so the zeros of X (sparse rows), of H (ReLU) and of G (outputs with O ≤ 0) are never visited:
 *   Z = X W        rows b, records (row i of W packed by panels, X_bi) for X_bi ≠ 0
 *   O = H̃ Wdecᵀ    rows b, records (row k of Wdecᵀ packed by panels, H̃_bk) for H̃_bk ≠ 0
 *   Q = G Wdec     rows b, records (row i of Wdec packed by panels, G_bi) for G_bi ≠ 0
 *   ∇ = Gᵀ H̃ + Xᵀ dZ   rows i, records (row b of H̃, G_bi) then (row b of dZ, X_bi)
 * Offsets count floats from one arena that holds every array a list points into, so a record
 * is 8 bytes, as in wasm. Each output entry is one chain of fused multiply-adds in list order
 * (list_panels, one build per instruction set in list-impl.h), so neither the thread count
 * nor the instruction set changes a bit. The row kernels here are plain C shared by all builds.
 */
#ifndef INCIDENTAL_BATCH_H
#define INCIDENTAL_BATCH_H
#include <stddef.h>
#include <stdint.h>

/** One list record: `at` floats past the list's base, times `v`. */
typedef struct {
  uint32_t at;
  float v;
} rec_t;

/** Hidden maps, as src/kernels/wasm-module.ts KERNEL_HIDDEN_LAYERS (assembly/control.ts HIDDEN_*). */
enum { HIDDEN_LINEAR = 0, HIDDEN_RELU = 1, HIDDEN_LAYERNORM = 2 };

/** LayerNorm's ε (src/core/model.ts LAYERNORM_EPS). */
#define BATCH_LAYERNORM_EPS 1e-5

/**
 * Appends a record (at + j·stride, src[j]) for each nonzero src[j], j in [0, count) increasing;
 * returns the new end.
 */
rec_t *compact_row(const float *src, int count, uint32_t at, uint32_t stride, rec_t *q);

/**
 * H = φ(Z) in place on one row of m values (pads to m16 zeroed); returns Σ|H| in float64.
 * LayerNorm (no affine): mean and variance in float64, H = (Z − μ)/√(var + ε), 1/√(var + ε) into *inv.
 */
double hidden_row(float *z, int m, int m16, int hidden, double *inv);

/** dst = h + ξ over m values (pads to m16 zeroed). */
void add_noise_row(const float *h, const float *xi, int m, int m16, float *dst);

/**
 * One row's outputs from O_b [n] and X_b [n]: the loss terms kept by the switches (target ≠ 0:
 * benefit; target 0: interference), G_bi = 2 (ReLU(O_bi) − X_bi) where kept and O_bi > 0, else 0,
 * written to gt[i·gtStride] (Gᵀ); records (at + 16 i, G_bi) at q for G_bi ≠ 0, their count into
 * *count. Returns the reconstruction loss (float64).
 */
double output_row(const float *o, const float *x, int n, int benefit, int interference, float *gt, size_t gtStride, uint32_t at, rec_t *q, int32_t *count);

/**
 * dZ = φ′ ⊙ (Q + λ sign(H)) in place of Q for one row (pads zeroed): ReLU keeps the entries with
 * H > 0; LayerNorm applies (Q − mean(Q) − Ĥ·mean(Q ⊙ Ĥ))·inv with Ĥ = H, means in float64.
 */
void backward_row(float *q, const float *h, int m, int m16, int hidden, float lambda, double inv);

/** Columns [k0, k1) of W [n, m] into Wt [n16/16][m][16] (Wdecᵀ by panels; entries i ≥ n zero). */
void transpose_panels(const float *W, int n, int m, int n16, float *Wt, int k0, int k1);

/** Rows [i0, i1) of W [n, m] into P [m16/16][n][16] (W by panels; columns ≥ m zero). */
void pack_panels(const float *W, int n, int m, int m16, float *P, int i0, int i1);

#endif
