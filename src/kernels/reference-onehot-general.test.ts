/**
 * One-hot data with a ReLU or LayerNorm hidden layer (or an untied decoder) on the reference
 * backend: before issue 11 the Gram path ignored the hidden layer and trained the linear
 * model. It must equal the general path on the batch X = I, step for step.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.js';
import { initWeights } from '../core/init.js';
import { problemOf } from '../core/train.js';
import { referenceBackend } from './reference.js';

describe('reference backend, one-hot data beyond the paper’s model', () => {
  it.each(['relu', 'layernorm'] as const)('%s hidden layer: same weights as the batch path on X = I, and not the linear model', (hidden) => {
    const n = 5;
    const m = 7;
    const c = parseConfig({ nFeatures: n, nHidden: m, nInstances: 2, hidden, lambda: 1e-2, lr: 1e-2, seed: 3 });
    const W0 = initWeights(c);
    const onehot = referenceBackend.createSession(problemOf(c), W0);
    const batch = referenceBackend.createSession({ ...problemOf(c), data: 'batch', batchSize: n }, W0);
    const linear = referenceBackend.createSession({ ...problemOf(c), hidden: 'linear' }, W0);
    const X = new Float32Array(2 * n * n);
    for (let inst = 0; inst < 2; inst++) for (let i = 0; i < n; i++) X[inst * n * n + i * n + i] = 1;
    for (let t = 0; t < 20; t++) {
      onehot.step(null, false);
      batch.step(null, false, X);
      linear.step(null, false);
    }
    expect(Array.from(onehot.weights())).toEqual(Array.from(batch.weights()));
    const diff = Math.max(...Array.from(onehot.weights(), (w, k) => Math.abs(w - linear.weights()[k])));
    expect(diff).toBeGreaterThan(1e-4);
  });
});
