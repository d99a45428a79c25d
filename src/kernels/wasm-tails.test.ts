/**
 * The wasm kernels' scalar tails, through the Session interface: every m mod 4 (the SIMD
 * width), m mod 4 = 3 in particular (three tail elements), against the float64 reference
 * for every optimizer; and sign(0) = 0 in the tail, where an exact zero weight with a zero
 * smooth gradient must stay exactly zero under any optimizer (a wrong sign would move it by
 * about lr·λ).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTIMIZER_DEFAULTS, OPTIMIZER_NAMES, type OptimizerName } from '../core/optimizers.js';
import { createStreams } from '../core/rng.js';
import type { Backend, Problem, Session } from './backend.js';
import { referenceBackend } from './reference.js';
import { createWasmBackend } from './wasm.js';

let wasm: Backend;
const open: Session[] = [];
beforeAll(async () => {
  const b = await createWasmBackend();
  expect(b, 'this Node has WebAssembly SIMD').not.toBeNull();
  wasm = b!;
});
afterAll(() => open.forEach((s) => s.dispose()));

const LR: Record<OptimizerName, number> = { sgd: 0.02, 'prox-sgd': 0.02, adam: 3e-3, adamw: 3e-3 };

function problem(n: number, m: number, optimizer: OptimizerName, lambda: number, nInstances = 2): Problem {
  return { nInstances, nFeatures: n, nHidden: m, benefit: true, interference: true, optimizer, hyper: { ...OPTIMIZER_DEFAULTS, lr: LR[optimizer], lambda }, threads: 1, data: 'onehot', batchSize: n, hidden: 'linear', untied: false };
}

function weights(count: number, m: number, seed: number): Float32Array {
  const [s] = createStreams(seed, 1);
  return Float32Array.from({ length: count }, () => s.nextGaussian() / Math.sqrt(m));
}

/** Runs both backends; every step's loss and (every 4th step) forces must agree to float32 rounding. */
function both(p: Problem, W0: Float32Array, steps: number): [Float32Array, Float64Array] {
  const a = wasm.createSession(p, W0);
  open.push(a);
  const b = referenceBackend.createSession(p, W0);
  for (let t = 0; t < steps; t++) {
    const withForces = t % 4 === 0;
    const sa = a.step(null, withForces);
    const sb = b.step(null, withForces);
    for (let i = 0; i < p.nInstances; i++) expect(Math.abs(sa.loss[i] - sb.loss[i])).toBeLessThan(1e-5 * Math.max(1, sb.loss[i]));
    if (withForces) for (let k = 0; k < 3 * p.nInstances; k++) expect(Math.abs(sa.forces[k] - sb.forces[k])).toBeLessThan(1e-5 * Math.max(1, sb.forces[k]));
  }
  return [Float32Array.from(a.weights()), Float64Array.from(b.weights())];
}

describe('wasm scalar tails', () => {
  const cases = OPTIMIZER_NAMES.flatMap((o) => [3, 7, 11, 19, 5, 6, 8].map((m) => [o, m] as const));
  it.each(cases)('%s, m=%i: 20 steps agree with the reference, tail elements included', (optimizer, m) => {
    const n = 5;
    const p = problem(n, m, optimizer, 0.01);
    const [a, b] = both(p, weights(2 * n * m, m, 100 + m), 20);
    let worst = 0;
    let worstTail = 0;
    for (let k = 0; k < a.length; k++) {
      const d = Math.abs(a[k] - b[k]);
      worst = Math.max(worst, d);
      if (k % m >= m - (m % 4)) worstTail = Math.max(worstTail, d);
    }
    expect(worst).toBeLessThan(2e-5);
    expect(worstTail).toBeLessThan(2e-5);
    // the tail elements moved: a kernel that skipped them would leave them at W0
    if (m % 4) {
      const W0 = weights(2 * n * m, m, 100 + m);
      expect(a[m - 1]).not.toBe(W0[m - 1]);
    }
  });

  it.each(OPTIMIZER_NAMES)('%s: sign(0) = 0, so exact zeros with a zero smooth gradient stay zero, in the SIMD body and in every tail position', (optimizer) => {
    for (const m of [1, 2, 3, 5, 6, 7, 11]) {
      // one feature (n = 1): the smooth gradient of a weight is 4(‖W‖² − 1)·w, zero where w is
      const W0 = weights(m, m, m);
      for (let k = 0; k < m; k++) if (k % 2 === 0 || k >= m - (m % 4)) W0[k] = 0;
      W0[1 % m] ||= 0.5; // at least one nonzero weight
      const p = problem(1, m, optimizer, 0.2, 1);
      const [a, b] = both(p, W0, 5);
      for (let k = 0; k < m; k++) {
        if (W0[k] !== 0) continue;
        expect(a[k], `wasm ${optimizer} m=${m} k=${k}`).toBe(0);
        expect(b[k], `reference ${optimizer} m=${m} k=${k}`).toBe(0);
      }
    }
  });
});
