/**
 * Test helper: the toy model's loss and force norms written straight from their
 * definitions (SCIENCE.md §2, §6 E), sharing no code with the library, so tests can check
 * any backend's session, whatever module the model lives in. Float64, one instance,
 * W [n, m] row-major; xi is the hidden-noise vector [m] or null.
 */

/** Σ_i Σ_j (ReLU(W_j · (W_i + ξ)) − δ_ij)² (terms dropped as the switches say) + λ‖W‖₁. */
export function lossByDefinition(
  W: ArrayLike<number>,
  n: number,
  m: number,
  lambda: number,
  xi: ArrayLike<number> | null = null,
  interference = true,
  benefit = true,
): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j ? !interference : !benefit) continue;
      let p = 0;
      for (let k = 0; k < m; k++) p += W[j * m + k] * (W[i * m + k] + (xi ? xi[k] : 0));
      const e = Math.max(p, 0) - (i === j ? 1 : 0);
      loss += e * e;
    }
  }
  for (let k = 0; k < n * m; k++) loss += lambda * Math.abs(W[k]);
  return loss;
}

/** Central differences of `f` at W, one coordinate at a time (W is restored). */
export function finiteDifferenceGradient(W: Float64Array, f: (W: Float64Array) => number, h = 1e-6): Float64Array {
  const g = new Float64Array(W.length);
  for (let k = 0; k < W.length; k++) {
    const w = W[k];
    W[k] = w + h;
    const up = f(W);
    W[k] = w - h;
    const down = f(W);
    W[k] = w;
    g[k] = (up - down) / (2 * h);
  }
  return g;
}

/**
 * The three force norms without noise: feature benefit ‖4 (‖W_i‖² − 1) W_i‖, interference
 * ‖Σ_{j≠i} 4 ReLU(W_i·W_j) W_j‖, regularization λ·sqrt(number of nonzero weights).
 */
export function forcesByDefinition(W: ArrayLike<number>, n: number, m: number, lambda: number, interference = true, benefit = true): [number, number, number] {
  const dot = (i: number, j: number) => {
    let s = 0;
    for (let k = 0; k < m; k++) s += W[i * m + k] * W[j * m + k];
    return s;
  };
  let b = 0;
  let f = 0;
  let nz = 0;
  for (let i = 0; i < n; i++) {
    const c = benefit ? 4 * (dot(i, i) - 1) : 0;
    for (let k = 0; k < m; k++) {
      b += (c * W[i * m + k]) ** 2;
      let s = 0;
      for (let j = 0; j < n; j++) if (j !== i && interference) s += 4 * Math.max(dot(i, j), 0) * W[j * m + k];
      f += s * s;
      if (W[i * m + k] !== 0) nz++;
    }
  }
  return [Math.sqrt(b), Math.sqrt(f), lambda * Math.sqrt(nz)];
}

export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

export type Hidden = 'linear' | 'relu' | 'layernorm';

/** φ(z) for one row z [m]: identity, ReLU, or LayerNorm without affine (ε = 1e-5). */
function phi(z: number[], hidden: Hidden): number[] {
  if (hidden === 'linear') return z;
  if (hidden === 'relu') return z.map((v) => Math.max(v, 0));
  const mu = z.reduce((a, b) => a + b, 0) / z.length;
  const v = z.reduce((a, b) => a + (b - mu) ** 2, 0) / z.length;
  return z.map((x) => (x - mu) / Math.sqrt(v + 1e-5));
}

/**
 * The general model's loss on a batch, from SCIENCE.md §8: H = φ(X W),
 * Σ_b Σ_j [kept] (ReLU((H_b + ξ)·Wdec_j) − X_bj)² + λ Σ_b ‖H_b‖₁, where a term is kept when
 * its target is nonzero and `benefit`, or zero and `interference`. X [B, n], W and Wdec [n, m].
 */
export function batchLossByDefinition(
  X: ArrayLike<number>,
  B: number,
  W: ArrayLike<number>,
  Wdec: ArrayLike<number> | null,
  n: number,
  m: number,
  o: { hidden: Hidden; lambda: number; xi?: ArrayLike<number> | null; benefit?: boolean; interference?: boolean },
): number {
  const D = Wdec ?? W;
  let loss = 0;
  for (let b = 0; b < B; b++) {
    const z = Array.from({ length: m }, (_, k) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += X[b * n + i] * W[i * m + k];
      return s;
    });
    const h = phi(z, o.hidden);
    for (let j = 0; j < n; j++) {
      let out = 0;
      for (let k = 0; k < m; k++) out += (h[k] + (o.xi ? o.xi[k] : 0)) * D[j * m + k];
      const x = X[b * n + j];
      const kept = x !== 0 ? (o.benefit ?? true) : (o.interference ?? true);
      if (kept) loss += (Math.max(out, 0) - x) ** 2;
    }
    for (const v of h) loss += o.lambda * Math.abs(v);
  }
  return loss;
}
