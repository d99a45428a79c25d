// The general model's training loop against the paper's: a data file holding the n×n
// identity with B = n is the one-hot full batch, so it must train to the same weights; and
// Bernoulli batches come from their own streams (deterministic, instance-independent).
import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../kernels/reference.js';
import { createWasmBackend } from '../kernels/wasm.js';
import { parseConfig } from './config.js';
import { createBatchSource, type DataMatrix } from './data.js';
import { createTrainer } from './train.js';

const identity = (n: number): DataMatrix => {
  const X = new Float32Array(n * n);
  for (let i = 0; i < n; i++) X[i * n + i] = 1;
  return { X, rows: n };
};

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

describe('--data file with X = I and B = n is --data onehot', () => {
  const base = { nFeatures: 8, nHidden: 16, nInstances: 2, lambda: 0.01, seed: 5 };
  // [optimizer, lr, steps]; measured max |ΔW| file vs one-hot: reference (float64) 7.6e-14,
  // 3.3e-16, 1.4e-16 (summation order only); wasm one-hot (float32) 4.3e-3 for the first case
  // (Adam divides by √v, so float32 rounding of near-zero gradients grows), 3.9e-7, 1.3e-6.
  const cases = [['adamw', 0.01, 300, null], ['sgd', 0.01, 300, 2e-6], ['adamw', 3e-3, 60, 2e-5]] as const;
  it.each(cases)('%s, lr %s, %i steps: weights agree with the one-hot path (float64 reference) to 1e-12, and with the wasm kernels to float32 rounding', async (optimizer, lr, steps, wasmTolerance) => {
    const c = { ...base, optimizer, lr };
    const onehot = createTrainer(parseConfig(c), { backend: referenceBackend });
    const file = createTrainer(parseConfig({ ...c, data: 'file', dataFile: 'identity.npy' }), { backend: referenceBackend, data: identity(8) });
    onehot.advance(steps);
    file.advance(steps);
    const b = Float64Array.from(file.session.weights());
    expect(maxAbsDiff(onehot.session.weights(), b)).toBeLessThan(1e-12);
    expect(Math.abs(onehot.finish().lossMean - file.finish().lossMean)).toBeLessThan(1e-12);
    if (wasmTolerance === null) return;
    const wasm = (await createWasmBackend())!;
    const w = createTrainer(parseConfig(c), { backend: wasm });
    w.advance(steps);
    expect(maxAbsDiff(w.session.weights(), b)).toBeLessThan(wasmTolerance);
    w.session.dispose();
  });
});

describe('Bernoulli batches', () => {
  const config = parseConfig({ nFeatures: 50, nHidden: 8, nInstances: 2, data: 'bernoulli', featureProbability: 0.2, batch: 400, seed: 9 });
  it('have the requested density, values 1, and differ between instances and steps', () => {
    const source = createBatchSource(config, null)!;
    const X = new Float32Array(2 * 400 * 50);
    source.next(X);
    const first = X.slice();
    const on = X.reduce((a, x) => a + (x !== 0 ? 1 : 0), 0) / X.length;
    expect(Math.abs(on - 0.2)).toBeLessThan(0.01); // 40000 draws: s.d. 0.002
    expect(X.every((x) => x === 0 || x === 1)).toBe(true);
    expect(Array.from(X.subarray(0, 20000))).not.toEqual(Array.from(X.subarray(20000)));
    source.next(X);
    expect(Array.from(X)).not.toEqual(Array.from(first));
  });

  it('uniform magnitudes lie in (0, 1] with mean 1/2', () => {
    const source = createBatchSource({ ...config, magnitude: 'uniform' }, null)!;
    const X = new Float32Array(2 * 400 * 50);
    source.next(X);
    const active = X.filter((x) => x !== 0);
    expect(active.every((x) => x > 0 && x <= 1)).toBe(true);
    expect(Math.abs(active.reduce((a, x) => a + x, 0) / active.length - 0.5)).toBeLessThan(0.02);
  });

  it('instance 0 sees the same batches whatever the number of instances', () => {
    const one = createBatchSource({ ...config, nInstances: 1 }, null)!;
    const two = createBatchSource(config, null)!;
    const X1 = new Float32Array(400 * 50);
    const X2 = new Float32Array(2 * 400 * 50);
    for (let t = 0; t < 3; t++) {
      one.next(X1);
      two.next(X2);
      expect(Array.from(X2.subarray(0, X1.length))).toEqual(Array.from(X1));
    }
  });

  it('an evaluation sees the batch of the step it is at and does not shift the stream', () => {
    const c = parseConfig({ ...config, nHidden: 8, steps: 20, snapshotEvery: 3 });
    const a = createTrainer(c, { backend: referenceBackend });
    const b = createTrainer(c, { backend: referenceBackend });
    a.advance(7);
    const lossAt7 = a.finish().lossMean; // evaluates at step 7 on step 7's batch
    a.advance(13);
    b.advance(20);
    expect(Array.from(a.session.weights())).toEqual(Array.from(b.session.weights()));
    const viaStep = createTrainer(c, { backend: referenceBackend });
    viaStep.advance(7);
    const stats = viaStep.session.step(null, false, viaStep.batch());
    expect(stats.loss.reduce((s, x) => s + x, 0) / 2).toBeCloseTo(lossAt7, 12);
  });
});
