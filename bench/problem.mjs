// What the kernel benchmarks train (bench/kernels.mjs, bench/phases.mjs): AdamW steps at the
// paper's hyperparameters, from deterministic weights.
import { OPTIMIZER_DEFAULTS } from '../dist/core/optimizers.js';

/** The backend Problem for `instances` × (n, m), AdamW lr 1e-3, λ = 1e-3, on `threads` threads. */
export const benchProblem = (instances, n, m, threads) => ({
  nInstances: instances,
  nFeatures: n,
  nHidden: m,
  benefit: true,
  interference: true,
  optimizer: 'adamw',
  hyper: { ...OPTIMIZER_DEFAULTS, lr: 1e-3, lambda: 1e-3 },
  threads,
  // the paper's one-hot full batch (src/core/backend.ts Problem)
  data: 'onehot',
  batchSize: n,
  hidden: 'linear',
  untied: false,
});

/** Deterministic N(0, 1/m) weights (Box–Muller on a small LCG; the values do not matter much). */
export function randomWeights(count, m, seed = 1) {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const W = new Float32Array(count);
  for (let i = 0; i < count; i++) W[i] = (Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u())) / Math.sqrt(m);
  return W;
}
