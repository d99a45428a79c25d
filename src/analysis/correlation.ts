/**
 * Start/end correlation C = W0 · Wᵀ (SCIENCE.md §6 D): C_ij = Σ_k W0_ik W_jk, how much
 * feature j's final encoding overlaps feature i's initial one. If initialization decides
 * the assignment, the diagonal stays clearly positive while the off-diagonal averages 0.
 *
 * The diagonal and off-diagonal means need only O(n·m) per instance, because the sum of
 * all entries of C is (Σ_i W0_i) · (Σ_j W_j); the full n×n matrix costs O(n²·m).
 *
 * @example
 *   const c = startEndCorrelation(W0, W, [16, 256, 4096], { full: false });
 *   c.diagonalMean; // ≈ 0.03 in the paper's experiment D
 */
import type { FloatArray } from '../core/optimizers.js';

export interface CorrelationSummary {
  /** Mean over instances of C, [n, n] row-major (row i: initial feature i), or null when not asked for. */
  matrix: Float64Array | null;
  /** Mean of C_ii over features and instances. */
  diagonalMean: number;
  /** Mean of C_ij, i ≠ j, over pairs and instances (NaN when n = 1). */
  offDiagonalMean: number;
  /** Root mean square of the off-diagonal of the instance-averaged matrix (null without the matrix). */
  offDiagonalRms: number | null;
}

/**
 * @param W0 initial weights [instances, n, m]
 * @param W final weights [instances, n, m]
 * @param options.full compute the n×n matrix too (default true)
 */
export function startEndCorrelation(
  W0: FloatArray,
  W: FloatArray,
  shape: readonly [number, number, number],
  options: { full?: boolean } = {},
): CorrelationSummary {
  const [I, n, m] = shape;
  const full = options.full ?? true;
  const matrix = full ? new Float64Array(n * n) : null;
  const colSum0 = new Float64Array(m);
  const colSum = new Float64Array(m);
  let diag = 0;
  let total = 0;
  for (let inst = 0; inst < I; inst++) {
    const base = inst * n * m;
    colSum0.fill(0);
    colSum.fill(0);
    for (let i = 0; i < n; i++) {
      const r = base + i * m;
      let d = 0;
      for (let k = 0; k < m; k++) {
        d += W0[r + k] * W[r + k];
        colSum0[k] += W0[r + k];
        colSum[k] += W[r + k];
      }
      diag += d;
    }
    for (let k = 0; k < m; k++) total += colSum0[k] * colSum[k];
    if (matrix) accumulateProduct(W0, W, base, n, m, matrix);
  }
  let offDiagonalRms: number | null = null;
  if (matrix) {
    let sq = 0;
    for (let i = 0; i < n * n; i++) matrix[i] /= I;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) sq += matrix[i * n + j] ** 2;
    offDiagonalRms = n > 1 ? Math.sqrt(sq / (n * (n - 1))) : NaN;
  }
  return {
    matrix,
    diagonalMean: diag / (I * n),
    offDiagonalMean: n > 1 ? (total - diag) / (I * n * (n - 1)) : NaN,
    offDiagonalRms,
  };
}

/**
 * out[i, j] += Σ_k A[base + i m + k] · B[base + j m + k]. Four columns j at a time, so each
 * A value is loaded once per four products (about twice as fast as the plain triple loop).
 */
function accumulateProduct(A: FloatArray, B: FloatArray, base: number, n: number, m: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = base + i * m;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const r0 = base + j * m;
      const r1 = r0 + m;
      const r2 = r1 + m;
      const r3 = r2 + m;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < m; k++) {
        const a = A[ri + k];
        s0 += a * B[r0 + k];
        s1 += a * B[r1 + k];
        s2 += a * B[r2 + k];
        s3 += a * B[r3 + k];
      }
      out[i * n + j] += s0;
      out[i * n + j + 1] += s1;
      out[i * n + j + 2] += s2;
      out[i * n + j + 3] += s3;
    }
    for (; j < n; j++) {
      const rj = base + j * m;
      let s = 0;
      for (let k = 0; k < m; k++) s += A[ri + k] * B[rj + k];
      out[i * n + j] += s;
    }
  }
}
