/**
 * Library entry point: `import { parseConfig, openTrainer } from 'incidental'`.
 * Everything here runs in Node and in browsers (no node: imports), except `io/run-dir`.
 *
 * @example
 *   const config = parseConfig({ nFeatures: 16, nHidden: 32, steps: 2000 });
 *   const trainer = await openTrainer(config); // picks the backend (or createTrainer(config, { backend }))
 *   trainer.advance(config.steps);
 *   const W = trainer.weights(); // Float32Array [nInstances, nFeatures, nHidden]
 *   // the general model: parseConfig({ ..., data: 'bernoulli', featureProbability: 0.05, hidden: 'relu' });
 *   // file data: openTrainer(config, { data: { X, rows: N } }) // X: Float32Array [N, n]
 */
export { DEFAULTS, CONFIG_FIELDS, parseConfig, estimateMemoryBytes, type TrainConfig, type ConfigField } from './core/config.js';
export { DATA_KINDS, MAGNITUDES, createBatchSource, batchSizeOf, type BatchSource, type DataMatrix } from './core/data.js';
export { HIDDEN_LAYERS, type HiddenLayer } from './core/model.js';
export { UserError, ConfigError, DivergenceError } from './core/errors.js';
export { createStreams, restoreStream, type RandomStream } from './core/rng.js';
export { OPTIMIZERS, OPTIMIZER_NAMES, type Optimizer, type OptimizerName } from './core/optimizers.js';
export { NOISE_KINDS, NOISE_NAMES } from './core/noise.js';
export { initWeights, initDecoder } from './core/init.js';
export { weightMetrics, countOneHotFeatures } from './core/metrics.js';
export { createTrainer, Trainer, problemOf, type Snapshot } from './core/train.js';
export { selectBackend, openTrainer, BACKENDS } from './kernels/select.js';
export { referenceBackend } from './kernels/reference.js';
export type { Backend, Session, Problem, StepStats, DataKind } from './core/backend.js';
export * as model from './core/model.js';
export { encodeNpy, decodeNpy } from './io/npy.js';
export { analyzeRun, analyzeInstance, polysemanticCount } from './analysis/neurons.js';
export { chooseCriterion, membership, describeCriterion, type Criterion } from './analysis/criterion.js';
