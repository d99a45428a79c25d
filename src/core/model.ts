/**
 * The toy model in one place: forward, loss and closed-form gradient, float64, for one
 * instance. It imports nothing, so it runs anywhere and reads top to bottom (in the spirit
 * of tensorflow/playground's nn.ts). The reference backend is this module plus the
 * optimizers; the wasm kernels are tested against it. Formulas: SCIENCE.md §2 (one-hot) and
 * §8 (general batches).
 *
 * Two paths, one model:
 * - One-hot full batch (the paper's setting, X = I): G = W Wᵀ, loss
 *   Σ_i (G_ii − 1)² + Σ_{i≠j} ReLU(G_ij)² + λ‖W‖₁, smooth gradient 4 (ReLU(G) − I) W. It is the
 *   general model with X = I, B = n, linear hidden layer, tied weights, computed through the
 *   Gram matrix because that is n²m/2 + n²m work instead of 4n²m.
 * - General batch: X [B, n], Z = X W, H = φ(Z) (linear | relu | layernorm), O = (H + ξ) W_decᵀ,
 *   Y = ReLU(O), loss Σ_b ‖Y_b − X_b‖² + λ Σ_b ‖H_b‖₁. W_dec = W when tied.
 *
 * Where the L1 term lives: in the gradient this module returns. The one-hot path computes the
 * smooth part into D and `addL1Subgradient` adds λ sign(W) (= λ Xᵀ sign(H) for X = I, linear),
 * except for a proximal optimizer (prox-sgd), which handles λ‖W‖₁ by soft-thresholding
 * instead. The general path adds λ sign(H) inside dL/dH, where it belongs.
 *
 * Force switches (both paths): `benefit` keeps the loss terms whose target is nonzero
 * (X_bj ≠ 0; for one-hot data the diagonal, feature i's own output), `interference` the terms
 * whose target is zero (another feature's output lighting up). All arrays are row-major.
 */

export type FloatArray = Float32Array | Float64Array;

// ---------------------------------------------------------------------------------------
// One-hot full batch (SCIENCE.md §2)

/** G = W Wᵀ [n, n] from W [n, m], computing the upper triangle and mirroring it (n²m/2 multiply-adds). */
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
 * From G [n, n], the coefficient matrix M = 4 (ReLU(G) − I) [n, n] (off-diagonal zeroed when
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

/** D = M W (M [n, n], W [n, m], D [n, m]). */
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

/** λ‖W‖₁ (the L1 term of the one-hot loss) and the number of nonzero weights. */
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

/** D += λ sign(W), sign(0) = 0 as in PyTorch: the L1 term's (sub)gradient for one-hot data. */
export function addL1Subgradient(D: FloatArray, W: FloatArray, lambda: number): void {
  if (lambda === 0) return;
  for (let i = 0; i < D.length; i++) D[i] = D[i] + lambda * Math.sign(W[i]);
}

/**
 * Hidden-noise gradient (SCIENCE.md §6 E), ξ [m] shared by all inputs. With v = W ξ [n],
 * pre-activations P_ij = G_ij + v_j, residual R_ij = 2 (ReLU(P_ij) − δ_ij) 1[P_ij > 0]:
 *   ∇_W = (R + Rᵀ) W + c ξᵀ with c_a = Σ_i R_ia, loss = Σ_ij (ReLU(P_ij) − δ_ij)².
 * Writes M = R + Rᵀ [n, n] and c [n] (v [n] is scratch); returns the smooth loss.
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

/** D += c ξᵀ (D [n, m], c [n], ξ [m]). */
export function addRankOne(D: FloatArray, c: Float64Array, xi: Float64Array, n: number, m: number): void {
  for (let i = 0; i < n; i++) {
    const ci = c[i];
    if (ci === 0) continue;
    for (let k = 0; k < m; k++) D[i * m + k] += ci * xi[k];
  }
}

/**
 * Force norms from G, M and the noiseless smooth D, into out[offset..offset+3]: feature
 * benefit ‖diag(M) W‖ = sqrt(Σ_i M_ii² G_ii), interference ‖D − diag(M) W‖, regularization
 * ‖λ sign(W)‖ = λ·sqrt(nnz).
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

// ---------------------------------------------------------------------------------------
// General batches (SCIENCE.md §8)

/** Hidden maps φ. linear is the paper's; layernorm normalizes each row over the m neurons (no affine). */
export const HIDDEN_LAYERS = ['linear', 'relu', 'layernorm'] as const;
export type HiddenLayer = (typeof HIDDEN_LAYERS)[number];
export const LAYERNORM_EPS = 1e-5;

/** The static description of one instance's general model. */
export interface BatchModel {
  nFeatures: number;
  nHidden: number;
  hidden: HiddenLayer;
  lambda: number;
  /** keep the loss terms with target X_bj ≠ 0 */
  benefit: boolean;
  /** keep the loss terms with target X_bj = 0 */
  interference: boolean;
}

/** Scratch for `batchLossAndGradient`, sized for `rows` rows. */
export interface BatchScratch {
  rows: number;
  Z: Float64Array; // [rows, m]
  H: Float64Array; // [rows, m]
  O: Float64Array; // [rows, n]
  G: Float64Array; // [rows, n]
  Q: Float64Array; // [rows, m]
  /** per row 1/√(var(Z_b) + ε), layernorm only */
  invStd: Float64Array; // [rows]
}

export function createBatchScratch(rows: number, n: number, m: number): BatchScratch {
  return {
    rows,
    Z: new Float64Array(rows * m),
    H: new Float64Array(rows * m),
    O: new Float64Array(rows * n),
    G: new Float64Array(rows * n),
    Q: new Float64Array(rows * m),
    invStd: new Float64Array(rows),
  };
}

/** Z = X W, then H = φ(Z) in place of s.H (and s.invStd for layernorm). X [B, n], W [n, m]. */
export function forwardHidden(X: FloatArray, B: number, W: FloatArray, model: BatchModel, s: BatchScratch): void {
  const { nFeatures: n, nHidden: m, hidden } = model;
  const { Z, H } = s;
  Z.fill(0, 0, B * m);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) {
      const x = X[b * n + i];
      if (x === 0) continue; // sparse rows: Bernoulli data at small p is mostly zeros
      for (let k = 0; k < m; k++) Z[b * m + k] += x * W[i * m + k];
    }
  }
  for (let b = 0; b < B; b++) {
    const r = b * m;
    if (hidden === 'linear') {
      for (let k = 0; k < m; k++) H[r + k] = Z[r + k];
    } else if (hidden === 'relu') {
      for (let k = 0; k < m; k++) H[r + k] = Z[r + k] > 0 ? Z[r + k] : 0;
    } else {
      let mu = 0;
      for (let k = 0; k < m; k++) mu += Z[r + k];
      mu /= m;
      let v = 0;
      for (let k = 0; k < m; k++) v += (Z[r + k] - mu) * (Z[r + k] - mu);
      const inv = 1 / Math.sqrt(v / m + LAYERNORM_EPS);
      s.invStd[b] = inv;
      for (let k = 0; k < m; k++) H[r + k] = (Z[r + k] - mu) * inv;
    }
  }
}

/**
 * Loss and gradient of one instance on one batch (SCIENCE.md §8):
 *   G = 2 (Y − X) ⊙ 1[O > 0] (only the terms the switches keep),
 *   Q = G W_dec + λ sign(H), dZ = φ′(Z) ⊙ Q (layernorm: the normalization's Jacobian),
 *   tied: ∇W = Gᵀ (H + ξ) + Xᵀ dZ; untied: ∇W = Xᵀ dZ, ∇W_dec = Gᵀ (H + ξ).
 * X [B, n]; W, Wdec, gradW, gradDec [n, m] (Wdec and gradDec null when tied); ξ [m] or null.
 * Overwrites gradW (and gradDec); returns the loss. The L1 term is on H, without the noise.
 */
export function batchLossAndGradient(
  X: FloatArray,
  B: number,
  W: FloatArray,
  Wdec: FloatArray | null,
  xi: Float64Array | null,
  model: BatchModel,
  s: BatchScratch,
  gradW: FloatArray,
  gradDec: FloatArray | null,
): number {
  const { nFeatures: n, nHidden: m, hidden, lambda, benefit, interference } = model;
  const D = Wdec ?? W;
  const { Z, H, O, G, Q } = s;
  forwardHidden(X, B, W, model, s);
  // O = (H + ξ) Dᵀ, G and the reconstruction loss
  let loss = 0;
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < n; j++) {
      let o = 0;
      for (let k = 0; k < m; k++) o += (H[b * m + k] + (xi ? xi[k] : 0)) * D[j * m + k];
      O[b * n + j] = o;
      const x = X[b * n + j];
      const kept = x !== 0 ? benefit : interference;
      const e = (o > 0 ? o : 0) - x;
      if (kept) loss += e * e;
      G[b * n + j] = kept && o > 0 ? 2 * e : 0;
    }
  }
  // Q = dL/dH = G D + λ sign(H), and the L1 term
  for (let b = 0; b < B; b++) {
    const r = b * m;
    for (let k = 0; k < m; k++) Q[r + k] = 0;
    for (let j = 0; j < n; j++) {
      const g = G[b * n + j];
      if (g === 0) continue;
      for (let k = 0; k < m; k++) Q[r + k] += g * D[j * m + k];
    }
    if (lambda !== 0) {
      for (let k = 0; k < m; k++) {
        loss += lambda * Math.abs(H[r + k]);
        Q[r + k] += lambda * Math.sign(H[r + k]);
      }
    }
  }
  // dZ = φ′(Z) ⊙ Q, in place of Q
  for (let b = 0; b < B; b++) {
    const r = b * m;
    if (hidden === 'relu') {
      for (let k = 0; k < m; k++) if (!(Z[r + k] > 0)) Q[r + k] = 0;
    } else if (hidden === 'layernorm') {
      let mq = 0;
      let mqh = 0;
      for (let k = 0; k < m; k++) {
        mq += Q[r + k];
        mqh += Q[r + k] * H[r + k];
      }
      mq /= m;
      mqh /= m;
      const inv = s.invStd[b];
      for (let k = 0; k < m; k++) Q[r + k] = (Q[r + k] - mq - H[r + k] * mqh) * inv;
    }
  }
  // decoder part Gᵀ (H + ξ) and encoder part Xᵀ dZ
  const dec = gradDec ?? gradW;
  dec.fill(0);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < n; j++) {
      const g = G[b * n + j];
      if (g === 0) continue;
      for (let k = 0; k < m; k++) dec[j * m + k] += g * (H[b * m + k] + (xi ? xi[k] : 0));
    }
  }
  if (gradDec) gradW.fill(0);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) {
      const x = X[b * n + i];
      if (x === 0) continue;
      for (let k = 0; k < m; k++) gradW[i * m + k] += x * Q[b * m + k];
    }
  }
  return loss;
}

/**
 * The three force norms of the general model at the current weights (no noise): the
 * gradient norm of the benefit terms (targets X_bj ≠ 0), of the interference terms (targets
 * 0) and of the L1 term, each over W and W_dec together. For one-hot data they are the
 * one-hot path's forces. `grad` and `gradDec` are scratch [n, m]. Writes out[offset..+3].
 */
export function batchForceNorms(
  X: FloatArray,
  B: number,
  W: FloatArray,
  Wdec: FloatArray | null,
  model: BatchModel,
  s: BatchScratch,
  grad: FloatArray,
  gradDec: FloatArray | null,
  out: Float64Array,
  offset: number,
): void {
  const parts: Array<Partial<BatchModel>> = [
    { benefit: true, interference: false, lambda: 0 },
    { benefit: false, interference: true, lambda: 0 },
    { benefit: false, interference: false },
  ];
  for (let p = 0; p < 3; p++) {
    batchLossAndGradient(X, B, W, Wdec, null, { ...model, ...parts[p] }, s, grad, gradDec);
    let sq = 0;
    for (let k = 0; k < grad.length; k++) sq += grad[k] * grad[k];
    if (gradDec) for (let k = 0; k < gradDec.length; k++) sq += gradDec[k] * gradDec[k];
    out[offset + p] = Math.sqrt(sq);
  }
}
