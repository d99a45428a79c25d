// The native backend (native/, C kernels behind Node-API) against the float64 reference and
// the wasm backend: its kernels at awkward sizes, whole training loops for every optimizer,
// bytes identical for any thread count and any kernel build (AVX-512, AVX2, portable C), and
// the Session contract. The addon is built by `npm install` (scripts/build-native.mjs); where
// it could not be (no compiler), the tests below check the fallback instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type TrainConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { initWeights } from '../core/init.js';
import { OPTIMIZER_NAMES, OPTIMIZERS, type OptimizerName } from '../core/optimizers.js';
import { createTrainer, problemOf } from '../core/train.js';
import type { Backend, Session } from './backend.js';
import { createNativeBackend, loadNative, nativeOptimizers, type Addon } from './native.js';
import { referenceBackend } from './reference.js';
import { coefficients, gram, matmul } from '../core/model.js';
import { AUTO_ORDER, selectBackend } from './select.js';
import { createWasmBackend } from './wasm.js';

/** Where the addon is not built, only the fallback is tested (the install still works, on wasm). */
const LOADED = await loadNative();
const describeBuilt = LOADED.addon ? describe : () => {};

if (!LOADED.addon) {
  describe('native backend not built here', () => {
    it('auto trains on wasm; asking for native names the reason', async () => {
      const p = problemOf(parseConfig({ nFeatures: 5, nHidden: 11 }));
      expect((await selectBackend('auto', p, false)).name).toBe('wasm');
      await expect(selectBackend('native', p, false)).rejects.toThrow(/"native" is not available on this platform \(.+\)/);
    });

    // an addon built from older sources would silently leave every test below unrun
    it('is not merely stale (then the native tests would be skipped: run npm run build:native)', () => {
      expect(LOADED.addon === null && LOADED.reason).not.toMatch(/npm run build:native/);
    });
  });
}

let native: Backend;
let wasm: Backend;
let addon: Addon;
/** The kernel builds this CPU runs, best first. */
let builds: string[];
/** A backend per kernel build. */
const byBuild: Record<string, Backend> = {};
const sessions: Session[] = [];
beforeAll(async () => {
  if (!LOADED.addon) return;
  addon = LOADED.addon;
  native = (await createNativeBackend())!;
  wasm = (await createWasmBackend())!;
  builds = ['avx512', 'avx2', 'generic'].filter((k) => addon.kernels(k) !== null);
  for (const build of builds) byBuild[build] = (await createNativeBackend({ kernels: build }))!;
});
afterAll(() => sessions.forEach((s) => s.dispose()));

function session(backend: Backend, config: TrainConfig, threads = config.threads, W0 = initWeights(config)): Session {
  const s = backend.createSession(problemOf(config, threads), W0);
  sessions.push(s);
  return s;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};
const sameBytes = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Awkward sizes: n = 1, m = 1, m % 16 ≠ 0, m % 4 = 3, n across Gram tiles and 32-row blocks, positive weights (dense M). */
const SIZES: [number, number][] = [
  [1, 1],
  [1, 19],
  [5, 1],
  [3, 7],
  [9, 35],
  [33, 67],
  [40, 64],
  [70, 131],
];

describeBuilt('native kernels against the float64 reference', () => {
  it.each(SIZES)('n=%i, m=%i: G = W Wᵀ and D = M W within float32 rounding, for every kernel build', (n, m) => {
    for (const positive of [false, true]) {
      const config = parseConfig({ nFeatures: n, nHidden: m, seed: n * 100 + m });
      const W = Float32Array.from(initWeights(config), positive ? Math.abs : (x) => x);
      const G64 = new Float64Array(n * n);
      const M64 = new Float64Array(n * n);
      const D64 = new Float64Array(n * m);
      gram(W, n, m, G64);
      coefficients(G64, n, true, M64);
      matmul(M64, W, n, m, D64);
      let first: { G: Float32Array; D: Float32Array } | undefined;
      for (const build of builds) {
        const G = new Float32Array(n * n);
        const D = new Float32Array(n * m);
        addon.products(W, n, m, 1, G, D, build);
        // float32 sums of m (Gram) and n (product) terms of size ~1/m, ~1: a few ulps of the sum
        expect(maxAbsDiff(G, G64), `${build} Gram`).toBeLessThan(2e-6 * Math.max(1, Math.sqrt(m)));
        expect(maxAbsDiff(D, D64), `${build} product`).toBeLessThan(1e-5 * Math.max(1, n));
        for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(G[i * n + j]).toBe(G[j * n + i]);
        if (!first) first = { G, D };
        else {
          expect(sameBytes(G, first.G), `${build} Gram bytes = ${builds[0]}`).toBe(true);
          expect(sameBytes(D, first.D), `${build} product bytes = ${builds[0]}`).toBe(true);
        }
      }
    }
  });

  it('without interference M is diagonal: D_i = 4 (G_ii − 1) W_i where G_ii > 0', () => {
    const n = 6, m = 21;
    const W = initWeights(parseConfig({ nFeatures: n, nHidden: m, seed: 4 }));
    const G = new Float32Array(n * n);
    const D = new Float32Array(n * m);
    addon.products(W, n, m, 0, G, D);
    for (let i = 0; i < n; i++) {
      const gii = G[i * n + i];
      for (let k = 0; k < m; k++) expect(D[i * m + k]).toBeCloseTo(4 * (gii - 1) * W[i * m + k], 6);
    }
  });
});

describeBuilt('native training loop against the reference and wasm', () => {
  const lr = { sgd: 0.02, 'prox-sgd': 0.02, adam: 3e-3, adamw: 3e-3 };
  it.each(OPTIMIZER_NAMES)('%s: 60 steps of createTrainer agree with the float64 reference and with wasm', async (optimizer) => {
    const config = parseConfig({ nFeatures: 7, nHidden: 13, nInstances: 2, optimizer, lr: lr[optimizer], lambda: 0.01, steps: 60, snapshotEvery: 20, seed: 3 });
    const a = await createTrainer(config, { backend: native });
    const b = await createTrainer(config, { backend: referenceBackend });
    const c = await createTrainer(config, { backend: wasm });
    sessions.push(a.session, c.session);
    expect(a.session.backend).toBe('native');
    const sa = [...a.advance(60), a.finish()];
    const sb = [...b.advance(60), b.finish()];
    c.advance(60);
    c.finish();
    const [fa, fb] = [sa[sa.length - 1], sb[sb.length - 1]];
    expect(maxAbsDiff(a.weights(), b.weights())).toBeLessThan(2e-5);
    expect(maxAbsDiff(a.weights(), c.weights())).toBeLessThan(2e-5);
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
    expect(fa.lossMean).toBeCloseTo(fb.lossMean, 4);
  });

  it.each(SIZES)('n=%i, m=%i: 15 AdamW steps within float32 tolerance of the reference', (n, m) => {
    const config = parseConfig({ nFeatures: n, nHidden: m, nInstances: 2, optimizer: 'adamw', lr: 3e-3, seed: 9 });
    const a = session(native, config, 1);
    const b = session(referenceBackend, config, 1);
    for (let t = 0; t < 15; t++) {
      const [la, lb] = [a.step(null, t === 0).loss, b.step(null, t === 0).loss];
      for (let i = 0; i < 2; i++) expect(la[i]).toBeCloseTo(lb[i], 4);
    }
    expect(maxAbsDiff(a.weights(), b.weights())).toBeLessThan(1e-5);
  });

  it('without interference (off-diagonal coefficients zeroed)', async () => {
    const config = parseConfig({ nFeatures: 9, nHidden: 6, interference: false, optimizer: 'prox-sgd', lr: 0.05, lambda: 0.02, steps: 40, seed: 5 });
    const a = await createTrainer(config, { backend: native });
    const b = await createTrainer(config, { backend: referenceBackend });
    sessions.push(a.session);
    a.advance(40);
    b.advance(40);
    expect(maxAbsDiff(a.weights(), b.weights())).toBeLessThan(2e-5);
    expect(a.session.evaluate().forces[1]).toBe(0);
  });
});

describeBuilt('native determinism', () => {
  const cases: [number, number, number][] = [
    [1, 13, 21], // one instance: all threads share it, rows split between them
    [3, 9, 10], // two alone, one shared
    [5, 6, 7],
    [2, 1, 1],
    [3, 70, 131],
    // alone, W is packed for the Gram 128 columns at a time (the last block short: 300 = 2·128 + 44)
    // with the row statistics carried across blocks; shared, in one block
    [2, 37, 300],
  ];
  it.each(cases)('%i×(%i, %i): weights, loss and forces are byte-identical for 1, 2 and 3 threads and every kernel build', (nInstances, nFeatures, nHidden) => {
    const config = parseConfig({ nInstances, nFeatures, nHidden, optimizer: 'adamw', lr: 0.01, seed: 11 });
    const runs: { W: Float32Array; losses: number[]; forces: number[]; label: string }[] = [];
    for (const build of builds) {
      for (const threads of [1, 2, 3]) {
        const s = session(byBuild[build], config, threads);
        expect((s as Session & { threadsInUse: number }).threadsInUse).toBe(threads);
        const losses: number[] = [];
        const forces: number[] = [];
        for (let t = 0; t < 12; t++) {
          const st = s.step(null, t % 4 === 0);
          losses.push(...st.loss);
          if (t % 4 === 0) forces.push(...st.forces);
        }
        runs.push({ label: `${build} ${threads}T`, W: Float32Array.from(s.weights()), losses, forces });
      }
    }
    for (const r of runs.slice(1)) {
      expect(sameBytes(r.W, runs[0].W), r.label).toBe(true);
      expect(r.losses).toEqual(runs[0].losses);
      expect(r.forces).toEqual(runs[0].forces);
    }
  });

  it('steps that report forces (D stored whole) give the same bytes as steps that do not (update fused per panel)', () => {
    const config = parseConfig({ nInstances: 2, nFeatures: 13, nHidden: 137, optimizer: 'adamw', lr: 0.01, seed: 8 });
    const runs = [true, false].map((forces) => {
      const s = session(native, config, 1);
      for (let t = 0; t < 15; t++) s.step(null, forces);
      return Float32Array.from(s.weights());
    });
    expect(sameBytes(runs[0], runs[1])).toBe(true);
  });
});

describeBuilt('native session contract', () => {
  const config = parseConfig({ nFeatures: 5, nHidden: 11, nInstances: 2, lr: 0.01, seed: 2 });

  it('evaluate() reports the loss of the next step without changing anything', () => {
    const s = session(native, config);
    s.step(null, false);
    const W = Float32Array.from(s.weights());
    const loss = Array.from(s.evaluate().loss);
    expect(s.stepCount).toBe(1);
    expect(Float32Array.from(s.weights())).toEqual(W);
    expect(Array.from(s.step(null, false).loss)).toEqual(loss);
  });

  it('setWeights restarts: same trajectory as a fresh session', () => {
    const a = session(native, config);
    const b = session(native, config);
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

  // 1 × (256, 2048): W and each AdamW moment are 2 MiB, so the addon takes its huge-page paths
  // (native/src/huge-pages.c: 2 MiB-aligned state, the weights advised and collapsed)
  it('state and weights of 2 MiB (huge-page buffers): agree with wasm, and setWeights zeroes the whole state', () => {
    const big = parseConfig({ nFeatures: 256, nHidden: 2048, optimizer: 'adamw', lr: 3e-3, seed: 4 });
    const a = session(native, big, 2);
    const b = session(native, big, 1);
    const c = session(wasm, big, 1);
    for (let t = 0; t < 4; t++) a.step(null, false);
    a.setWeights(initWeights(big));
    for (let t = 0; t < 3; t++) {
      const [la, lb, lc] = [a.step(null, false).loss[0], b.step(null, false).loss[0], c.step(null, false).loss[0]];
      expect(la).toBe(lb);
      expect(la).toBeCloseTo(lc, 4);
    }
    expect(sameBytes(Float32Array.from(a.weights()), Float32Array.from(b.weights()))).toBe(true);
    // AdamW's first steps move a weight by about ±lr wherever |gradient| ≫ eps, so the few
    // weights whose gradient is near 0 (the L1 term against the rest) go either way with float32
    // rounding (FMA or not). Measured: 1.1 % of the weights differ by more than 1e-5, at most
    // 4.8e-3 (1.6 lr), and ‖ΔW‖ / ‖W‖ = 3.8e-4, the same with the addon before its huge pages.
    const [x, y] = [a.weights(), c.weights()];
    let diff = 0, norm = 0;
    for (let i = 0; i < x.length; i++) (diff += (x[i] - y[i]) ** 2), (norm += y[i] ** 2);
    expect(Math.sqrt(diff / norm)).toBeLessThan(2e-3);
  });

  it('refuses hidden-layer noise and the benefit-off ablation (left to the reference)', async () => {
    const p = problemOf(config);
    expect(native.supports(p, true)).toBe(false);
    expect(native.supports({ ...p, benefit: false }, false)).toBe(false);
    expect(native.supports(p, false)).toBe(true);
    expect(() => session(native, config).step(new Float64Array(22), false)).toThrow(/noise/);
    await expect(selectBackend('native', p, true)).rejects.toThrow(UserError);
    expect((await selectBackend('auto', p, true)).name).toBe('reference');
  });

  it('is what backend auto picks when built', async () => {
    expect(AUTO_ORDER[0]).toBe('native');
    expect((await selectBackend('auto', problemOf(config), false)).name).toBe('native');
    expect((await selectBackend('native', problemOf(config), false)).name).toBe('native');
  });

  it('cannot be used after dispose', () => {
    const s = native.createSession(problemOf(config, 2), initWeights(config));
    s.step(null, false);
    s.dispose();
    expect(() => s.step(null, false)).toThrow(/dispose/);
    s.dispose();
  });

  it('reports its optimizers by name, each one src/core/optimizers.ts knows, and the backend maps them to the ids the C side dispatches on', () => {
    const names = addon.optimizers();
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(OPTIMIZERS).toHaveProperty([name]);
    const ids = nativeOptimizers(addon);
    expect(Object.keys(ids).sort()).toEqual([...names].sort());
    names.forEach((name, id) => expect(ids[name as OptimizerName]).toBe(id));
    expect('optimizers' in LOADED && LOADED.optimizers).toEqual(ids);
    // every optimizer is offered; that each id runs the named optimizer in C is what the
    // training-loop tests above check, step by step, against the float64 reference
    for (const name of OPTIMIZER_NAMES) expect(native.supports(problemOf(parseConfig({ nFeatures: 4, nHidden: 8, optimizer: name })), false)).toBe(names.includes(name));
    expect(() => addon.create(new Float32Array(4), new Float64Array(1), new Float64Array(3), [1, 2, 2, 1, names.length, 1, 2])).toThrow(/bad dims/);
  });

  it('names the kernel builds this CPU runs and refuses unknown ones', () => {
    expect(builds.length).toBeGreaterThan(0);
    expect(builds).toContain('generic');
    expect(addon.kernels('sse9')).toBeNull();
  });
});
