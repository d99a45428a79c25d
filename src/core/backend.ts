/**
 * The kernel interface every backend implements (reference float64 TypeScript, wasm SIMD,
 * native). It lives in core because the trainer is written against it; the backends in
 * src/kernels implement it and are handed to the trainer by the caller (src/kernels/select.ts).
 * A backend owns the training state (weights, optimizer state, scratch) in its own memory,
 * so a step copies nothing between JS and the kernels; callers read weights through views.
 *
 * What one step computes, per instance, is src/core/model.ts (SCIENCE.md §2, §8):
 * - `data: 'onehot'`: the paper's full batch X = I, implicit (no X is passed).
 *   G = W Wᵀ, loss = Σ_i (G_ii − 1)² + Σ_{i≠j} ReLU(G_ij)² + λ‖W‖₁, gradient
 *   4 (ReLU(G) − I) W + λ sign(W) (diagonal dropped when benefit is off, off-diagonal when
 *   interference is off), then the optimizer's update (prox-sgd: smooth part + soft-threshold).
 * - `data: 'batch'`: the caller passes X [nInstances, batchSize, nFeatures] (float32) with
 *   every step and evaluation, a new batch each step, one per instance (instances may see
 *   different rows). Loss Σ_b ‖ReLU((H_b + ξ) W_decᵀ) − X_b‖² + λ Σ_b ‖H_b‖₁ with
 *   H = φ(X W) for `hidden`; W_dec = W unless `untied`. Most entries of X may be zero
 *   (Bernoulli data at small p): kernels may exploit it, results must not depend on it.
 * A backend that has no kernel for a problem says so in `supports` (false); selection then
 * refuses it with a clear error when chosen explicitly, and `auto` falls back to the reference.
 */
import type { FloatArray } from './model.js';
import type { HiddenLayer } from './model.js';
import type { OptimizerHyper, OptimizerName } from './optimizers.js';

export type BackendName = 'reference' | 'wasm' | 'native';

/** 'onehot': X = I implicit, full batch; 'batch': X passed with every step. */
export type DataKind = 'onehot' | 'batch';

/** What a session trains: static for its lifetime. */
export interface Problem {
  nInstances: number;
  nFeatures: number;
  nHidden: number;
  /** false drops the loss terms with target X_bj ≠ 0 (one-hot: the diagonal, feature benefit). */
  benefit: boolean;
  /** false drops the loss terms with target X_bj = 0 (one-hot: the off-diagonal, interference). */
  interference: boolean;
  optimizer: OptimizerName;
  hyper: OptimizerHyper;
  /** Worker threads to use (1 = none); backends may use fewer. */
  threads: number;
  /** How the data reaches a step (see the module header). */
  data: DataKind;
  /** Rows per step: X is [nInstances, batchSize, nFeatures]; equals nFeatures for 'onehot'. */
  batchSize: number;
  /** Hidden map φ: 'linear' (the paper's), 'relu', 'layernorm' (no affine, ε = 1e-5). */
  hidden: HiddenLayer;
  /** A separate decoder W_dec [nInstances, nFeatures, nHidden] instead of tied weights. */
  untied: boolean;
}

/**
 * Loss and force magnitudes at the weights before an update. Views into backend memory,
 * valid until the next call on the session.
 */
export interface StepStats {
  /** [nInstances] loss at the weights the step started from (or the evaluated weights), on this step's batch. */
  loss: Float64Array;
  /**
   * [nInstances, 3] Frobenius norms of the gradients of the three parts of the loss, without
   * noise: feature benefit (terms with target ≠ 0; one-hot: ‖4 (G_ii − 1) W_i‖), interference
   * (terms with target 0; one-hot: ‖4 Σ_{j≠i} ReLU(G_ij) W_j‖) and regularization (the L1
   * term; one-hot: ‖λ sign(W)‖), over W and W_dec together when untied. Filled only when asked for.
   */
  forces: Float64Array;
}

export interface Session {
  readonly backend: BackendName;
  readonly dtype: 'float32' | 'float64';
  /** Live view of the (encoder) weights, [nInstances, nFeatures, nHidden] row-major. Re-fetch after each step. */
  weights(): FloatArray;
  /** Live view of the decoder W_dec [nInstances, nFeatures, nHidden] when untied, else null. */
  decoderWeights(): FloatArray | null;
  /**
   * Overwrites the weights (float32 or float64 [nInstances, n, m]; `decoder` likewise, required
   * when untied) and resets the optimizer state and step count.
   */
  setWeights(W: FloatArray, decoder?: FloatArray): void;
  /**
   * One training step on every instance. `noise` ([nInstances, nHidden]) adds hidden-layer
   * noise for this step, or null. `withForces` also fills `stats.forces`. `X`: this step's
   * batch, Float32Array [nInstances, batchSize, nFeatures], for data 'batch' (null for 'onehot').
   */
  step(noise: Float64Array | null, withForces: boolean, X?: Float32Array | null): StepStats;
  /** Loss and forces at the current weights, without updating; `X` as for `step`. */
  evaluate(X?: Float32Array | null): StepStats;
  /** Number of updates applied so far. */
  readonly stepCount: number;
  /** Threads this session computes on (1 when it has no workers); what a run records as used. */
  readonly threads?: number;
  dispose(): void;
}

export interface Backend {
  readonly name: BackendName;
  /** Whether this backend can train `problem` (e.g. hidden noise needs the reference). */
  supports(problem: Problem, withNoise: boolean): boolean;
  createSession(problem: Problem, W0: FloatArray, decoder0?: FloatArray): Session;
  /**
   * What a session for `problem` would hold (weights, optimizer state, every scratch buffer,
   * per thread where threads have their own), in bytes, and `fits`: null when this backend
   * can hold it, else why not (e.g. "over the 4 GiB of a wasm memory").
   */
  memory?(problem: Problem): { bytes: number; fits: string | null };
}
