// The Session contract (src/core/backend.ts), one suite run over every registered backend
// (select.ts BACKENDS): a new backend is tested here as soon as it is registered, and says in
// PROMISES (one line, which TypeScript demands) whether its results are bit-identical for any
// thread count. Two problems: the paper's one-hot full batch (golden losses from the closed
// form of SCIENCE.md §2 evaluated in float64 below, independently of every backend) and the
// general model on batches (below; golden losses from src/core/model.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig, type TrainConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { initWeights } from '../core/init.js';
import { batchLossAndGradient, createBatchScratch } from '../core/model.js';
import { OPTIMIZER_DEFAULTS, OPTIMIZER_NAMES, type OptimizerName } from '../core/optimizers.js';
import { problemOf } from '../core/train.js';
import type { Backend, BackendName, Problem, Session } from './backend.js';
import { BACKENDS, selectBackend } from './select.js';
import { uniform } from '../test-support/uniform.js';

/** What each backend promises beyond the interface. */
const PROMISES: Record<BackendName, { threadsBitIdentical: boolean }> = {
  reference: { threadsBitIdentical: true },
  wasm: { threadsBitIdentical: true },
  native: { threadsBitIdentical: true },
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

/**
 * The registered backends available in this process: all of them, except native where the
 * addon was not built (no compiler at install; src/kernels/native.test.ts covers that case).
 */
const BUILT = (await Promise.all((Object.keys(BACKENDS) as BackendName[]).map(async (name) => ((await BACKENDS[name]()) === null && name === 'native' ? null : name)))).filter(
  (name): name is BackendName => name !== null,
);

describe.each(BUILT)('backend contract: %s', (name) => {
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

  if (PROMISES[name].threadsBitIdentical) it.each([
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

// ---------------------------------------------------------------------------------------
// The same contract on the general model (SCIENCE.md §8): a batch with every step. A backend
// that has no kernel for it must refuse it in supports() (and selection must say so clearly);
// one that supports it must honour the whole contract. Golden losses: src/core/model.ts.

const AVAILABLE = Object.fromEntries(await Promise.all((Object.keys(BACKENDS) as BackendName[]).map(async (name) => [name, await BACKENDS[name]()] as const))) as Record<BackendName, Backend | null>;

const BATCH_PROBLEM: Problem = {
  nInstances: 2,
  nFeatures: 6,
  nHidden: 11,
  benefit: true,
  interference: true,
  optimizer: 'adamw',
  hyper: { ...OPTIMIZER_DEFAULTS, lr: 0.01, lambda: 0.05 },
  threads: 1,
  data: 'batch',
  batchSize: 5,
  hidden: 'relu',
  untied: true,
};

/** Weights W0 and W_dec0 (float32 values), and a stream of sparse batches with a zero row. */
function batchFixtures(p: Problem, seed = 3) {
  const u = uniform(seed);
  const size = p.nInstances * p.nFeatures * p.nHidden;
  const W0 = Float32Array.from({ length: size }, () => u() - 0.5);
  const D0 = Float32Array.from({ length: size }, () => u() - 0.5);
  const batch = () => Float32Array.from({ length: p.nInstances * p.batchSize * p.nFeatures }, (_, j) => (Math.floor(j / p.nFeatures) % p.batchSize === 1 ? 0 : u() < 0.3 ? 1 : 0));
  return { W0, D0, batch };
}

/** Loss per instance from src/core/model.ts (float64). */
function modelLoss(p: Problem, X: Float32Array, W: ArrayLike<number>, D: ArrayLike<number>): number[] {
  const { nFeatures: n, nHidden: m, batchSize: B } = p;
  const model = { nFeatures: n, nHidden: m, hidden: p.hidden, lambda: p.hyper.lambda, benefit: p.benefit, interference: p.interference };
  const s = createBatchScratch(B, n, m);
  return Array.from({ length: p.nInstances }, (_, i) => {
    const w = Float64Array.from(W).subarray(i * n * m, (i + 1) * n * m);
    const d = Float64Array.from(D).subarray(i * n * m, (i + 1) * n * m);
    return batchLossAndGradient(X.subarray(i * B * n, (i + 1) * B * n), B, w, p.untied ? d : null, null, model, s, new Float64Array(n * m), p.untied ? new Float64Array(n * m) : null);
  });
}

const batchSupported = (name: BackendName) => AVAILABLE[name] !== null && AVAILABLE[name].supports(BATCH_PROBLEM, true);

describe.each(Object.keys(BACKENDS) as BackendName[])('backend contract on batches: %s', (name) => {
  it('runs batches, or refuses them clearly when it has no kernel for them', async () => {
    if (batchSupported(name)) expect((await selectBackend(name, BATCH_PROBLEM, true)).name).toBe(name);
    else if (AVAILABLE[name] === null && name === 'native') await expect(selectBackend(name, BATCH_PROBLEM, true)).rejects.toThrow(/"native" is not available/);
    else await expect(selectBackend(name, BATCH_PROBLEM, true)).rejects.toThrow(new RegExp(`"${name}" does not support this configuration`));
  });
});

describe.each((Object.keys(BACKENDS) as BackendName[]).filter(batchSupported))('backend contract on batches (relu, untied): %s', (name) => {
  const backend = AVAILABLE[name];
  const open = (threads = 1) => {
    const p = { ...BATCH_PROBLEM, threads };
    const f = batchFixtures(p);
    const s = backend!.createSession(p, f.W0, f.D0);
    sessions.push(s);
    return { s, f };
  };

  it('weights() and decoderWeights() hold W0 and W_dec0; evaluate(X) gives the model.ts loss and changes nothing', () => {
    const { s, f } = open();
    expect(bits(s.weights(), s.dtype).equals(bits(f.W0, s.dtype))).toBe(true);
    expect(bits(s.decoderWeights()!, s.dtype).equals(bits(f.D0, s.dtype))).toBe(true);
    const X = f.batch();
    const want = modelLoss(BATCH_PROBLEM, X, f.W0, f.D0);
    const got = Array.from(s.evaluate(X).loss);
    for (let i = 0; i < 2; i++) expect(Math.abs(got[i] - want[i]) / want[i]).toBeLessThan(tolerance(s));
    expect(bits(s.weights(), s.dtype).equals(bits(f.W0, s.dtype))).toBe(true);
    expect(s.stepCount).toBe(0);
  });

  it('step(noise, forces, X) reports the loss before it, moves both matrices, counts; the wrong batch size throws', () => {
    const { s, f } = open();
    const X = f.batch();
    const before = Array.from(s.evaluate(X).loss);
    expect(Array.from(s.step(null, true, X).loss)).toEqual(before);
    expect(s.stepCount).toBe(1);
    expect(bits(s.weights(), s.dtype).equals(bits(f.W0, s.dtype))).toBe(false);
    expect(bits(s.decoderWeights()!, s.dtype).equals(bits(f.D0, s.dtype))).toBe(false);
    expect(() => s.step(null, false, new Float32Array(7))).toThrow(RangeError);
    expect(s.stepCount).toBe(1);
    s.step(new Float64Array(2 * 11).fill(0.01), false, f.batch());
    expect(s.stepCount).toBe(2);
  });

  it('setWeights(W, W_dec) restarts bit for bit; without the decoder it throws', () => {
    const a = open(), b = open();
    for (let t = 0; t < 3; t++) a.s.step(null, false, a.f.batch());
    a.s.setWeights(a.f.W0, a.f.D0);
    expect(a.s.stepCount).toBe(0);
    const c = batchFixtures(BATCH_PROBLEM, 11);
    for (let t = 0; t < 3; t++) {
      const X = c.batch();
      a.s.step(null, false, X);
      b.s.step(null, false, X);
    }
    expect(bits(a.s.weights(), a.s.dtype).equals(bits(b.s.weights(), b.s.dtype))).toBe(true);
    expect(bits(a.s.decoderWeights()!, a.s.dtype).equals(bits(b.s.decoderWeights()!, b.s.dtype))).toBe(true);
    expect(() => a.s.setWeights(a.f.W0)).toThrow(/decoder/);
  });

  it('dispose() twice is fine; then steps throw', () => {
    const { s, f } = open();
    s.dispose();
    s.dispose();
    expect(() => s.step(null, false, f.batch())).toThrow(/dispose/);
  });

  if (PROMISES[name].threadsBitIdentical) it('bit-identical for 1, 2 and 3 threads (with noise and forces)', () => {
    const runs = [1, 2, 3].map((threads) => {
      const { s, f } = open(threads);
      const out: number[] = [];
      for (let t = 0; t < 6; t++) {
        const st = s.step(t % 2 ? new Float64Array(22).fill(0.02 * t) : null, t % 3 === 0, f.batch());
        out.push(...st.loss, ...(t % 3 === 0 ? st.forces : []));
      }
      return { W: bits(s.weights(), s.dtype), D: bits(s.decoderWeights()!, s.dtype), out };
    });
    for (const r of runs.slice(1)) {
      expect(r.W.equals(runs[0].W)).toBe(true);
      expect(r.D.equals(runs[0].D)).toBe(true);
      expect(r.out).toEqual(runs[0].out);
    }
  });
});
