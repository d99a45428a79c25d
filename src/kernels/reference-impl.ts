/**
 * Pure float64 loops for one instance: the oracle every other backend is tested against
 * and the fallback where WebAssembly is unavailable. Shapes: W [n, m], G and M [n, n],
 * D [n, m], all row-major. Formulas: SCIENCE.md §2.
 */
import type { FloatArray } from '../core/optimizers.js';

/** G = W Wᵀ, computing the upper triangle and mirroring it (n²m/2 multiply-adds). */
export function gram(W: FloatArray, n: number, m: number, G: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = i * m;
    for (let j = i; j < n; j++) {
      const rj = j * m;
      let s = 0;
      for (let k = 0; k < m; k++) s += W[ri + k] * W[rj + k];
      G[i * n + j] = s;
      G[j * n + i] = s;
    }
  }
}

/**
 * From G, the coefficient matrix M = 4 (ReLU(G) − I) (off-diagonal zeroed when
 * `interference` is false, diagonal when `benefit` is false), and the smooth loss
 * Σ_i (G_ii − 1)² + Σ_{i≠j} ReLU(G_ij)² of the terms kept.
 */
export function coefficients(G: Float64Array, n: number, interference: boolean, M: Float64Array, benefit = true): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const g = G[i * n + j];
      if (i === j) {
        if (!benefit) {
          M[i * n + j] = 0;
          continue;
        }
        loss += (g - 1) * (g - 1);
        M[i * n + j] = g > 0 ? 4 * (g - 1) : 0;
      } else if (interference && g > 0) {
        loss += g * g;
        M[i * n + j] = 4 * g;
      } else {
        M[i * n + j] = 0;
      }
    }
  }
  return loss;
}

/** D = M W (M [n, n], W [n, m]). */
export function matmul(M: Float64Array, W: FloatArray, n: number, m: number, D: FloatArray): void {
  D.fill(0);
  for (let i = 0; i < n; i++) {
    const rd = i * m;
    for (let j = 0; j < n; j++) {
      const c = M[i * n + j];
      if (c === 0) continue;
      const rw = j * m;
      for (let k = 0; k < m; k++) D[rd + k] += c * W[rw + k];
    }
  }
}

/** λ‖W‖₁ and the number of nonzero weights. */
export function l1(W: FloatArray, lambda: number): { penalty: number; nonzero: number } {
  let s = 0;
  let nz = 0;
  for (let i = 0; i < W.length; i++) {
    const w = W[i];
    s += Math.abs(w);
    if (w !== 0) nz++;
  }
  return { penalty: lambda * s, nonzero: nz };
}

/**
 * Hidden-noise gradient (SCIENCE.md §6 E). With v = W ξ, pre-activations
 * P_ij = G_ij + v_j, residual R_ij = 2 (ReLU(P_ij) − δ_ij) 1[P_ij > 0]:
 *   ∇_W = (R + Rᵀ) W + c ξᵀ with c_a = Σ_i R_ia, loss = Σ_ij (ReLU(P_ij) − δ_ij)².
 * Writes M = R + Rᵀ and c; returns the smooth loss. Interference off zeroes R's off-diagonal,
 * benefit off its diagonal.
 */
export function noisyCoefficients(
  G: Float64Array,
  W: FloatArray,
  xi: Float64Array,
  n: number,
  m: number,
  interference: boolean,
  M: Float64Array,
  c: Float64Array,
  v: Float64Array,
  benefit = true,
): number {
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += W[j * m + k] * xi[k];
    v[j] = s;
  }
  let loss = 0;
  M.fill(0);
  c.fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j ? !interference : !benefit) continue;
      const p = G[i * n + j] + v[j];
      const y = p > 0 ? p : 0;
      const e = y - (i === j ? 1 : 0);
      loss += e * e;
      const r = p > 0 ? 2 * e : 0;
      M[i * n + j] += r;
      M[j * n + i] += r;
      c[j] += r;
    }
  }
  return loss;
}

/** D += c ξᵀ. */
export function addRankOne(D: FloatArray, c: Float64Array, xi: Float64Array, n: number, m: number): void {
  for (let i = 0; i < n; i++) {
    const ci = c[i];
    if (ci === 0) continue;
    for (let k = 0; k < m; k++) D[i * m + k] += ci * xi[k];
  }
}

/**
 * Force norms from G and the noiseless D: feature benefit ‖diag(M) W‖ = sqrt(Σ_i M_ii² G_ii),
 * interference ‖D − diag(M) W‖, regularization λ·sqrt(nnz).
 */
export function forceNorms(
  G: Float64Array,
  M: Float64Array,
  W: FloatArray,
  D: FloatArray,
  n: number,
  m: number,
  lambda: number,
  nonzero: number,
  out: Float64Array,
  offset: number,
): void {
  let benefit = 0;
  let interference = 0;
  for (let i = 0; i < n; i++) {
    const d = M[i * n + i];
    benefit += d * d * G[i * n + i];
    for (let k = 0; k < m; k++) {
      const r = D[i * m + k] - d * W[i * m + k];
      interference += r * r;
    }
  }
  out[offset] = Math.sqrt(benefit);
  out[offset + 1] = Math.sqrt(interference);
  out[offset + 2] = lambda * Math.sqrt(nonzero);
}
