/**
 * The general model's gradient where the finite differences of model-batch.test.ts cannot
 * look: at exactly zero. With W = 0 every pre-activation, hidden value and output is 0, so
 * the conventions decide the gradient: ReLU′(0) = 0 and sign(0) = 0, as in PyTorch
 * (torch.relu and torch.sign have gradient and value 0 at 0). A reconstruction term whose
 * output is exactly 0 passes no gradient, and the L1 term adds none. Also the force norms of
 * an untied model: the norms of the gradient over W and the decoder together, each part's
 * gradient from batchLossAndGradient (checked by finite differences in model-batch.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { batchForceNorms, batchLossAndGradient, createBatchScratch, type BatchModel } from './model.js';

const n = 3;
const m = 2;
const X = new Float64Array([1, 0, 0, 0, 1, 1]); // two rows
const B = 2;

describe('batch gradient at W = 0: ReLU′(0) = 0 and sign(0) = 0', () => {
  it.each(['linear', 'relu'] as const)('tied, %s hidden layer, λ = 0.1: loss = number of targets on, gradient exactly 0', (hidden) => {
    const model: BatchModel = { nFeatures: n, nHidden: m, hidden, lambda: 0.1, benefit: true, interference: true };
    const grad = new Float64Array(n * m).fill(7);
    const loss = batchLossAndGradient(X, B, new Float64Array(n * m), null, null, model, createBatchScratch(B, n, m), grad, null);
    expect(loss).toBe(3); // (0 − 1)² for each of the three ones in X; λ·|0| = 0
    expect(Array.from(grad)).toEqual(new Array(n * m).fill(0));
  });

  it.each(['linear', 'relu'] as const)('untied, %s, W = 0 with a nonzero decoder: outputs 0, so the encoder and decoder gradients are 0', (hidden) => {
    const model: BatchModel = { nFeatures: n, nHidden: m, hidden, lambda: 0.1, benefit: true, interference: true };
    const Wdec = new Float64Array([0.5, -0.2, 0.3, 0.4, -0.1, 0.6]);
    const grad = new Float64Array(n * m).fill(7);
    const gradDec = new Float64Array(n * m).fill(7);
    const loss = batchLossAndGradient(X, B, new Float64Array(n * m), Wdec, null, model, createBatchScratch(B, n, m), grad, gradDec);
    expect(loss).toBe(3);
    expect(Array.from(grad)).toEqual(new Array(n * m).fill(0));
    expect(Array.from(gradDec)).toEqual(new Array(n * m).fill(0));
  });
});

describe('force norms of an untied model', () => {
  it('each force is the norm of the gradient over W and the decoder together', () => {
    const model: BatchModel = { nFeatures: n, nHidden: m, hidden: 'linear', lambda: 0.05, benefit: true, interference: true };
    const W = new Float64Array([0.8, -0.3, 0.2, 0.9, -0.4, 0.5]);
    const Wdec = new Float64Array([0.7, 0.1, -0.2, 0.6, 0.3, -0.5]);
    const s = createBatchScratch(B, n, m);
    const out = new Float64Array(4).fill(-1);
    batchForceNorms(X, B, W, Wdec, model, s, new Float64Array(n * m), new Float64Array(n * m), out, 1);
    const parts: Array<Partial<BatchModel>> = [
      { benefit: true, interference: false, lambda: 0 },
      { benefit: false, interference: true, lambda: 0 },
      { benefit: false, interference: false },
    ];
    const want = parts.map((p) => {
      const g = new Float64Array(n * m);
      const d = new Float64Array(n * m);
      batchLossAndGradient(X, B, W, Wdec, null, { ...model, ...p }, createBatchScratch(B, n, m), g, d);
      return Math.hypot(...g, ...d);
    });
    expect(out[0]).toBe(-1); // written at the offset only
    for (let p = 0; p < 3; p++) expect(out[1 + p]).toBeCloseTo(want[p], 14);
    // the decoder's part is not zero here, so leaving it out would show
    const encoderOnly = (() => {
      const g = new Float64Array(n * m);
      batchLossAndGradient(X, B, W, Wdec, null, { ...model, ...parts[0] }, createBatchScratch(B, n, m), g, new Float64Array(n * m));
      return Math.hypot(...g);
    })();
    expect(Math.abs(out[1] - encoderOnly)).toBeGreaterThan(1e-3);
  });
});
