// The native backend's batched path (native/src/batch*.c: the general model of SCIENCE.md §8)
// as a Session, against the float64 reference backend (src/core/model.ts) at awkward sizes
// (n, m, B not multiples of 4 or 16, m % 16 = 1 and 15, B = 1, n = 1, sparse and dense X,
// all-zero rows; the GRAM shortcut of a linear layer), for each hidden layer, tied and untied,
// with and without noise, each loss switch off, each optimizer: losses, forces, weights and
// evaluate(X); the gradient itself (one SGD step at lr 1); whole training loops against the reference and wasm; the same bytes for 1, 2
// and 3 threads and for the AVX-512, AVX2 and portable C builds. Where the addon is not built,
// src/kernels/native.test.ts tests the fallback and these tests do not run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.js';
import { HIDDEN_LAYERS, type HiddenLayer } from '../core/model.js';
import { OPTIMIZER_NAMES } from '../core/optimizers.js';
import { createTrainer } from '../core/train.js';
import { batchFixtures, batchProblem, maxAbsDiff, type BatchShape } from '../test-support/batch-fixtures.js';
import type { Backend, Problem, Session } from './backend.js';
import { createNativeBackend, loadNative } from './native.js';
import { referenceBackend } from './reference.js';
import { selectBackend } from './select.js';
import { createWasmBackend } from './wasm.js';

const LOADED = await loadNative();
const describeBuilt = LOADED.addon ? describe : () => {};

if (!LOADED.addon) {
  describe('native backend not built here: batches', () => {
    it('auto trains batches on wasm; asking for native names the reason', async () => {
      const p = batchProblem({ instances: 1, n: 5, m: 7, B: 3 }, 'relu', true, 0.01);
      expect((await selectBackend('auto', p, true)).name).toBe('wasm');
      await expect(selectBackend('native', p, true)).rejects.toThrow(/"native" is not available on this platform \(.+\)/);
    });
  });
}

let native: Backend;
let wasm: Backend;
/** A backend per kernel build this CPU runs, best first. */
const byBuild: [string, Backend][] = [];
const sessions: Session[] = [];
beforeAll(async () => {
  if (!LOADED.addon) return;
  native = (await createNativeBackend())!;
  wasm = (await createWasmBackend())!;
  for (const build of ['avx512', 'avx2', 'generic']) {
    const b = await createNativeBackend({ kernels: build });
    if (b) byBuild.push([build, b]);
  }
});
afterAll(() => sessions.forEach((s) => s.dispose()));

const open = (backend: Backend, p: Problem, f: ReturnType<typeof batchFixtures>) => {
  const s = backend.createSession(p, f.W0, p.untied ? f.D0 : undefined);
  sessions.push(s);
  return s;
};
const sameBytes = (a: ArrayLike<number>, b: ArrayLike<number>) => Buffer.from(Float32Array.from(a).buffer).equals(Buffer.from(Float32Array.from(b).buffer));
/** |a − b| ≤ tol · max(1, |b|) (float32 sums against float64). */
const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

/** Awkward shapes: n = 1; m % 16 = 1 and 15; B = 1; n, m, B odd; one with n (m + B) < B m (linear takes the GRAM shortcut). */
const SHAPES: BatchShape[] = [
  { instances: 1, n: 1, m: 1, B: 1 },
  { instances: 2, n: 5, m: 17, B: 6 },
  { instances: 1, n: 13, m: 31, B: 9 },
  { instances: 2, n: 19, m: 15, B: 1 },
  { instances: 2, n: 4, m: 33, B: 30 },
];

/**
 * `steps` steps of native and reference side by side (noise every other step when `noise`,
 * forces every third); every loss and force within `tol` (relative), then the weights, the
 * decoder and evaluate(X). Returns the largest relative loss difference seen.
 */
function agree(p: Problem, f: ReturnType<typeof batchFixtures>, steps: number, noise: boolean, tol = 1e-4, wtol = 2e-4): number {
  const a = open(native, p, f);
  const b = referenceBackend.createSession(p, f.W0, p.untied ? f.D0 : undefined);
  let worst = 0;
  for (let t = 0; t < steps; t++) {
    const X = f.batch();
    const xi = noise && t % 2 ? f.noise() : null;
    const forces = t % 3 === 0;
    const sa = a.step(xi, forces, X), sb = b.step(xi, forces, X);
    for (let i = 0; i < p.nInstances; i++) {
      expect(close(sa.loss[i], sb.loss[i], tol), `step ${t} loss ${sa.loss[i]} vs ${sb.loss[i]}`).toBe(true);
      worst = Math.max(worst, Math.abs(sa.loss[i] - sb.loss[i]) / Math.max(1e-30, Math.abs(sb.loss[i])));
      if (forces) for (let j = 0; j < 3; j++) expect(close(sa.forces[i * 3 + j], sb.forces[i * 3 + j], tol), `step ${t} force ${j}`).toBe(true);
    }
  }
  expect(a.stepCount).toBe(steps);
  expect(maxAbsDiff(a.weights(), b.weights())).toBeLessThan(wtol);
  if (p.untied) expect(maxAbsDiff(a.decoderWeights()!, b.decoderWeights()!)).toBeLessThan(wtol);
  else expect(a.decoderWeights()).toBeNull();
  const X = f.batch();
  const ea = a.evaluate(X), eb = b.evaluate(X);
  for (let i = 0; i < p.nInstances; i++) {
    expect(close(ea.loss[i], eb.loss[i], tol)).toBe(true);
    for (let j = 0; j < 3; j++) expect(close(ea.forces[i * 3 + j], eb.forces[i * 3 + j], tol)).toBe(true);
  }
  return worst;
}

const cases = SHAPES.flatMap((s) => HIDDEN_LAYERS.flatMap((hidden) => [false, true].map((untied) => [s, hidden, untied] as const)));

describeBuilt('native batched session against the float64 reference', () => {
  it.each(cases)('%o %s untied=%s: 24 AdamW steps with λ, noise on every other step; losses, forces, weights, evaluate', (s, hidden, untied) => {
    const f = batchFixtures(s, s.n * 100 + s.m + (untied ? 7 : 0));
    const p = batchProblem(s, hidden, untied, 0.05);
    expect(native.supports(p, true)).toBe(true);
    agree(p, f, 24, true);
  });

  it.each(HIDDEN_LAYERS)('%s, dense X (every feature on), no noise, tied and untied', (hidden) => {
    const s = { instances: 2, n: 11, m: 47, B: 7 };
    for (const untied of [false, true]) agree(batchProblem(s, hidden, untied, 0.02), batchFixtures(s, 21, 1), 15, false);
  });

  it.each([
    ['benefit', { benefit: false }],
    ['interference', { interference: false }],
  ] as const)('%s off: the other terms alone, each hidden layer, with noise', (_, off) => {
    const s = { instances: 1, n: 9, m: 18, B: 5 };
    for (const hidden of HIDDEN_LAYERS) agree({ ...batchProblem(s, hidden, hidden !== 'relu', 0.05), ...off }, batchFixtures(s, 31), 15, true);
  });

  it.each(OPTIMIZER_NAMES)('%s: 20 steps, relu and layernorm, tied and untied, λ > 0', (optimizer) => {
    const s = { instances: 2, n: 6, m: 17, B: 5 };
    for (const hidden of ['relu', 'layernorm'] as HiddenLayer[]) {
      for (const untied of [false, true]) agree(batchProblem(s, hidden, untied, 0.1, optimizer), batchFixtures(s, 41), 20, untied);
    }
  });
});

describeBuilt('native batched gradient, one SGD step at lr 1 (W0 − W1 = ∇L), against the reference', () => {
  const gradients = SHAPES.slice(1).flatMap((s) => HIDDEN_LAYERS.flatMap((hidden) => [false, true].map((untied) => [s, hidden, untied] as const)));
  it.each(gradients)('%o %s untied=%s: with and without noise, each switch off, λ > 0', (s, hidden, untied) => {
    const f = batchFixtures(s, 7 * s.n + s.m);
    const X = f.batch(), xi = f.noise();
    for (const [noise, switches] of [
      [false, {}],
      [true, {}],
      [true, { benefit: false }],
      [false, { interference: false }],
    ] as const) {
      const p = { ...batchProblem(s, hidden, untied, 0.05, 'sgd'), ...switches, hyper: { ...batchProblem(s, hidden, untied, 0.05).hyper, lr: 1 } };
      const [a, b] = [open(native, p, f), referenceBackend.createSession(p, f.W0, untied ? f.D0 : undefined)];
      a.step(noise ? xi : null, false, X);
      b.step(noise ? xi : null, false, X);
      const pairs: [ArrayLike<number>, ArrayLike<number>][] = [[a.weights(), b.weights()]];
      if (untied) pairs.push([a.decoderWeights()!, b.decoderWeights()!]);
      for (const [wa, wb] of pairs) {
        const W0 = wa === a.weights() ? f.W0 : f.D0;
        const ga = Array.from(W0, (w, k) => w - wa[k]), gb = Array.from(W0, (w, k) => w - wb[k]);
        const scale = Math.max(1, ...gb.map(Math.abs));
        // float32 sums of B·n terms against float64: a few ulps of the largest entry
        expect(maxAbsDiff(ga, gb) / scale, `noise=${noise} ${JSON.stringify(switches)}`).toBeLessThan(2e-5);
        expect(gb.some((g) => g !== 0)).toBe(true);
      }
    }
  });
});

describeBuilt('native batched training loops', () => {
  it.each(HIDDEN_LAYERS)('%s: 80 steps of createTrainer on Bernoulli data (noise, untied) agree with the reference and with wasm', async (hidden) => {
    const config = parseConfig({ data: 'bernoulli', featureProbability: 0.2, nFeatures: 10, nHidden: 23, nInstances: 2, batch: 12, hidden, untied: true, noise: 'gaussian', noiseStd: 0.05, lr: 3e-3, lambda: 0.01, steps: 80, snapshotEvery: 20, seed: 6 });
    const [a, b, c] = await Promise.all([native, referenceBackend, wasm].map((backend) => createTrainer(config, { backend })));
    sessions.push(a.session, c.session);
    expect(a.session.backend).toBe('native');
    const [sa, sb] = [[...a.advance(80), a.finish()], [...b.advance(80), b.finish()]];
    c.advance(80);
    c.finish();
    expect(maxAbsDiff(a.weights(), b.weights())).toBeLessThan(2e-4);
    expect(maxAbsDiff(a.weights(), c.weights())).toBeLessThan(2e-4);
    expect(sa.length).toBe(sb.length);
    for (let k = 0; k < sa.length; k++) {
      for (let i = 0; i < 2; i++) {
        expect(close(sa[k].loss[i], sb[k].loss[i], 1e-4)).toBe(true);
        expect(close(sa[k].forces.interference[i], sb[k].forces.interference[i], 1e-4)).toBe(true);
      }
    }
  });
});

describeBuilt('native batched determinism', () => {
  it.each([
    [{ instances: 1, n: 13, m: 21, B: 10 }, 'relu', false],
    [{ instances: 3, n: 9, m: 35, B: 7 }, 'layernorm', true],
    [{ instances: 2, n: 4, m: 33, B: 30 }, 'linear', false], // the GRAM shortcut
    [{ instances: 1, n: 40, m: 70, B: 33 }, 'linear', true],
  ] as const)('%o %s untied=%s: weights, losses and forces byte-identical for 1, 2 and 3 threads and every kernel build', (s, hidden, untied) => {
    const runs: { label: string; W: Float32Array; D: Float32Array | null; out: number[] }[] = [];
    for (const [build, backend] of byBuild) {
      for (const threads of [1, 2, 3]) {
        const f = batchFixtures(s, 99);
        const session = open(backend, batchProblem(s, hidden, untied, 0.02, 'adamw', threads), f);
        expect((session as Session & { threadsInUse: number }).threadsInUse).toBe(threads);
        const out: number[] = [];
        for (let t = 0; t < 10; t++) {
          const st = session.step(t % 2 ? f.noise() : null, t % 4 === 0, f.batch());
          out.push(...st.loss, ...(t % 4 === 0 ? st.forces : []));
        }
        out.push(...session.evaluate(f.batch()).loss);
        runs.push({ label: `${build} ${threads}T`, W: Float32Array.from(session.weights()), D: untied ? Float32Array.from(session.decoderWeights()!) : null, out });
      }
    }
    expect(byBuild.map(([b]) => b)).toContain('generic');
    for (const r of runs.slice(1)) {
      expect(sameBytes(r.W, runs[0].W), r.label).toBe(true);
      if (untied) expect(sameBytes(r.D!, runs[0].D!), r.label).toBe(true);
      expect(r.out, r.label).toEqual(runs[0].out);
    }
  });
});

describeBuilt('native batched session contract', () => {
  it('refuses a batch or noise of the wrong size with a clear error, and steps nothing', () => {
    const s = { instances: 2, n: 4, m: 5, B: 3 };
    const f = batchFixtures(s, 1);
    const a = open(native, batchProblem(s, 'relu', false, 0), f);
    expect(() => a.step(null, false, new Float32Array(5))).toThrow(/native backend: a batch step needs X \[2, 3, 4\] \(24 values\), got 5/);
    expect(() => a.evaluate()).toThrow(/got none/);
    expect(() => a.step(new Float64Array(3), false, f.batch())).toThrow(/noise must be \[2, 5\] \(10 values\), got 3/);
    expect(a.stepCount).toBe(0);
    expect(() => native.createSession(batchProblem(s, 'relu', true, 0), f.W0)).toThrow(/decoder weights/);
  });

  it('auto picks native for batches with every hidden layer, noise and untied weights; an unknown layer is refused', async () => {
    for (const hidden of HIDDEN_LAYERS) {
      const p = batchProblem({ instances: 1, n: 4, m: 4, B: 2 }, hidden, true, 0.1);
      expect((await selectBackend('auto', p, true)).name).toBe('native');
      expect((await selectBackend('native', p, true)).name).toBe('native');
    }
    const unknown = { ...batchProblem({ instances: 1, n: 4, m: 4, B: 2 }, 'relu', false, 0), hidden: 'gelu' } as unknown as Problem;
    expect(native.supports(unknown, false)).toBe(false);
    await expect(selectBackend('native', unknown, false)).rejects.toThrow(/does not support this configuration/);
  });

  it('reads X where the caller keeps it: a subarray view gives the same step as a copy', () => {
    const s = { instances: 2, n: 7, m: 9, B: 4 };
    const f = batchFixtures(s, 5);
    const p = batchProblem(s, 'relu', false, 0.01);
    const [a, b] = [open(native, p, f), open(native, p, f)];
    const X = f.batch();
    const padded = new Float32Array(X.length + 3);
    padded.set(X, 3);
    const view = padded.subarray(3);
    expect(Array.from(a.step(null, true, view).loss)).toEqual(Array.from(b.step(null, true, X).loss));
    expect(sameBytes(a.weights(), b.weights())).toBe(true);
  });
});
