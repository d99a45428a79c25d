// The general model's closed-form gradient (SCIENCE.md §8, model.ts batchLossAndGradient)
// against central finite differences of the loss written out from its definition (no shared
// code path), float64, for every hidden layer, with and without L1 and hidden noise, tied and
// untied, on random small batches that include all-zero rows; and the general path against the
// one-hot path when X = I.
import { describe, expect, it } from 'vitest';
import { addL1Subgradient, batchForceNorms, batchLossAndGradient, coefficients, createBatchScratch, forceNorms, gram, l1, matmul, HIDDEN_LAYERS, type BatchModel, type HiddenLayer } from './model.js';
import { createStreams } from './rng.js';
import { batchLossByDefinition } from '../test-support/model-by-definition.js';

/** Σ_b ‖ReLU((φ(x_b W) + ξ) W_decᵀ) − x_b‖² + λ Σ_b ‖φ(x_b W)‖₁, straight from the definition (src/test-support). */
const lossByDefinition = (X: Float64Array, B: number, W: Float64Array, Wdec: Float64Array | null, xi: Float64Array | null, model: BatchModel): number =>
  batchLossByDefinition(X, B, W, Wdec, model.nFeatures, model.nHidden, { hidden: model.hidden, lambda: model.lambda, xi, benefit: model.benefit, interference: model.interference });

/** Max over entries of |fd − g| / max(|fd|, |g|, 1e-3), central differences with step 1e-6. */
function maxRelativeError(P: Float64Array, grad: Float64Array, f: () => number): number {
  const h = 1e-6;
  let worst = 0;
  for (let k = 0; k < P.length; k++) {
    const w = P[k];
    P[k] = w + h;
    const up = f();
    P[k] = w - h;
    const down = f();
    P[k] = w;
    const fd = (up - down) / (2 * h);
    worst = Math.max(worst, Math.abs(fd - grad[k]) / Math.max(Math.abs(fd), Math.abs(grad[k]), 1e-3));
  }
  return worst;
}

/** A random batch of B rows: Bernoulli(p) entries of magnitude in (0, 1], row `zeroRow` all zero. */
function randomBatch(seed: number, B: number, n: number, p: number, zeroRow: number): Float64Array {
  const [s] = createStreams(seed, 1);
  return Float64Array.from({ length: B * n }, (_, e) => (Math.floor(e / n) === zeroRow ? 0 : s.nextDouble() < p ? 1 - s.nextDouble() : 0));
}

function randomMatrix(seed: number, rows: number, cols: number, scale: number): Float64Array {
  const [s] = createStreams(seed, 1);
  return Float64Array.from({ length: rows * cols }, () => (scale / Math.sqrt(cols)) * s.nextGaussian());
}

const [n, m, B] = [5, 7, 6];
const cases = HIDDEN_LAYERS.flatMap((hidden) =>
  [0, 0.05].flatMap((lambda) => [false, true].flatMap((noise) => [false, true].map((untied) => ({ hidden, lambda, noise, untied })))),
);

describe('general model: closed-form gradient vs central differences', () => {
  it.each(cases)('hidden $hidden, λ $lambda, noise $noise, untied $untied: relative error < 1e-6', ({ hidden, lambda, noise, untied }) => {
    const seed = HIDDEN_LAYERS.indexOf(hidden) * 8 + (lambda ? 4 : 0) + (noise ? 2 : 0) + (untied ? 1 : 0);
    const model: BatchModel = { nFeatures: n, nHidden: m, hidden: hidden as HiddenLayer, lambda, benefit: true, interference: true };
    const X = randomBatch(100 + seed, B, n, 0.5, 2);
    expect(X.subarray(2 * n, 3 * n).every((x) => x === 0)).toBe(true);
    const W = randomMatrix(200 + seed, n, m, 1.5);
    const Wdec = untied ? randomMatrix(300 + seed, n, m, 1.5) : null;
    const xi = noise ? randomMatrix(400 + seed, 1, m, 0.3) : null;
    const gW = new Float64Array(n * m);
    const gD = untied ? new Float64Array(n * m) : null;
    const loss = batchLossAndGradient(X, B, W, Wdec, xi, model, createBatchScratch(B, n, m), gW, gD);
    const f = () => lossByDefinition(X, B, W, Wdec, xi, model);
    expect(Math.abs(loss - f()) / f()).toBeLessThan(1e-12);
    expect(maxRelativeError(W, gW, f)).toBeLessThan(1e-6);
    if (Wdec) expect(maxRelativeError(Wdec, gD!, f)).toBeLessThan(1e-6);
  });

  it('with the force switches: each part alone matches its own finite differences', () => {
    for (const [benefit, interference] of [[true, false], [false, true]]) {
      const model: BatchModel = { nFeatures: n, nHidden: m, hidden: 'relu', lambda: 0.02, benefit, interference };
      const X = randomBatch(7, B, n, 0.4, 0);
      const W = randomMatrix(8, n, m, 1.5);
      const gW = new Float64Array(n * m);
      batchLossAndGradient(X, B, W, null, null, model, createBatchScratch(B, n, m), gW, null);
      expect(maxRelativeError(W, gW, () => lossByDefinition(X, B, W, null, null, model))).toBeLessThan(1e-6);
    }
  });
});

describe('general model with X = I reduces to the one-hot path', () => {
  it('same loss, gradient 4 (ReLU(WWᵀ) − I) W + λ sign(W) and force norms, to 1e-12 relative', () => {
    const [nn, mm, lambda] = [6, 10, 0.03];
    const W = randomMatrix(9, nn, mm, 1.3);
    const X = new Float64Array(nn * nn);
    for (let i = 0; i < nn; i++) X[i * nn + i] = 1;
    const model: BatchModel = { nFeatures: nn, nHidden: mm, hidden: 'linear', lambda, benefit: true, interference: true };
    const s = createBatchScratch(nn, nn, mm);
    const gBatch = new Float64Array(nn * mm);
    const lossBatch = batchLossAndGradient(X, nn, W, null, null, model, s, gBatch, null);

    const G = new Float64Array(nn * nn);
    const M = new Float64Array(nn * nn);
    const D = new Float64Array(nn * mm);
    gram(W, nn, mm, G);
    const { penalty, nonzero } = l1(W, lambda);
    const lossOneHot = coefficients(G, nn, true, M) + penalty;
    matmul(M, W, nn, mm, D);
    const forcesOneHot = new Float64Array(3);
    forceNorms(G, M, W, D, nn, mm, lambda, nonzero, forcesOneHot, 0);
    addL1Subgradient(D, W, lambda);

    expect(Math.abs(lossBatch - lossOneHot) / lossOneHot).toBeLessThan(1e-12);
    let worst = 0;
    let scale = 0;
    for (let k = 0; k < D.length; k++) {
      worst = Math.max(worst, Math.abs(gBatch[k] - D[k]));
      scale = Math.max(scale, Math.abs(D[k]));
    }
    expect(worst / scale).toBeLessThan(1e-12);
    const forcesBatch = new Float64Array(3);
    batchForceNorms(X, nn, W, null, model, s, new Float64Array(nn * mm), null, forcesBatch, 0);
    for (let p = 0; p < 3; p++) expect(Math.abs(forcesBatch[p] - forcesOneHot[p]) / forcesOneHot[p]).toBeLessThan(1e-12);
  });
});
