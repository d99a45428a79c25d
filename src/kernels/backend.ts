/**
 * The kernel interface every backend implements (reference float64 TypeScript, wasm SIMD).
 * A backend owns the training state (weights, optimizer state, scratch) in its own memory,
 * so a step copies nothing between JS and the kernels; callers read weights through views.
 *
 * One step, per instance (SCIENCE.md §2):
 *   G = W Wᵀ (symmetric), loss = Σ_i (G_ii − 1)² + Σ_{i≠j} ReLU(G_ij)² + λ‖W‖₁,
 *   D = 4 (ReLU(G) − I) W  (off-diagonal of ReLU(G) zeroed when interference is off,
 *   diagonal zeroed when feature benefit is off),
 *   then the optimizer's fused update of W from D (which adds the L1 term itself).
 */
import type { OptimizerHyper, OptimizerName, FloatArray } from '../core/optimizers.js';

export type BackendName = 'reference' | 'wasm';

/** What a session trains: static for its lifetime. */
export interface Problem {
  nInstances: number;
  nFeatures: number;
  nHidden: number;
  /** false zeroes the diagonal of M (the feature-benefit force) and its loss terms. */
  benefit: boolean;
  interference: boolean;
  optimizer: OptimizerName;
  hyper: OptimizerHyper;
  /** Worker threads to use (1 = none); backends may use fewer. */
  threads: number;
}

/**
 * Loss and force magnitudes at the weights before an update. Views into backend memory,
 * valid until the next call on the session.
 */
export interface StepStats {
  /** [nInstances] loss at the weights the step started from (or the evaluated weights). */
  loss: Float64Array;
  /**
   * [nInstances, 3] Frobenius norms of the three parts of the gradient: feature benefit
   * ‖4 (G_ii − 1) W_i‖, interference ‖4 Σ_{j≠i} ReLU(G_ij) W_j‖, regularization ‖λ sign(W)‖.
   * Filled only when asked for.
   */
  forces: Float64Array;
}

export interface Session {
  readonly backend: BackendName;
  readonly dtype: 'float32' | 'float64';
  /** Live view of the weights, [nInstances, nFeatures, nHidden] row-major. Re-fetch after each step. */
  weights(): FloatArray;
  /** Overwrites the weights (float32 or float64 [nInstances, n, m]) and resets the optimizer state and step count. */
  setWeights(W: FloatArray): void;
  /**
   * One full-batch training step on every instance. `noise` ([nInstances, nHidden]) adds
   * hidden-layer noise for this step, or null. `withForces` also fills `stats.forces`.
   */
  step(noise: Float64Array | null, withForces: boolean): StepStats;
  /** Loss and forces at the current weights, without updating. */
  evaluate(): StepStats;
  /** Number of updates applied so far. */
  readonly stepCount: number;
  dispose(): void;
}

export interface Backend {
  readonly name: BackendName;
  /** Whether this backend can train `problem` (e.g. hidden noise needs the reference). */
  supports(problem: Problem, withNoise: boolean): boolean;
  createSession(problem: Problem, W0: FloatArray): Session;
}
