/**
 * Fixtures for the batched-path tests of every backend (src/kernels/wasm-batch.test.ts,
 * native-batch.test.ts): a general-model problem at a given shape, float32 starting weights
 * (so every backend starts from the same point), and seeded streams of batches (with all-zero
 * rows) and hidden noise. One copy, so the backends are tested on the same inputs.
 *
 * @example
 *   const f = batchFixtures({ instances: 2, n: 5, m: 7, B: 6 }, 1);
 *   session.step(f.noise(), false, f.batch());
 */
import type { HiddenLayer } from '../core/model.js';
import { OPTIMIZER_DEFAULTS, type OptimizerName } from '../core/optimizers.js';
import type { Problem } from '../kernels/backend.js';
import { uniform } from './uniform.js';

/** Instances, features n, hidden neurons m and rows per batch B. */
export interface BatchShape {
  instances: number;
  n: number;
  m: number;
  B: number;
}

/** A batched problem (both loss terms on, lr 0.01) of shape `s`. */
export function batchProblem(s: BatchShape, hidden: HiddenLayer, untied: boolean, lambda: number, optimizer: OptimizerName = 'adamw', threads = 1): Problem {
  return {
    nInstances: s.instances,
    nFeatures: s.n,
    nHidden: s.m,
    benefit: true,
    interference: true,
    optimizer,
    hyper: { ...OPTIMIZER_DEFAULTS, lr: 0.01, lambda },
    threads,
    data: 'batch',
    batchSize: s.B,
    hidden,
    untied,
  };
}

/**
 * Weights W0 and W_dec0 [instances, n, m] (Gaussian · 0.4, float32 values); `batch()` gives
 * X [instances, B, n] with every fourth row (r ≡ 2 mod 4) zero and each other entry on with
 * probability `density` (odd rows 1, even rows in (0.05, 1.05)); `noise()` gives ξ [instances, m].
 */
export function batchFixtures(s: BatchShape, seed: number, density = 0.3) {
  const u = uniform(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const size = s.instances * s.n * s.m;
  const W0 = Float32Array.from({ length: size }, () => gauss() * 0.4);
  const D0 = Float32Array.from({ length: size }, () => gauss() * 0.4);
  const batch = () => {
    const X = new Float32Array(s.instances * s.B * s.n);
    for (let r = 0; r < s.instances * s.B; r++) {
      if (r % 4 === 2) continue; // all-zero rows
      for (let i = 0; i < s.n; i++) if (u() < density || s.n === 1) X[r * s.n + i] = r % 2 ? 1 : u() + 0.05;
    }
    return X;
  };
  const noise = () => Float64Array.from({ length: s.instances * s.m }, () => gauss() * 0.05);
  return { W0, D0, batch, noise };
}

/** max_i |a_i − b_i|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
