/**
 * The one training config: its type, its defaults, and validation at the boundary.
 * Every entry point (CLI flags, JSON files, URL state, library calls) goes through
 * `parseConfig`, which rejects unknown keys and names the field and the bad value.
 *
 * @example
 *   const config = parseConfig({ nFeatures: 64, nHidden: 256, steps: 7500 });
 */
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { NOISE_NAMES } from './noise.js';
import { OPTIMIZER_NAMES } from './optimizers.js';

export const BACKEND_NAMES = ['auto', 'reference', 'wasm'] as const;
export type BackendChoice = (typeof BACKEND_NAMES)[number];

/** Training state above this estimate is refused (MiB); raise `memoryLimitMiB` deliberately. */
export const DEFAULT_MEMORY_LIMIT_MIB = 4096;

export const DEFAULTS = {
  /** n: number of features (= inputs = outputs). */
  nFeatures: 64,
  /** m: number of hidden neurons. */
  nHidden: 256,
  /** independent models trained side by side. */
  nInstances: 1,
  /** L1 coefficient λ on the hidden activations. */
  lambda: 1e-3,
  optimizer: 'adamw' as (typeof OPTIMIZER_NAMES)[number],
  lr: 1e-3,
  steps: 7500,
  seed: 0,
  /** init std = initScale / √m. */
  initScale: 1,
  /** false drops the feature-benefit force (the (‖W_i‖² − 1)² terms). */
  benefit: true,
  /** false drops the interference force (off-diagonal ReLU(WWᵀ)), for the sparsification study. */
  interference: true,
  /** false drops the regularization force (trains as if λ = 0, keeping λ in the config). */
  regularization: true,
  noise: 'none' as (typeof NOISE_NAMES)[number],
  noiseStd: 0.1,
  /** record a snapshot every k steps (and always the first and last). */
  snapshotEvery: 100,
  backend: 'auto' as BackendChoice,
  /** worker threads for the wasm backend; 0 = as many as useful (up to the core count). */
  threads: 0,
  weightDecay: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  memoryLimitMiB: DEFAULT_MEMORY_LIMIT_MIB,
};

export type TrainConfig = typeof DEFAULTS;

/** The CLI flag for each field, used in error messages. */
export const FIELD_FLAGS: Record<keyof TrainConfig, string> = {
  nFeatures: '--n',
  nHidden: '--m',
  nInstances: '--instances',
  lambda: '--lambda',
  optimizer: '--optimizer',
  lr: '--lr',
  steps: '--steps',
  seed: '--seed',
  initScale: '--init-scale',
  benefit: '--no-benefit',
  interference: '--no-interference',
  regularization: '--no-regularization',
  noise: '--noise',
  noiseStd: '--noise-std',
  snapshotEvery: '--snapshot-every',
  backend: '--backend',
  threads: '--threads',
  weightDecay: '--weight-decay',
  beta1: '--beta1',
  beta2: '--beta2',
  eps: '--eps',
  memoryLimitMiB: '--memory-limit',
};

// z.number() rejects ±Infinity with a generic message; accept any non-NaN number here so
// the refinements below can say what is wrong ("must be a finite number").
const num = () => z.custom<number>((v) => typeof v === 'number' && !Number.isNaN(v), { message: 'must be a number' });
const int = (min: number, what: string) =>
  num().refine((v) => Number.isInteger(v) && v >= min, `must be an integer >= ${min}${what}`);
const finite = (check: (v: number) => boolean, msg: string) =>
  num().refine((v) => Number.isFinite(v) && check(v), msg);
const oneOf = <T extends string>(names: readonly T[]) =>
  z.string({ error: `must be one of ${names.join(', ')}` }).refine((v) => (names as readonly string[]).includes(v), `must be one of ${names.join(', ')}`);

const schema = z.strictObject({
  nFeatures: int(1, ''),
  nHidden: int(1, ''),
  nInstances: int(1, ''),
  lambda: finite((v) => v >= 0, 'must be a finite number >= 0'),
  optimizer: oneOf(OPTIMIZER_NAMES),
  lr: finite((v) => v > 0, 'must be a finite number > 0'),
  steps: int(0, ''),
  seed: num().refine((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32, 'must be an integer in [0, 2^32)'),
  initScale: finite((v) => v > 0, 'must be a finite number > 0'),
  benefit: z.boolean({ error: 'must be true or false' }),
  interference: z.boolean({ error: 'must be true or false' }),
  regularization: z.boolean({ error: 'must be true or false' }),
  noise: oneOf(NOISE_NAMES),
  noiseStd: finite((v) => v >= 0, 'must be a finite number >= 0'),
  snapshotEvery: int(1, ''),
  backend: oneOf(BACKEND_NAMES),
  threads: int(0, ' (0 = automatic)'),
  weightDecay: finite((v) => v >= 0, 'must be a finite number >= 0'),
  beta1: finite((v) => v >= 0 && v < 1, 'must be in [0, 1)'),
  beta2: finite((v) => v >= 0 && v < 1, 'must be in [0, 1)'),
  eps: finite((v) => v > 0, 'must be a finite number > 0'),
  memoryLimitMiB: finite((v) => v > 0, 'must be a finite number > 0'),
});

/** Bytes of training state (float32 weights, initial weights, gradient, optimizer state, Gram scratch). */
export function estimateMemoryBytes(c: Pick<TrainConfig, 'nFeatures' | 'nHidden' | 'nInstances' | 'optimizer'>): number {
  const slots = c.optimizer === 'adam' || c.optimizer === 'adamw' ? 2 : 0;
  const perInstance = c.nFeatures * c.nHidden * (3 + slots) + 2 * c.nFeatures * c.nFeatures;
  return 4 * c.nInstances * perInstance;
}

/**
 * Fills defaults, validates and returns a complete config; throws ConfigError naming
 * the first bad field (`invalid nHidden (--m): must be an integer >= 1 (got 0)`).
 */
export function parseConfig(input: unknown): TrainConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError('config', input, 'must be an object');
  }
  const merged = { ...DEFAULTS, ...(input as Record<string, unknown>) };
  const result = schema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0];
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0];
      throw new ConfigError(key, (input as Record<string, unknown>)[key], `unknown option; known options are ${Object.keys(DEFAULTS).join(', ')}`);
    }
    const field = String(issue.path[0]) as keyof TrainConfig;
    throw new ConfigError(label(field), (merged as Record<string, unknown>)[field], issue.message);
  }
  const config = result.data as TrainConfig;
  const bytes = estimateMemoryBytes(config);
  if (bytes > config.memoryLimitMiB * 2 ** 20) {
    throw new ConfigError(
      'nInstances × nFeatures × nHidden',
      `${config.nInstances} × ${config.nFeatures} × ${config.nHidden}`,
      `needs about ${(bytes / 2 ** 20).toFixed(0)} MiB, over the ${config.memoryLimitMiB} MiB limit (raise --memory-limit to allow it)`,
    );
  }
  return config;
}

function label(field: keyof TrainConfig): string {
  const flag = FIELD_FLAGS[field];
  return flag ? `${field} (${flag})` : field;
}
