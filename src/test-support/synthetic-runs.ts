/**
 * Test helper: synthetic finished runs for the experiments' `analyze`, so every check can
 * be fed results made to pass it and results made to fail it, without training.
 */
import type { Snapshot } from '../core/train.js';
import type { LoadRun, RunOutcome, RunSpec } from '../reproduce/types.js';

/**
 * Final weights [I, n, m] with exactly `count` polysemantic neurons per instance (SCIENCE.md
 * §5 rule): features 2j and 2j+1 sit on neuron j with weights +1 and −1, for j < count;
 * every other weight is 0. Needs 2·count ≤ n and count ≤ m.
 */
export function weightsWithPolysemantic(counts: readonly number[], n: number, m: number): Float32Array {
  const W = new Float32Array(counts.length * n * m);
  counts.forEach((c, inst) => {
    if (2 * c > n || c > m) throw new RangeError(`cannot place ${c} polysemantic neurons with n=${n}, m=${m}`);
    for (let j = 0; j < c; j++) {
      W[(inst * n + 2 * j) * m + j] = 1;
      W[(inst * n + 2 * j + 1) * m + j] = -1;
    }
  });
  return W;
}

function outcome(spec: RunSpec, W: Float32Array, snapshots: Snapshot[] = []): RunOutcome {
  const { nInstances, nFeatures, nHidden } = spec.config;
  return { config: spec.config, shape: [nInstances, nFeatures, nHidden], W0: new Float32Array(W.length), W, snapshots, backend: 'synthetic', wallTimeSeconds: 0 };
}

/**
 * A LoadRun whose run for hidden size m and L1 strength λ has the polysemantic counts
 * `count(m, instance, λ)` (instance numbered across the chunks of a grid point, in order).
 */
export function loadWithCounts(count: (m: number, instance: number, lambda: number) => number): { load: LoadRun; loaded: RunSpec[] } {
  const seen = new Map<string, number>();
  const loaded: RunSpec[] = [];
  const load: LoadRun = (spec) => {
    loaded.push(spec);
    const { nInstances: I, nFeatures: n, nHidden: m, lambda } = spec.config;
    const key = `${n} ${m} ${lambda}`;
    const first = seen.get(key) ?? 0;
    seen.set(key, first + I);
    const counts = Array.from({ length: I }, (_, i) => count(m, first + i, lambda));
    return outcome(spec, weightsWithPolysemantic(counts, n, m));
  };
  return { load, loaded };
}

/** A snapshot with the given per-instance fourth norms (the other metrics are zeros). */
export function snapshot(step: number, fourth: number[]): Snapshot {
  const zeros = fourth.map(() => 0);
  return {
    step,
    time: 0,
    loss: zeros,
    lossMean: 0,
    forces: { benefit: zeros, interference: zeros, regularization: zeros },
    l1: zeros,
    normSq: zeros,
    fourth,
    nonzero: zeros,
    l1Mean: 0,
    nonzeroMean: 0,
    fourthMean: fourth.reduce((a, b) => a + b, 0) / fourth.length,
  };
}

/** A LoadRun returning the snapshots `history(spec)` for each run (weights all zero). */
export function loadWithSnapshots(history: (spec: RunSpec) => Snapshot[]): LoadRun {
  return (spec) => {
    const { nInstances, nFeatures, nHidden } = spec.config;
    return outcome(spec, new Float32Array(nInstances * nFeatures * nHidden), history(spec));
  };
}
