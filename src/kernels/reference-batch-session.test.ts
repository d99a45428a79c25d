/**
 * The reference session on batches (the general model, SCIENCE.md §8), through the Backend
 * interface only: the gradient it applies to W and to an untied decoder (read back from one
 * plain-SGD step with lr = 1) against central differences of the loss written from its
 * definition, for every hidden layer, with and without hidden noise and for each force
 * switch; the loss and force norms it reports; batches handed per instance; bad inputs.
 */
import { describe, expect, it } from 'vitest';
import type { Problem } from '../core/backend.js';
import { OPTIMIZER_DEFAULTS } from '../core/optimizers.js';
import { createStreams } from '../core/rng.js';
import { batchLossByDefinition, finiteDifferenceGradient, maxAbsDiff, type Hidden } from '../test-support/model-by-definition.js';
import { referenceBackend } from './reference.js';

const n = 4;
const m = 5;
const B = 3;

function gaussian(count: number, seed: number, scale: number, shift = 0): Float64Array {
  const [s] = createStreams(seed, 1);
  return Float64Array.from({ length: count }, () => shift + scale * s.nextGaussian());
}

/** Batch rows with exact zeros (targets 0: interference terms) and positive entries (benefit terms). */
function batch(I: number, seed: number): Float32Array {
  const [s] = createStreams(seed, 1);
  return Float32Array.from({ length: I * B * n }, () => (s.nextDouble() < 0.5 ? 0 : Math.fround(0.5 + s.nextDouble())));
}

function problem(hidden: Hidden, untied: boolean, over: Partial<Problem> = {}): Problem {
  return {
    nInstances: 1,
    nFeatures: n,
    nHidden: m,
    benefit: true,
    interference: true,
    optimizer: 'sgd',
    hyper: { ...OPTIMIZER_DEFAULTS, lr: 1, lambda: 0.05 },
    threads: 1,
    data: 'batch',
    batchSize: B,
    hidden,
    untied,
    ...over,
  };
}

describe('reference session on batches: the gradient it applies is the gradient of the loss', () => {
  // W with a positive mean, so layernorm's centering matters
  const W = gaussian(n * m, 51, 0.6, 0.2);
  const Wdec = gaussian(n * m, 52, 0.6, 0.1);
  const X = batch(1, 53);
  const xi = gaussian(m, 54, 0.3);
  const cases: Array<[Hidden, boolean, boolean, boolean, boolean]> = [];
  for (const hidden of ['linear', 'relu', 'layernorm'] as const) {
    for (const untied of [false, true]) for (const noisy of [false, true]) cases.push([hidden, untied, noisy, true, true]);
  }
  cases.push(['relu', true, true, false, true], ['layernorm', false, false, true, false], ['linear', true, false, false, true]);

  it.each(cases)('hidden %s, untied %s, noise %s, benefit %s, interference %s', (hidden, untied, noisy, benefit, interference) => {
    const p = problem(hidden, untied, { benefit, interference });
    const noise = noisy ? xi : null;
    const s = referenceBackend.createSession(p, W, untied ? Wdec : undefined);
    const loss = s.step(noise, false, X).loss[0];
    const gradW = W.map((w, k) => w - s.weights()[k]);
    const o = { hidden, lambda: 0.05, xi: noise, benefit, interference };
    const dec = untied ? Float64Array.from(Wdec) : null;
    const fW = (w: Float64Array) => batchLossByDefinition(X, B, w, dec, n, m, o);
    expect(loss).toBeCloseTo(fW(Float64Array.from(W)), 10);
    const fd = finiteDifferenceGradient(Float64Array.from(W), fW);
    expect(maxAbsDiff(gradW, fd)).toBeLessThan(2e-5 * Math.max(1, ...fd.map(Math.abs)));
    if (untied) {
      const gradDec = Wdec.map((w, k) => w - s.decoderWeights()![k]);
      const fd2 = finiteDifferenceGradient(Float64Array.from(Wdec), (d) => batchLossByDefinition(X, B, W, d, n, m, o));
      expect(maxAbsDiff(gradDec, fd2)).toBeLessThan(2e-5 * Math.max(1, ...fd2.map(Math.abs)));
    } else {
      expect(s.decoderWeights()).toBeNull();
    }
  });

  it('repeated steps reuse the scratch without carrying anything over (untied: a fresh session per step gives the same)', () => {
    const p = problem('relu', true, { hyper: { ...OPTIMIZER_DEFAULTS, lr: 0.1, lambda: 0.01 } });
    const s = referenceBackend.createSession(p, W, Wdec);
    const Xs = [batch(1, 60), batch(1, 61), batch(1, 62)];
    for (const Xb of Xs) {
      const fresh = referenceBackend.createSession(p, Float64Array.from(s.weights()), Float64Array.from(s.decoderWeights()!));
      const a = s.step(null, true, Xb);
      const b = fresh.step(null, true, Xb);
      expect(a.loss[0]).toBe(b.loss[0]);
      expect(Array.from(a.forces)).toEqual(Array.from(b.forces));
      expect(Array.from(s.weights())).toEqual(Array.from(fresh.weights()));
      expect(Array.from(s.decoderWeights()!)).toEqual(Array.from(fresh.decoderWeights()!));
    }
  });
});

describe('reference session on batches: forces, instances, contract', () => {
  const W = gaussian(2 * n * m, 71, 0.6, 0.1);
  const Wdec = gaussian(2 * n * m, 72, 0.6);
  const X = batch(2, 73);

  it('force norms: the gradient norm of each part alone (benefit terms, interference terms, L1), over W and the decoder', () => {
    const p = { ...problem('relu', true), nInstances: 2 };
    const st = referenceBackend.createSession(p, W, Wdec).evaluate(X);
    for (let i = 0; i < 2; i++) {
      const Wi = W.slice(i * n * m, (i + 1) * n * m);
      const Di = Wdec.slice(i * n * m, (i + 1) * n * m);
      const Xi = X.subarray(i * B * n, (i + 1) * B * n);
      const parts = [
        { benefit: true, interference: false, lambda: 0 },
        { benefit: false, interference: true, lambda: 0 },
        { benefit: false, interference: false, lambda: 0.05 },
      ];
      parts.forEach((part, k) => {
        const o = { hidden: 'relu' as const, ...part };
        const gW = finiteDifferenceGradient(Float64Array.from(Wi), (w) => batchLossByDefinition(Xi, B, w, Di, n, m, o));
        const gD = finiteDifferenceGradient(Float64Array.from(Di), (d) => batchLossByDefinition(Xi, B, Wi, d, n, m, o));
        const norm = Math.sqrt([...gW, ...gD].reduce((a, v) => a + v * v, 0));
        expect(st.forces[3 * i + k]).toBeCloseTo(norm, 4);
      });
      expect(st.loss[i]).toBeCloseTo(batchLossByDefinition(Xi, B, Wi, Di, n, m, { hidden: 'relu', lambda: 0.05 }), 10);
    }
  });

  it('each instance trains on its own rows of X and its own noise row, as if alone', () => {
    const p = { ...problem('layernorm', false, { optimizer: 'adamw', hyper: { ...OPTIMIZER_DEFAULTS, lr: 0.01, lambda: 0.02 } }), nInstances: 2 };
    const noise = gaussian(2 * m, 74, 0.2);
    const together = referenceBackend.createSession(p, W);
    const alone = [0, 1].map((i) => referenceBackend.createSession({ ...p, nInstances: 1 }, W.subarray(i * n * m, (i + 1) * n * m)));
    for (let t = 0; t < 3; t++) {
      const st = together.step(noise, true, X);
      const loss = Array.from(st.loss);
      const forces = Array.from(st.forces);
      alone.forEach((s, i) => {
        const si = s.step(noise.subarray(i * m, (i + 1) * m), true, X.subarray(i * B * n, (i + 1) * B * n));
        expect(loss[i]).toBe(si.loss[0]);
        expect(forces.slice(3 * i, 3 * i + 3)).toEqual(Array.from(si.forces));
      });
    }
    const Wt = together.weights();
    expect(Array.from(Wt).every(Number.isFinite)).toBe(true);
    alone.forEach((s, i) => expect(Array.from(Wt.subarray(i * n * m, (i + 1) * n * m))).toEqual(Array.from(s.weights())));
  });

  it('refuses a batch of the wrong size or none, an untied model without its decoder, and use after dispose', () => {
    const p = problem('linear', true);
    const s = referenceBackend.createSession(p, W.subarray(0, n * m), Wdec.subarray(0, n * m));
    expect(() => s.step(null, false, new Float32Array(B * n - 1))).toThrow(/^reference backend: a batch step needs X \[1, 3, 4\]/);
    expect(() => s.step(null, false, null)).toThrow(/a batch step needs X/);
    expect(() => s.evaluate(new Float32Array(2))).toThrow(/a batch step needs X/);
    expect(() => s.setWeights(W.subarray(0, n * m))).toThrow(/^setWeights: an untied model needs/);
    expect(() => s.setWeights(W.subarray(0, n * m), new Float64Array(3))).toThrow(/untied model needs/);
    s.setWeights(W.subarray(0, n * m), Wdec.subarray(0, n * m));
    s.dispose();
    expect(() => s.step(null, false, X.subarray(0, B * n))).toThrow('reference backend: session used after dispose()');
    expect(() => s.evaluate(X.subarray(0, B * n))).toThrow(/after dispose/);
  });
});
