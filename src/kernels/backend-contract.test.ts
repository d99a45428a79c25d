// The Session contract (src/kernels/backend.ts), one suite run over every registered backend
// (select.ts BACKENDS): a new backend is tested here as soon as it is registered, and says in
// PROMISES (one line, which TypeScript demands) whether its results are bit-identical for any
// thread count. Golden losses come from the closed form of SCIENCE.md §2 evaluated in float64
// below, independently of every backend.
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig, type TrainConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { initWeights } from '../core/init.js';
import { OPTIMIZER_NAMES, type OptimizerName } from '../core/optimizers.js';
import { problemOf } from '../core/train.js';
import type { Backend, BackendName, Problem, Session } from './backend.js';
import { BACKENDS, selectBackend } from './select.js';

/** What each backend promises beyond the interface. */
const PROMISES: Record<BackendName, { threadsBitIdentical: boolean }> = {
  reference: { threadsBitIdentical: true },
  wasm: { threadsBitIdentical: true },
};

const sessions: Session[] = [];
afterAll(() => sessions.forEach((s) => s.dispose()));

/** §2 loss of one instance in float64: Σ_i (G_ii − 1)² + Σ_{i≠j} ReLU(G_ij)² + λ‖W‖₁. */
function paperLoss(W: ArrayLike<number>, n: number, m: number, lambda: number, offset = 0): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let g = 0;
      for (let k = 0; k < m; k++) g += W[offset + i * m + k] * W[offset + j * m + k];
      loss += i === j ? (g - 1) ** 2 : Math.max(g, 0) ** 2;
    }
  }
  for (let k = 0; k < n * m; k++) loss += lambda * Math.abs(W[offset + k]);
  return loss;
}

const bits = (a: ArrayLike<number>, dtype: 'float32' | 'float64') => Buffer.from((dtype === 'float32' ? Float32Array.from(a) : Float64Array.from(a)).buffer);
const tolerance = (s: Session) => (s.dtype === 'float32' ? 2e-5 : 1e-12);

describe.each(Object.keys(BACKENDS) as BackendName[])('backend contract: %s', (name) => {
  const config = parseConfig({ nFeatures: 6, nHidden: 11, nInstances: 2, optimizer: 'adamw', lr: 0.01, lambda: 0.05, seed: 7 });
  const getBackend = async (): Promise<Backend> => {
    const backend = await BACKENDS[name]();
    expect(backend, `${name} is available in Node`).not.toBeNull();
    return backend!;
  };
  const open = async (c: TrainConfig = config, threads = 1, W0 = initWeights(c)): Promise<Session> => {
    const s = (await getBackend()).createSession(problemOf(c, threads), W0);
    sessions.push(s);
    return s;
  };

  it('names itself and its dtype', async () => {
    const s = await open();
    expect(s.backend).toBe(name);
    expect(['float32', 'float64']).toContain(s.dtype);
  });

  it('weights() holds W0, [instances, n, m], with stepCount 0', async () => {
    const s = await open();
    const W0 = initWeights(config);
    expect(s.weights().length).toBe(2 * 6 * 11);
    expect(bits(s.weights(), s.dtype).equals(bits(W0, s.dtype))).toBe(true);
    expect(s.stepCount).toBe(0);
  });

  it('evaluate() gives the §2 loss per instance and changes nothing', async () => {
    const s = await open();
    const before = Float64Array.from(s.weights());
    const loss = Array.from(s.evaluate().loss);
    for (let inst = 0; inst < 2; inst++) {
      const want = paperLoss(before, 6, 11, 0.05, inst * 66);
      expect(Math.abs(loss[inst] - want) / want).toBeLessThan(tolerance(s));
    }
    expect(Float64Array.from(s.weights())).toEqual(before);
    expect(s.stepCount).toBe(0);
    expect(Array.from(s.evaluate().loss)).toEqual(loss);
  });

  it('step() reports the loss at the weights it started from, moves them, and counts', async () => {
    const s = await open();
    const at0 = Array.from(s.evaluate().loss);
    const before = Float64Array.from(s.weights());
    expect(Array.from(s.step(null, false).loss)).toEqual(at0);
    expect(s.stepCount).toBe(1);
    expect(Float64Array.from(s.weights())).not.toEqual(before);
    for (let t = 0; t < 30; t++) s.step(null, false);
    expect(s.stepCount).toBe(31);
    const after = Array.from(s.evaluate().loss);
    for (let inst = 0; inst < 2; inst++) expect(after[inst]).toBeLessThan(at0[inst]);
  });

  it('step(…, true) and evaluate() fill the three force norms (finite, non-negative)', async () => {
    const s = await open();
    const forces = Array.from(s.step(null, true).forces);
    expect(forces.length).toBe(2 * 3);
    for (const f of forces) expect(Number.isFinite(f) && f >= 0).toBe(true);
    // regularization force ‖λ sign(W)‖ = λ √(nonzeros): every initial weight is nonzero
    expect(forces[2]).toBeCloseTo(0.05 * Math.sqrt(66), 5);
    expect(Array.from(s.evaluate().forces).length).toBe(6);
  });

  it.each(OPTIMIZER_NAMES)('%s: 25 steps agree with the reference backend', async (optimizer: OptimizerName) => {
    const c = parseConfig({ nFeatures: 5, nHidden: 7, nInstances: 2, optimizer, lr: optimizer.startsWith('adam') ? 0.01 : 0.03, lambda: 0.02, seed: 4 });
    const s = await open(c);
    const ref = (await BACKENDS.reference())!.createSession(problemOf(c, 1), initWeights(c));
    for (let t = 0; t < 25; t++) {
      s.step(null, false);
      ref.step(null, false);
    }
    let diff = 0;
    const a = s.weights(), b = ref.weights();
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
    expect(diff).toBeLessThan(tolerance(s));
  });

  it('setWeights() restarts the optimizer: the same steps as a fresh session, bit for bit', async () => {
    const a = await open();
    const b = await open();
    for (let t = 0; t < 4; t++) a.step(null, false);
    a.setWeights(initWeights(config));
    expect(a.stepCount).toBe(0);
    for (let t = 0; t < 3; t++) {
      a.step(null, false);
      b.step(null, false);
    }
    expect(bits(a.weights(), a.dtype).equals(bits(b.weights(), b.dtype))).toBe(true);
  });

  it('setWeights() with the wrong size throws a RangeError naming the shape, and keeps the weights', async () => {
    const s = await open();
    const before = Float64Array.from(s.weights());
    expect(() => s.setWeights(new Float32Array(5))).toThrow(RangeError);
    expect(() => s.setWeights(new Float32Array(5))).toThrow(/expected 132 values \[2, 6, 11\], got 5/);
    expect(Float64Array.from(s.weights())).toEqual(before);
  });

  it('dispose() may be called twice; a disposed session refuses to step', async () => {
    const s = await open();
    s.step(null, false);
    s.dispose();
    s.dispose();
    expect(() => s.step(null, false)).toThrow(/dispose/);
    expect(() => s.evaluate()).toThrow(/dispose/);
  });

  it('supports() the paper problem; refuses an optimizer it has no kernel for, with a clear error when chosen', async () => {
    const backend = await getBackend();
    const p = problemOf(config);
    expect(backend.supports(p, false)).toBe(true);
    const unknown = { ...p, optimizer: 'lion' } as unknown as Problem;
    expect(backend.supports(unknown, false)).toBe(false);
    await expect(selectBackend(name, unknown, false)).rejects.toThrow(UserError);
    await expect(selectBackend(name, unknown, false)).rejects.toThrow(new RegExp(`invalid backend \\(--backend\\): "${name}" does not support`));
  });

  it.runIf(PROMISES[name].threadsBitIdentical).each([
    [1, 13, 21],
    [3, 9, 10],
  ])('%i×(%i, %i): weights and losses are bit-identical for 1, 2 and 3 threads', async (nInstances, nFeatures, nHidden) => {
    const c = parseConfig({ nInstances, nFeatures, nHidden, optimizer: 'adamw', lr: 0.01, seed: 11 });
    const runs = await Promise.all(
      [1, 2, 3].map(async (threads) => {
        const s = await open(c, threads);
        const losses: number[] = [];
        for (let t = 0; t < 8; t++) losses.push(...s.step(null, t % 3 === 0).loss);
        return { W: bits(s.weights(), s.dtype), losses };
      }),
    );
    for (const r of runs.slice(1)) {
      expect(r.W.equals(runs[0].W)).toBe(true);
      expect(r.losses).toEqual(runs[0].losses);
    }
  });
});
