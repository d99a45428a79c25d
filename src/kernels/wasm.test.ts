// The wasm backend as a whole: training loops agree with the float64 reference for every
// optimizer, results are bit-identical for any thread count, and the session honours the
// Session contract (evaluate, setWeights, views, noise refusal, selection).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type TrainConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { initWeights } from '../core/init.js';
import { OPTIMIZER_NAMES } from '../core/optimizers.js';
import { createTrainer, problemOf } from '../core/train.js';
import type { Backend, Session } from './backend.js';
import { referenceBackend } from './reference.js';
import { AUTO_ORDER, BACKENDS, selectBackend } from './select.js';
import { chooseThreads, createWasmBackend } from './wasm.js';
import { PANEL_BYTES } from './wasm-layout.generated.js';

let wasm: Backend;
const sessions: Session[] = [];
beforeAll(async () => {
  const b = await createWasmBackend();
  expect(b, 'this Node has WebAssembly SIMD').not.toBeNull();
  wasm = b!;
});
afterAll(() => sessions.forEach((s) => s.dispose()));

function session(config: TrainConfig, threads = config.threads): Session {
  const s = wasm.createSession(problemOf(config, threads), initWeights(config));
  sessions.push(s);
  return s;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

describe('wasm training loop against the reference', () => {
  const lr = { sgd: 0.02, 'prox-sgd': 0.02, adam: 3e-3, adamw: 3e-3 };
  it.each(OPTIMIZER_NAMES)('%s: 60 steps of createTrainer agree with the float64 reference', async (optimizer) => {
    const config = parseConfig({ nFeatures: 7, nHidden: 13, nInstances: 2, optimizer, lr: lr[optimizer], lambda: 0.01, steps: 60, snapshotEvery: 20, seed: 3 });
    const a = await createTrainer(config, { backend: wasm });
    const b = await createTrainer(config, { backend: referenceBackend });
    sessions.push(a.session);
    expect(a.session.backend).toBe('wasm');
    const sa = [...a.advance(60), a.finish()];
    const sb = [...b.advance(60), b.finish()];
    const [fa, fb] = [sa[sa.length - 1], sb[sb.length - 1]];
    expect(maxAbsDiff(a.weights(), b.weights())).toBeLessThan(2e-5);
    expect(sa.length).toBe(sb.length);
    for (let s = 0; s < sa.length; s++) {
      const [x, y] = [sa[s], sb[s]];
      for (let i = 0; i < 2; i++) {
        expect(x.loss[i]).toBeCloseTo(y.loss[i], 4);
        expect(x.forces.benefit[i]).toBeCloseTo(y.forces.benefit[i], 4);
        expect(x.forces.interference[i]).toBeCloseTo(y.forces.interference[i], 4);
        expect(x.forces.regularization[i]).toBeCloseTo(y.forces.regularization[i], 6);
      }
    }
    expect(fa.step).toBe(60);
    expect(fa.lossMean).toBeCloseTo(fb.lossMean, 4);
  });

  it('without interference (off-diagonal coefficients zeroed)', async () => {
    const config = parseConfig({ nFeatures: 9, nHidden: 6, nInstances: 1, interference: false, optimizer: 'prox-sgd', lr: 0.05, lambda: 0.02, steps: 40, seed: 5 });
    const a = await createTrainer(config, { backend: wasm });
    const b = await createTrainer(config, { backend: referenceBackend });
    sessions.push(a.session);
    a.advance(40);
    b.advance(40);
    expect(maxAbsDiff(a.weights(), b.weights())).toBeLessThan(2e-5);
    expect(a.finish().forces.interference[0]).toBeCloseTo(b.finish().forces.interference[0], 5);
    // with interference off, the interference force (D − diag(M) W) is exactly zero
    expect(a.session.evaluate().forces[1]).toBe(0);
  });

  it('a larger instance (n=70, m=130) stays within float32 tolerance', async () => {
    const config = parseConfig({ nFeatures: 70, nHidden: 130, nInstances: 1, optimizer: 'adamw', steps: 15, seed: 9 });
    const a = await createTrainer(config, { backend: wasm });
    const b = await createTrainer(config, { backend: referenceBackend });
    sessions.push(a.session);
    a.advance(15);
    b.advance(15);
    expect(maxAbsDiff(a.weights(), b.weights())).toBeLessThan(1e-5);
  });
});

describe('wasm threads', () => {
  const cases: [number, number, number][] = [
    [1, 13, 21], // one instance: row panels split between threads
    [3, 9, 10], // three instances on two threads: two alone, one shared
    [5, 6, 7],
    [2, 1, 1],
  ];
  it.each(cases)('%i×(%i, %i): weights, loss and forces are bit-identical for 1, 2 and 3 threads', (nInstances, nFeatures, nHidden) => {
    const config = parseConfig({ nInstances, nFeatures, nHidden, optimizer: 'adamw', lr: 0.01, seed: 11 });
    const results = [1, 2, 3].map((threads) => {
      const s = session(config, threads);
      expect((s as Session & { threadsInUse: number }).threadsInUse).toBe(threads);
      const losses: number[] = [];
      const forces: number[] = [];
      for (let t = 0; t < 12; t++) {
        const st = s.step(null, t % 4 === 0);
        losses.push(...st.loss);
        if (t % 4 === 0) forces.push(...st.forces);
      }
      return { W: Float32Array.from(s.weights()), losses, forces };
    });
    for (const r of results.slice(1)) {
      expect(Buffer.from(r.W.buffer).equals(Buffer.from(results[0].W.buffer))).toBe(true);
      expect(r.losses).toEqual(results[0].losses);
      expect(r.forces).toEqual(results[0].forces);
    }
  });

  it('positive weights (every coefficient nonzero: the dense product path) agree with the reference, bit-identically across threads', () => {
    const config = parseConfig({ nInstances: 2, nFeatures: 22, nHidden: 19, optimizer: 'adam', lr: 0.01, seed: 4 });
    const W0 = Float32Array.from(initWeights(config), Math.abs); // all overlaps W_i·W_j > 0
    const problem = (threads: number) => problemOf(config, threads);
    const ref = referenceBackend.createSession(problem(1), W0);
    const runs = [1, 2, 3].map((threads) => {
      const s = wasm.createSession(problem(threads), W0);
      sessions.push(s);
      for (let t = 0; t < 20; t++) s.step(null, t === 0);
      return Float32Array.from(s.weights());
    });
    for (let t = 0; t < 20; t++) ref.step(null, false);
    expect(maxAbsDiff(runs[0], ref.weights())).toBeLessThan(2e-5);
    for (const W of runs.slice(1)) expect(Buffer.from(W.buffer).equals(Buffer.from(runs[0].buffer))).toBe(true);
  });

  it('steps that report forces (product stored whole, then the update) give the same bits as steps that do not (update fused into the product)', () => {
    const config = parseConfig({ nInstances: 2, nFeatures: 13, nHidden: 37, optimizer: 'adamw', lr: 0.01, seed: 8 });
    const runs = [true, false].map((forces) => {
      const s = session(config, 1);
      for (let t = 0; t < 15; t++) s.step(null, forces);
      return Float32Array.from(s.weights());
    });
    expect(Buffer.from(runs[0].buffer).equals(Buffer.from(runs[1].buffer))).toBe(true);
  });

  it('a thread that fails closes the session with an error instead of hanging the others', () => {
    const config = parseConfig({ nInstances: 1, nFeatures: 12, nHidden: 40, seed: 5 });
    const s = session(config, 2); // one instance on two threads: both work on every step
    expect((s as Session & { threadsInUse: number }).threadsInUse).toBe(2);
    s.step(null, false);
    // test-only corruption: thread 1's panel (control block PANEL_BYTES, assembly/control.ts)
    // now lies far outside the memory, so the worker traps while thread 0 waits at a barrier
    const { memory, ctl } = s as unknown as { memory: WebAssembly.Memory; ctl: number };
    new Uint32Array(memory.buffer, ctl, 64)[PANEL_BYTES >> 2] = 0x7fff0000;
    const t0 = Date.now();
    expect(() => s.step(null, false)).toThrow(/step 2 failed on 2 thread\(s\).*another thread of this session failed/);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(() => s.step(null, false)).toThrow(/dispose/);
  });

  it('chooses one thread for small problems and honours an explicit count', () => {
    const p = problemOf(parseConfig({ nFeatures: 8, nHidden: 16 }));
    expect(chooseThreads(p, 8)).toBe(1);
    expect(chooseThreads({ ...p, threads: 3 }, 8)).toBe(3);
    const big = problemOf(parseConfig({ nFeatures: 256, nHidden: 1024, nInstances: 16 }));
    expect(chooseThreads(big, 2)).toBe(2);
    expect(chooseThreads(big, 1)).toBe(1);
  });
});

describe('wasm session contract', () => {
  const config = parseConfig({ nFeatures: 5, nHidden: 11, nInstances: 2, lr: 0.01, seed: 2 });

  it('evaluate() reports the loss of the next step without changing anything', () => {
    const s = session(config);
    s.step(null, false);
    const W = Float32Array.from(s.weights());
    const loss = Array.from(s.evaluate().loss);
    expect(s.stepCount).toBe(1);
    expect(Float32Array.from(s.weights())).toEqual(W);
    expect(Array.from(s.step(null, false).loss)).toEqual(loss);
  });

  it('setWeights restarts: same trajectory as a fresh session', () => {
    const a = session(config);
    const b = session(config);
    for (let t = 0; t < 5; t++) a.step(null, false);
    a.setWeights(initWeights(config));
    expect(a.stepCount).toBe(0);
    for (let t = 0; t < 3; t++) {
      a.step(null, false);
      b.step(null, false);
    }
    expect(Float32Array.from(a.weights())).toEqual(Float32Array.from(b.weights()));
    expect(() => a.setWeights(new Float32Array(3))).toThrow(/expected 110 values \[2, 5, 11\], got 3/);
  });

  it('weights() is a live float32 view [instances, n, m]', () => {
    const s = session(config);
    const view = s.weights();
    expect(view).toBeInstanceOf(Float32Array);
    expect(view.length).toBe(2 * 5 * 11);
    expect(Float32Array.from(view)).toEqual(initWeights(config));
    s.step(null, false);
    expect(Float32Array.from(s.weights())).not.toEqual(initWeights(config));
  });

  it('refuses hidden-layer noise (left to the reference backend)', async () => {
    const p = problemOf(config);
    expect(wasm.supports(p, true)).toBe(false);
    expect(wasm.supports(p, false)).toBe(true);
    expect(() => session(config).step(new Float64Array(22), false)).toThrow(/noise/);
    await expect(selectBackend('wasm', p, true)).rejects.toThrow(UserError);
    expect((await selectBackend('auto', p, true)).name).toBe('reference');
  });

  it('is what backend auto picks when the native addon is not loaded', async () => {
    const native = await BACKENDS.native();
    expect((await selectBackend('auto', problemOf(config), false)).name).toBe(native === null ? 'wasm' : 'native');
    expect(AUTO_ORDER.indexOf('wasm')).toBe(AUTO_ORDER.indexOf('native') + 1);
  });

  it('cannot be used after dispose', () => {
    const s = wasm.createSession(problemOf(config, 2), initWeights(config));
    s.step(null, false);
    s.dispose();
    expect(() => s.step(null, false)).toThrow(/dispose/);
  });
});
