/**
 * The reference session as a whole, through the Backend interface only: the gradient it
 * applies (read back from one plain-SGD step with lr = 1) against central differences of
 * the loss written from its definition, with and without hidden noise, for each switch of
 * the forces; the loss and forces it reports; how it hands each instance its own noise row.
 * The free functions are gradient-checked in reference-impl.test.ts; this checks that the
 * session uses them, so dropping the hidden-noise term of the gradient fails here.
 */
import { describe, expect, it } from 'vitest';
import { createStreams } from '../core/rng.js';
import { OPTIMIZER_DEFAULTS, type OptimizerName } from '../core/optimizers.js';
import { finiteDifferenceGradient, forcesByDefinition, lossByDefinition, maxAbsDiff } from '../test-support/model-by-definition.js';
import type { Problem } from './backend.js';
import { referenceBackend } from './reference.js';

function gaussian(count: number, seed: number, scale: number): Float64Array {
  const [s] = createStreams(seed, 1);
  return Float64Array.from({ length: count }, () => scale * s.nextGaussian());
}

function problem(n: number, m: number, over: Partial<Problem> = {}, lambda = 0, optimizer: OptimizerName = 'sgd', lr = 1): Problem {
  return { nInstances: 1, nFeatures: n, nHidden: m, benefit: true, interference: true, optimizer, hyper: { ...OPTIMIZER_DEFAULTS, lr, lambda }, threads: 1, data: 'onehot', batchSize: n, hidden: 'linear', untied: false, ...over };
}

/** The gradient the session applies: with SGD and lr = 1, W_after = W − ∇. */
function appliedGradient(p: Problem, W: Float64Array, noise: Float64Array | null): { grad: Float64Array; loss: number } {
  const s = referenceBackend.createSession(p, W);
  const loss = s.step(noise, false).loss[0];
  const after = s.weights();
  return { grad: W.map((w, k) => w - after[k]), loss };
}

describe('reference session: the gradient it applies is the gradient of the loss', () => {
  const n = 5;
  const m = 7;
  // scale 1.3: several overlaps W_i·W_j positive and several negative, so every branch of the ReLUs is taken
  const W = gaussian(n * m, 21, 1.3 / Math.sqrt(m));
  const xi = gaussian(m, 22, 0.3);
  const switches: Array<[string, boolean, boolean]> = [
    ['all forces', true, true],
    ['no interference', false, true],
    ['no feature benefit', true, false],
  ];
  for (const [label, interference, benefit] of switches) {
    for (const noisy of [false, true]) {
      it(`${label}, ${noisy ? 'with' : 'without'} hidden noise, λ = 0.05`, () => {
        const p = problem(n, m, { interference, benefit }, 0.05);
        const noise = noisy ? xi : null;
        const { grad, loss } = appliedGradient(p, W, noise);
        const f = (w: Float64Array) => lossByDefinition(w, n, m, 0.05, noise, interference, benefit);
        const fd = finiteDifferenceGradient(Float64Array.from(W), f);
        expect(maxAbsDiff(grad, fd)).toBeLessThan(1e-6 * Math.max(1, ...fd.map(Math.abs)));
        expect(loss).toBeCloseTo(f(W), 12);
      });
    }
  }

  it('the noise term changes the gradient (so the check above can tell it is there)', () => {
    const p = problem(n, m);
    expect(maxAbsDiff(appliedGradient(p, W, xi).grad, appliedGradient(p, W, null).grad)).toBeGreaterThan(1e-2);
  });

  it('strong noise that turns a feature\'s own pre-activation negative: that term drops out of the gradient too', () => {
    // ξ = −3 W_0 makes p_00 = ‖W_0‖² + W_0·ξ = −2‖W_0‖² < 0 (the ReLU is off on the diagonal)
    const strong = Float64Array.from({ length: m }, (_, k) => -3 * W[k]);
    const p = problem(n, m, {}, 0);
    const { grad, loss } = appliedGradient(p, W, strong);
    const f = (w: Float64Array) => lossByDefinition(w, n, m, 0, strong);
    const fd = finiteDifferenceGradient(Float64Array.from(W), f);
    expect(maxAbsDiff(grad, fd)).toBeLessThan(1e-6 * Math.max(1, ...fd.map(Math.abs)));
    expect(loss).toBeCloseTo(f(W), 12);
  });

  it('prox-sgd: the smooth step, then soft-thresholding at lr·λ (the L1 term is not also added to the gradient)', () => {
    const lr = 0.05;
    const lambda = 3;
    const smooth = appliedGradient(problem(n, m), W, null).grad; // λ = 0, lr = 1: the smooth gradient
    const s = referenceBackend.createSession(problem(n, m, {}, lambda, 'prox-sgd', lr), W);
    s.step(null, false);
    const thr = lr * lambda;
    const want = W.map((w, k) => {
      const v = w - lr * smooth[k];
      return v > thr ? v - thr : v < -thr ? v + thr : 0;
    });
    expect(maxAbsDiff(s.weights(), want)).toBeLessThan(1e-15);
    expect(Array.from(s.weights()).filter((w) => w === 0).length).toBeGreaterThan(0);
  });

  it('cannot be used after dispose', () => {
    const s = referenceBackend.createSession(problem(n, m), W);
    s.dispose();
    expect(() => s.step(null, false)).toThrow('reference backend: session used after dispose()');
    expect(() => s.evaluate()).toThrow(/after dispose/);
  });

  it('a zero noise vector gives the noiseless step exactly', () => {
    const p = problem(n, m, {}, 0.01);
    const a = appliedGradient(p, W, new Float64Array(m));
    const b = appliedGradient(p, W, null);
    expect(Array.from(a.grad)).toEqual(Array.from(b.grad));
    expect(a.loss).toBe(b.loss);
  });
});

describe('reference session: several instances', () => {
  const n = 4;
  const m = 6;
  const W = gaussian(3 * n * m, 31, 1 / Math.sqrt(m));
  const noise = gaussian(3 * m, 32, 0.2);
  const hyper = { ...OPTIMIZER_DEFAULTS, lr: 0.05, lambda: 0.02 };

  it.each(['sgd', 'prox-sgd', 'adam', 'adamw'] as const)('%s: each instance trains on its own weights, optimizer state and noise row, as if alone', (optimizer) => {
    const together = referenceBackend.createSession({ ...problem(n, m), nInstances: 3, optimizer, hyper }, W);
    const alone = [0, 1, 2].map((i) => referenceBackend.createSession({ ...problem(n, m), optimizer, hyper }, W.subarray(i * n * m, (i + 1) * n * m)));
    for (let t = 0; t < 4; t++) {
      const rows = t % 2 ? null : noise; // alternate noisy and noiseless steps
      const st = together.step(rows, true);
      const loss = Array.from(st.loss);
      const forces = Array.from(st.forces);
      alone.forEach((s, i) => {
        const si = s.step(rows ? rows.subarray(i * m, (i + 1) * m) : null, true);
        expect(loss[i]).toBe(si.loss[0]);
        expect(forces.slice(3 * i, 3 * i + 3)).toEqual(Array.from(si.forces));
      });
    }
    alone.forEach((s, i) => expect(Array.from(together.weights().subarray(i * n * m, (i + 1) * n * m))).toEqual(Array.from(s.weights())));
    expect(Array.from(together.weights()).every(Number.isFinite)).toBe(true);
    expect(Array.from(together.weights())).not.toEqual(Array.from(W)); // it moved
    expect(together.stepCount).toBe(4);
  });
});

describe('reference session: what it reports', () => {
  const n = 4;
  const m = 5;
  const W = gaussian(2 * n * m, 41, 1.2 / Math.sqrt(m));
  W[3] = 0; // an exact zero: not counted in the regularization force
  const p: Problem = { ...problem(n, m, {}, 0.03, 'adamw', 0.01), nInstances: 2 };

  it('loss and forces by definition, before the update; forces use the noiseless gradient', () => {
    const s = referenceBackend.createSession(p, W);
    const noise = gaussian(2 * m, 42, 0.4);
    const st = s.step(noise, true);
    for (let i = 0; i < 2; i++) {
      const Wi = W.subarray(i * n * m, (i + 1) * n * m);
      expect(st.loss[i]).toBeCloseTo(lossByDefinition(Wi, n, m, 0.03, noise.subarray(i * m, (i + 1) * m)), 12);
      const [b, f, r] = forcesByDefinition(Wi, n, m, 0.03);
      expect(st.forces[3 * i]).toBeCloseTo(b, 12);
      expect(st.forces[3 * i + 1]).toBeCloseTo(f, 12);
      expect(st.forces[3 * i + 2]).toBeCloseTo(r, 14);
    }
    expect(st.forces[2]).toBeCloseTo(0.03 * Math.sqrt(n * m - 1), 14);
  });

  it.each([
    [false, true],
    [true, false],
  ])('forces by definition with interference %s and feature benefit %s', (interference, benefit) => {
    const s = referenceBackend.createSession({ ...p, interference, benefit }, W);
    const st = s.evaluate();
    const [b, f] = forcesByDefinition(W.subarray(0, n * m), n, m, 0.03, interference, benefit);
    expect(st.forces[0]).toBeCloseTo(b, 12);
    expect(st.forces[1]).toBeCloseTo(f, 12);
    expect(st.loss[0]).toBeCloseTo(lossByDefinition(W.subarray(0, n * m), n, m, 0.03, null, interference, benefit), 12);
  });

  it('evaluate() changes nothing and reports what the next step starts from', () => {
    const s = referenceBackend.createSession(p, W);
    s.step(null, false);
    const before = Float64Array.from(s.weights());
    const e = Array.from(s.evaluate().loss);
    expect(Array.from(s.weights())).toEqual(Array.from(before));
    expect(s.stepCount).toBe(1);
    expect(Array.from(s.step(null, false).loss)).toEqual(e);
    expect(s.stepCount).toBe(2);
  });

  it('setWeights restarts the optimizer: the same steps as a fresh session', () => {
    const fresh = referenceBackend.createSession(p, W);
    const reused = referenceBackend.createSession(p, gaussian(2 * n * m, 43, 0.5));
    for (let t = 0; t < 3; t++) reused.step(null, false);
    reused.setWeights(W);
    expect(reused.stepCount).toBe(0);
    for (let t = 0; t < 3; t++) {
      expect(Array.from(reused.step(null, false).loss)).toEqual(Array.from(fresh.step(null, false).loss));
    }
    expect(Array.from(reused.weights())).toEqual(Array.from(fresh.weights()));
    expect(() => reused.setWeights(new Float64Array(3))).toThrow(/setWeights: expected 40 values \[2, 4, 5\], got 3/);
  });

  it('keeps float64 weights (it is the float64 oracle) and copies W0', () => {
    const W0 = Float64Array.from(W);
    const s = referenceBackend.createSession(p, W0);
    expect(s.dtype).toBe('float64');
    expect(s.backend).toBe('reference');
    expect(s.weights()).toBeInstanceOf(Float64Array);
    s.step(null, false);
    expect(Array.from(W0)).toEqual(Array.from(W));
    expect(referenceBackend.supports(p, true)).toBe(true);
    s.dispose();
  });
});
