/**
 * The one training config. Each field is declared once, in CONFIG_FIELDS: its default, its
 * validation, its CLI flag and help, and (optionally) its explorer URL key and control.
 * Everything else is derived from the table: DEFAULTS and the TrainConfig type, the zod
 * schema behind `parseConfig`, the `train` command's options (src/cli/train.ts), the
 * explorer's URL state and controls (src/explorer/state.ts, controls.ts). Every entry point
 * goes through `parseConfig`, which rejects unknown keys and names the field and the bad value.
 *
 * @example
 *   const config = parseConfig({ nFeatures: 64, nHidden: 256, steps: 7500 });
 */
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { MAX_THREADS } from './limits.js';
import { DATA_KINDS, MAGNITUDES } from './data.js';
import { HIDDEN_LAYERS } from './model.js';
import { NOISE_NAMES } from './noise.js';
import { OPTIMIZER_NAMES } from './optimizers.js';

export const BACKEND_NAMES = ['auto', 'reference', 'wasm', 'native'] as const;
export type BackendChoice = (typeof BACKEND_NAMES)[number];

/** Training state above this estimate is refused (MiB); raise `memoryLimitMiB` deliberately. */
export const DEFAULT_MEMORY_LIMIT_MIB = 4096;

export { MAX_THREADS };

/** How a field is parsed on the command line and in the URL. */
export type FieldKind = 'int' | 'number' | 'choice' | 'boolean' | 'string';

/** One config field, declared once. */
export interface ConfigField<T> {
  default: T;
  kind: FieldKind;
  /** choice fields: the names allowed (from the core's registries) */
  choices?: readonly string[];
  schema: z.ZodType<T>;
  /**
   * CLI flag: `--m` (takes a value), `--no-benefit` (a default-true switch), `--untied`
   * (a default-false switch).
   */
  flag: string;
  /** value placeholder in --help, e.g. `<int>` */
  arg?: string;
  help: string;
  /** explorer: URL query key and control; absent = not in the explorer */
  explorer?: {
    url: string;
    label: string;
    group: 'Model' | 'Data' | 'Training';
    /** the explorer's default when it differs (a first visit should show the effect in seconds) */
    default?: T;
    /** choice fields: the choices offered in the page when fewer (e.g. no data files in a browser) */
    choices?: readonly string[];
    /** false: changing it does not restart training */
    restarts?: boolean;
    step?: string;
    min?: number;
  };
}

// z.number() rejects ±Infinity with a generic message; accept any non-NaN number here so
// the refinements below can say what is wrong ("must be a finite number").
const num = () => z.custom<number>((v) => typeof v === 'number' && !Number.isNaN(v), { message: 'must be a number' });
const int = (min: number, what = '') => num().refine((v) => Number.isInteger(v) && v >= min, `must be an integer >= ${min}${what}`);
const finite = (check: (v: number) => boolean, msg: string) => num().refine((v) => Number.isFinite(v) && check(v), msg);
const bool = () => z.boolean({ error: 'must be true or false' });
const oneOf = <T extends string>(names: readonly T[]) =>
  z
    .string({ error: `must be one of ${names.join(', ')}` })
    .refine((v) => (names as readonly string[]).includes(v), `must be one of ${names.join(', ')}`) as unknown as z.ZodType<T>;

/** Builders that fill `kind` and `schema` from the field's type (`field`: spelled out in full). */
const field = <T>(f: ConfigField<T>): ConfigField<T> => f;
const intField = (def: number, min: number, rest: Omit<ConfigField<number>, 'default' | 'kind' | 'schema'>, what = ''): ConfigField<number> => ({
  default: def,
  kind: 'int',
  schema: int(min, what),
  arg: '<int>',
  ...rest,
});
const numField = (def: number, schema: z.ZodType<number>, rest: Omit<ConfigField<number>, 'default' | 'kind' | 'schema'>): ConfigField<number> => ({
  default: def,
  kind: 'number',
  schema,
  arg: '<x>',
  ...rest,
});
const choiceField = <T extends string>(def: T, names: readonly T[], rest: Omit<ConfigField<T>, 'default' | 'kind' | 'schema' | 'choices'>): ConfigField<T> => ({
  default: def,
  kind: 'choice',
  choices: names,
  schema: oneOf(names),
  arg: '<name>',
  ...rest,
});
const switchField = (def: boolean, rest: Omit<ConfigField<boolean>, 'default' | 'kind' | 'schema'>): ConfigField<boolean> => ({
  default: def,
  kind: 'boolean',
  schema: bool(),
  ...rest,
});

/** The table. Order = order in `--help` and in config.json. */
export const CONFIG_FIELDS = {
  nFeatures: intField(64, 1, { flag: '--n', help: 'n: number of features (= inputs = outputs)', explorer: { url: 'n', label: 'features n', group: 'Model', default: 16, step: '1', min: 1 } }),
  nHidden: intField(256, 1, { flag: '--m', help: 'm: number of hidden neurons', explorer: { url: 'm', label: 'neurons m', group: 'Model', default: 32, step: '1', min: 1 } }),
  nInstances: intField(1, 1, { flag: '--instances', help: 'independent models trained side by side, each with its own seed stream', explorer: { url: 'instances', label: 'instances', group: 'Model', step: '1', min: 1 } }),
  lambda: numField(1e-3, finite((v) => v >= 0, 'must be a finite number >= 0'), { flag: '--lambda', help: 'L1 coefficient λ on the hidden activations', explorer: { url: 'lambda', label: 'L1 penalty λ', group: 'Training', default: 0.01, step: 'any', min: 0 } }),
  optimizer: choiceField('adamw', OPTIMIZER_NAMES, { flag: '--optimizer', help: `one of ${OPTIMIZER_NAMES.join(', ')}`, explorer: { url: 'opt', label: 'optimizer', group: 'Training' } }),
  lr: numField(1e-3, finite((v) => v > 0, 'must be a finite number > 0'), { flag: '--lr', help: 'learning rate', explorer: { url: 'lr', label: 'learning rate', group: 'Training', default: 0.005, step: 'any', min: 0 } }),
  steps: intField(7500, 0, { flag: '--steps', help: 'training steps', explorer: { url: 'steps', label: 'train until step', group: 'Training', default: 2000, restarts: false, step: '1', min: 0 } }),
  seed: {
    ...intField(0, 0, { flag: '--seed', help: 'random seed (init, data and noise streams)', explorer: { url: 'seed', label: 'seed', group: 'Training', step: '1', min: 0 } }),
    schema: num().refine((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32, 'must be an integer in [0, 2^32)'),
  },
  initScale: numField(1, finite((v) => v > 0, 'must be a finite number > 0'), { flag: '--init-scale', help: 'init std = initScale/√m', explorer: { url: 'init', label: 'init scale', group: 'Training', step: 'any', min: 0 } }),
  data: choiceField('onehot', DATA_KINDS, { flag: '--data', arg: '<kind>', help: 'training data: onehot (the paper\'s full batch of basis vectors), bernoulli (each feature on with probability p), file (rows of --data-file)', explorer: { url: 'data', label: 'data', group: 'Data', choices: ['onehot', 'bernoulli'] } }),
  featureProbability: numField(0.1, finite((v) => v > 0 && v <= 1, 'must be in (0, 1]'), { flag: '--p', help: 'bernoulli data: probability that a feature is on in a row', explorer: { url: 'p', label: 'feature probability p', group: 'Data', step: 'any', min: 0 } }),
  magnitude: choiceField('one', MAGNITUDES, { flag: '--magnitude', help: 'bernoulli data: value of an active feature, one (1) or uniform (in (0, 1])' }),
  batch: field<number | null>({ default: null as number | null, kind: 'int', schema: z.union([z.null(), int(1)]), flag: '--batch', arg: '<int>', help: 'rows per step (bernoulli: n by default; file: all N rows by default)' }),
  dataFile: field<string | null>({ default: null as string | null, kind: 'string', schema: z.string({ error: 'must be a file path' }).min(1, 'must be a file path').nullable(), flag: '--data-file', arg: '<X.npy>', help: 'file data: float32/float64 .npy of shape (N, n); each step takes the next rows, wrapping' }),
  hidden: choiceField('linear', HIDDEN_LAYERS, { flag: '--hidden', arg: '<layer>', help: `hidden layer: ${HIDDEN_LAYERS.join(', ')} (layernorm: no affine, ε = 1e-5)`, explorer: { url: 'hidden', label: 'hidden layer', group: 'Data' } }),
  untied: switchField(false, { flag: '--untied', help: 'a separate decoder, initialized like W (the paper ties them)' }),
  benefit: switchField(true, { flag: '--no-benefit', help: 'drop the feature-benefit force (loss terms whose target is nonzero)' }),
  interference: switchField(true, { flag: '--no-interference', help: 'drop the interference force (loss terms whose target is zero; sparsification study)', explorer: { url: 'interference', label: 'interference', group: 'Training' } }),
  regularization: switchField(true, { flag: '--no-regularization', help: 'drop the regularization force (train as if λ = 0, keeping λ in the config)' }),
  noise: choiceField('none', NOISE_NAMES, { flag: '--noise', arg: '<kind>', help: `hidden-layer noise: ${NOISE_NAMES.join(', ')}`, explorer: { url: 'noise', label: 'hidden noise', group: 'Training' } }),
  noiseStd: numField(0.1, finite((v) => v >= 0, 'must be a finite number >= 0'), { flag: '--noise-std', help: 'hidden-noise standard deviation σ', explorer: { url: 'sigma', label: 'noise σ', group: 'Training', step: 'any', min: 0 } }),
  snapshotEvery: intField(100, 1, { flag: '--snapshot-every', help: 'record metrics every k steps (and the first and last)' }),
  backend: choiceField('auto' as BackendChoice, BACKEND_NAMES, { flag: '--backend', help: 'auto (native when built, else wasm), reference (float64 TypeScript), wasm (SIMD) or native (C kernels built at install)' }),
  threads: {
    ...intField(0, 0, { flag: '--threads', help: `worker threads for the wasm and native backends (0 = automatic, at most ${MAX_THREADS})` }),
    schema: num().refine((v) => Number.isInteger(v) && v >= 0 && v <= MAX_THREADS, `must be an integer in [0, ${MAX_THREADS}] (0 = automatic)`),
  },
  weightDecay: numField(0.01, finite((v) => v >= 0, 'must be a finite number >= 0'), { flag: '--weight-decay', help: 'AdamW decoupled weight decay' }),
  beta1: numField(0.9, finite((v) => v >= 0 && v < 1, 'must be in [0, 1)'), { flag: '--beta1', help: 'Adam/AdamW β1' }),
  beta2: numField(0.999, finite((v) => v >= 0 && v < 1, 'must be in [0, 1)'), { flag: '--beta2', help: 'Adam/AdamW β2' }),
  eps: numField(1e-8, finite((v) => v > 0, 'must be a finite number > 0'), { flag: '--eps', help: 'Adam/AdamW ε' }),
  memoryLimitMiB: numField(DEFAULT_MEMORY_LIMIT_MIB, finite((v) => v > 0, 'must be a finite number > 0'), { flag: '--memory-limit', arg: '<MiB>', help: 'refuse configs whose training state exceeds this' }),
};

type Fields = typeof CONFIG_FIELDS;
export type TrainConfig = { [K in keyof Fields]: Fields[K]['default'] };
export type ConfigKey = keyof TrainConfig;
export const CONFIG_KEYS = Object.keys(CONFIG_FIELDS) as ConfigKey[];

export const DEFAULTS: TrainConfig = Object.fromEntries(CONFIG_KEYS.map((k) => [k, CONFIG_FIELDS[k].default])) as TrainConfig;

/** The CLI flag for each field, used in error messages. */
export const FIELD_FLAGS: Record<ConfigKey, string> = Object.fromEntries(CONFIG_KEYS.map((k) => [k, CONFIG_FIELDS[k].flag])) as Record<ConfigKey, string>;

const schema = z.strictObject(Object.fromEntries(CONFIG_KEYS.map((k) => [k, CONFIG_FIELDS[k].schema])) as { [K in ConfigKey]: z.ZodType<TrainConfig[K]> });

/**
 * A quick estimate of training state, checked here before anything runs: float32 weights,
 * initial weights, gradient and optimizer state (twice when untied), the Gram scratch of
 * one-hot data, and for batches the float32 batch [I, B, n] plus float64 scratch for one
 * instance's rows (Z, H, Q [B, m], O, G [B, n]). The backend chosen for the run reports its
 * real footprint, scratch per thread included, and src/kernels/select.ts checks that against
 * the same limit and the machine's memory.
 */
export function estimateMemoryBytes(c: Pick<TrainConfig, 'nFeatures' | 'nHidden' | 'nInstances' | 'optimizer'> & Partial<Pick<TrainConfig, 'data' | 'batch' | 'untied'>>): number {
  const slots = c.optimizer === 'adam' || c.optimizer === 'adamw' ? 2 : 0;
  const n = c.nFeatures;
  const m = c.nHidden;
  const weights = n * m * (3 + slots) * (c.untied ? 2 : 1);
  if ((c.data ?? 'onehot') === 'onehot') return 4 * c.nInstances * (weights + 2 * n * n);
  const B = c.batch ?? n; // file data without --batch: checked again once N is known
  return 4 * c.nInstances * (weights + B * n) + 8 * B * (3 * m + 2 * n);
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
      throw new ConfigError(key, (input as Record<string, unknown>)[key], `unknown option; known options are ${CONFIG_KEYS.join(', ')}`);
    }
    const field = String(issue.path[0]) as ConfigKey;
    throw new ConfigError(fieldLabel(field), (merged as Record<string, unknown>)[field], issue.message);
  }
  const config = result.data as TrainConfig;
  checkCombination(config);
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

/** What a config is used with beyond its fields: the run starts from --init weights. */
export interface ConfigContext {
  init: boolean;
}

const adamOnly = (c: TrainConfig) =>
  c.optimizer === 'adam' || c.optimizer === 'adamw' ? null : `has no effect with --optimizer ${c.optimizer} (only adam and adamw use it)`;

/**
 * Cross-field rules: for a field that the rest of the config makes do nothing, the reason.
 * A field given explicitly (a flag on the command line) and ignored would be a silent no-op,
 * so `checkFieldsHaveEffect` refuses it.
 */
export const NO_EFFECT_RULES: Partial<Record<ConfigKey, (c: TrainConfig, ctx: ConfigContext) => string | null>> = {
  initScale: (_c, ctx) => (ctx.init ? 'has no effect with --init (the initial weights come from the file)' : null),
  beta1: adamOnly,
  beta2: adamOnly,
  eps: adamOnly,
  weightDecay: (c) => (c.optimizer === 'adamw' ? null : `has no effect with --optimizer ${c.optimizer} (only adamw decays weights)`),
  noiseStd: (c) => (c.noise === 'none' ? 'has no effect with --noise none (choose bipolar or gaussian noise)' : null),
  threads: (c) => (c.backend === 'reference' ? 'has no effect with --backend reference (it runs on one thread)' : null),
};

/**
 * Refuses (ConfigError) the first explicitly given field that has no effect on this config,
 * e.g. `invalid beta1 (--beta1): has no effect with --optimizer sgd (only adam and adamw use it) (got 0.5)`.
 */
export function checkFieldsHaveEffect(config: TrainConfig, explicit: Iterable<ConfigKey>, ctx: ConfigContext): void {
  for (const key of explicit) {
    const reason = NO_EFFECT_RULES[key]?.(config, ctx);
    if (reason) throw new ConfigError(fieldLabel(key), config[key], reason);
  }
}

/** `nHidden (--m)`: how errors name a field. */
export function fieldLabel(field: ConfigKey): string {
  const flag = FIELD_FLAGS[field];
  return flag ? `${field} (${flag})` : field;
}

/** Rules between fields; each names the field that is wrong in this combination. */
function checkCombination(c: TrainConfig): void {
  if (c.data === 'file' && c.dataFile === null) throw new ConfigError(fieldLabel('dataFile'), c.dataFile, 'file data needs a data file (--data file --data-file X.npy)');
  if (c.data !== 'file' && c.dataFile !== null) throw new ConfigError(fieldLabel('dataFile'), c.dataFile, `is read only with --data file (data is ${c.data})`);
  if (c.data === 'onehot' && c.batch !== null) throw new ConfigError(fieldLabel('batch'), c.batch, 'one-hot data is the full batch of n basis vectors; use --data bernoulli or file for other batches');
  const paperModel = c.data === 'onehot' && c.hidden === 'linear' && !c.untied;
  if (c.optimizer === 'prox-sgd' && !paperModel) {
    throw new ConfigError(
      fieldLabel('optimizer'),
      c.optimizer,
      'soft-thresholds W, which is the L1 term only for one-hot data, a linear hidden layer and tied weights; use sgd, adam or adamw here',
    );
  }
}
