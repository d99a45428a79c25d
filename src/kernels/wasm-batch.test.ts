// The wasm backend's batched path as a Session, against the reference backend (src/core/model.ts,
// float64) at awkward sizes (n = 1, m = 1, m % 4 = 3, all-zero rows, B = 1), for each hidden
// layer, tied and untied, with noise and λ: losses, forces and AdamW trajectories; and the same
// bits for 1, 2 and 3 threads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIDDEN_LAYERS } from '../core/model.js';
import type { Backend, Problem, Session } from './backend.js';
import { referenceBackend } from './reference.js';
import { selectBackend } from './select.js';
import { createNativeBackend } from './native.js';
import { createWasmBackend } from './wasm.js';
import { batchFixtures, batchProblem, maxAbsDiff, type BatchShape } from '../test-support/batch-fixtures.js';

let wasm: Backend;
const sessions: Session[] = [];
beforeAll(async () => {
  wasm = (await createWasmBackend())!;
  expect(wasm).not.toBeNull();
});
afterAll(() => sessions.forEach((s) => s.dispose()));

type Shape = BatchShape;
const problem = batchProblem;
const fixtures = batchFixtures;

const shapes: Shape[] = [
  { instances: 1, n: 1, m: 1, B: 1 },
  { instances: 2, n: 5, m: 7, B: 6 },
  { instances: 1, n: 12, m: 19, B: 9 },
  { instances: 2, n: 4, m: 21, B: 30 }, // n (m + B) < B m: linear takes O through C = W Wdecᵀ
];
const cases = shapes.flatMap((s) => HIDDEN_LAYERS.flatMap((hidden) => [false, true].map((untied) => [s, hidden, untied] as const)));

describe('wasm batched session against the reference (src/core/model.ts)', () => {
  it.each(cases)('%o %s untied=%s: 30 AdamW steps with noise and λ; losses and forces', (s, hidden, untied) => {
    const lambda = 0.05;
    const f = fixtures(s, s.n * 100 + s.m + (untied ? 7 : 0));
    const p = problem(s, hidden, untied, lambda);
    expect(wasm.supports(p, true)).toBe(true);
    const a = wasm.createSession(p, f.W0, untied ? f.D0 : undefined);
    const b = referenceBackend.createSession(p, f.W0, untied ? f.D0 : undefined);
    sessions.push(a);
    for (let t = 0; t < 30; t++) {
      const X = f.batch();
      const xi = t % 3 === 0 ? null : f.noise();
      const record = t % 10 === 0;
      const sa = a.step(xi, record, X);
      const sb = b.step(xi, record, X);
      for (let i = 0; i < s.instances; i++) {
        expect(Math.abs(sa.loss[i] - sb.loss[i]), `step ${t} loss`).toBeLessThanOrEqual(1e-4 * Math.max(1, sb.loss[i]));
        if (record) for (let j = 0; j < 3; j++) expect(Math.abs(sa.forces[i * 3 + j] - sb.forces[i * 3 + j]), `step ${t} force ${j}`).toBeLessThanOrEqual(1e-4 * Math.max(1, sb.forces[i * 3 + j]));
      }
    }
    expect(a.stepCount).toBe(30);
    expect(maxAbsDiff(a.weights(), b.weights())).toBeLessThan(2e-4);
    if (untied) expect(maxAbsDiff(a.decoderWeights()!, b.decoderWeights()!)).toBeLessThan(2e-4);
    else expect(a.decoderWeights()).toBeNull();
    const X = f.batch();
    const ea = Array.from(a.evaluate(X).loss), eb = Array.from(b.evaluate(X).loss);
    for (let i = 0; i < s.instances; i++) expect(Math.abs(ea[i] - eb[i])).toBeLessThanOrEqual(1e-4 * Math.max(1, eb[i]));
  });

  it.each(['sgd', 'prox-sgd', 'adam'] as const)('%s, layernorm, untied, benefit off: 20 steps agree', (optimizer) => {
    const s = { instances: 1, n: 6, m: 11, B: 5 };
    const f = fixtures(s, 5);
    const p = { ...problem(s, 'layernorm', true, 0.1, optimizer), benefit: false };
    const a = wasm.createSession(p, f.W0, f.D0);
    const b = referenceBackend.createSession(p, f.W0, f.D0);
    sessions.push(a);
    for (let t = 0; t < 20; t++) {
      const X = f.batch();
      a.step(null, false, X);
      b.step(null, false, X);
    }
    expect(maxAbsDiff(a.weights(), b.weights())).toBeLessThan(1e-4);
    expect(maxAbsDiff(a.decoderWeights()!, b.decoderWeights()!)).toBeLessThan(1e-4);
  });

  it.each([
    [{ instances: 1, n: 13, m: 21, B: 10 }, 'relu', false],
    [{ instances: 3, n: 9, m: 35, B: 7 }, 'layernorm', true],
  ] as const)('%o %s untied=%s: weights, losses and forces bit-identical for 1, 2 and 3 threads', (s, hidden, untied) => {
    const runs = [1, 2, 3].map((threads) => {
      const f = fixtures(s, 99);
      const session = wasm.createSession(problem(s, hidden, untied, 0.02, 'adamw', threads), f.W0, untied ? f.D0 : undefined);
      sessions.push(session);
      expect((session as Session & { threadsInUse: number }).threadsInUse).toBe(threads);
      const out: number[] = [];
      for (let t = 0; t < 10; t++) {
        const st = session.step(t % 2 ? f.noise() : null, t % 4 === 0, f.batch());
        out.push(...st.loss, ...(t % 4 === 0 ? st.forces : []));
      }
      const W = Buffer.from(Float32Array.from(session.weights()).buffer);
      const D = untied ? Buffer.from(Float32Array.from(session.decoderWeights()!).buffer) : null;
      return { W, D, out };
    });
    for (const r of runs.slice(1)) {
      expect(r.W.equals(runs[0].W)).toBe(true);
      if (untied) expect(r.D!.equals(runs[0].D!)).toBe(true);
      expect(r.out).toEqual(runs[0].out);
    }
  });

  it('refuses a batch of the wrong size, and batches on a one-hot session, with a clear error', () => {
    const s = { instances: 2, n: 4, m: 5, B: 3 };
    const f = fixtures(s, 1);
    const a = wasm.createSession(problem(s, 'relu', false, 0), f.W0);
    sessions.push(a);
    expect(() => a.step(null, false, new Float32Array(5))).toThrow(/X \[2, 3, 4\] \(24 values\), got 5/);
    expect(() => a.evaluate()).toThrow(/got none/);
    expect(() => a.step(new Float64Array(3), false, f.batch())).toThrow(/noise must be \[2, 5\]/);
    expect(a.stepCount).toBe(0);
    expect(() => wasm.createSession(problem(s, 'relu', true, 0), f.W0)).toThrow(/decoder weights/);
  });

  it('auto selects the kernels (native where built, else wasm) for batches with every hidden layer, noise and untied weights', async () => {
    const want = (await createNativeBackend()) ? 'native' : 'wasm';
    for (const hidden of HIDDEN_LAYERS) {
      const p = problem({ instances: 1, n: 4, m: 4, B: 2 }, hidden, true, 0.1);
      expect((await selectBackend('auto', p, true)).name).toBe(want);
    }
    const unknown = { ...problem({ instances: 1, n: 4, m: 4, B: 2 }, 'relu', false, 0), hidden: 'gelu' } as unknown as Problem;
    expect(wasm.supports(unknown, false)).toBe(false);
    await expect(selectBackend('wasm', unknown, false)).rejects.toThrow(/does not support this configuration \(the gelu hidden layer/);
  });
});
