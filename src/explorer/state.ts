/**
 * The explorer's whole UI state, and its URL form. One map, name → {default, parse, format},
 * drives reading the query string, writing it back and the reset-to-defaults, so a view can
 * be shared by copying the address bar (tensorflow/playground's state.ts, without globals).
 *
 * Training fields map one-to-one onto TrainConfig (validated by the core's parseConfig, so a
 * bad value gets the same message as on the CLI); view fields (instance shown, feature,
 * speed, order) never restart training.
 *
 * @example
 *   const state = readState('?n=16&m=32&seed=3');
 *   location.search = formatState({ ...state, lr: 0.01 });
 */
import { parseConfig, type TrainConfig } from '../core/config.js';
import { NOISE_NAMES, type NoiseName } from '../core/noise.js';
import { OPTIMIZER_NAMES, type OptimizerName } from '../core/optimizers.js';

export const NEURON_ORDERS = ['grouped', 'index'] as const;
export type NeuronOrder = (typeof NEURON_ORDERS)[number];
export const SPEEDS = [1, 2, 5, 10, 25, 100] as const;

export interface ExplorerState {
  /** n: features */
  n: number;
  /** m: hidden neurons */
  m: number;
  instances: number;
  lambda: number;
  optimizer: OptimizerName;
  lr: number;
  seed: number;
  initScale: number;
  interference: boolean;
  noise: NoiseName;
  sigma: number;
  /** training stops at this step (changing it does not restart training) */
  steps: number;
  /** which instance the views show */
  instance: number;
  /** feature shown in the sparsification race */
  feature: number;
  /** steps per animation frame */
  speed: number;
  order: NeuronOrder;
}

interface Field<T> {
  /** URL query key */
  key: string;
  default: T;
  /** string from the URL → value, or undefined when malformed */
  parse(text: string): T | undefined;
  format(value: T): string;
  /** whether changing it restarts training from step 0 */
  restarts: boolean;
}

const num = (key: string, def: number, restarts = true): Field<number> => ({
  key,
  default: def,
  parse: (t) => (t.trim() === '' || !Number.isFinite(Number(t)) ? undefined : Number(t)),
  format: (v) => String(v),
  restarts,
});
const choice = <T extends string>(key: string, names: readonly T[], def: T, restarts = true): Field<T> => ({
  key,
  default: def,
  parse: (t) => ((names as readonly string[]).includes(t) ? (t as T) : undefined),
  format: (v) => v,
  restarts,
});
const flag = (key: string, def: boolean): Field<boolean> => ({
  key,
  default: def,
  parse: (t) => (t === '1' || t === 'true' ? true : t === '0' || t === 'false' ? false : undefined),
  format: (v) => (v ? '1' : '0'),
  restarts: true,
});

/**
 * Defaults chosen so a first visit shows the effect within seconds: n = 16, m = 32 gives
 * n(n−1)/4m ≈ 1.9 expected polysemantic neurons; AdamW with lr 5e-3 and λ = 1e-2 settles
 * by about 2000 steps (seed 0 ends with 3 polysemantic neurons). The paper's own setting
 * (lr 1e-3, λ 1e-3) needs ~7500 steps; λ barely changes the count (SCIENCE.md §6 C).
 */
export const STATE_FIELDS: { [K in keyof ExplorerState]: Field<ExplorerState[K]> } = {
  n: num('n', 16),
  m: num('m', 32),
  instances: num('instances', 1),
  lambda: num('lambda', 0.01),
  optimizer: choice('opt', OPTIMIZER_NAMES, 'adamw'),
  lr: num('lr', 0.005),
  seed: num('seed', 0),
  initScale: num('init', 1),
  interference: flag('interference', true),
  noise: choice('noise', NOISE_NAMES, 'none'),
  sigma: num('sigma', 0.1),
  steps: num('steps', 2000, false),
  instance: num('show', 0, false),
  feature: num('feature', 0, false),
  speed: num('speed', 5, false),
  order: choice('order', NEURON_ORDERS, 'grouped', false),
};

export const STATE_KEYS = Object.keys(STATE_FIELDS) as Array<keyof ExplorerState>;

export function defaultState(): ExplorerState {
  const out = {} as Record<string, unknown>;
  for (const k of STATE_KEYS) out[k] = STATE_FIELDS[k].default;
  return out as unknown as ExplorerState;
}

/** Reads a query string; malformed or missing values take their default and are listed in `ignored`. */
export function readState(search: string): { state: ExplorerState; ignored: string[] } {
  const params = new URLSearchParams(search);
  const state = defaultState() as unknown as Record<string, unknown>;
  const ignored: string[] = [];
  for (const k of STATE_KEYS) {
    const field = STATE_FIELDS[k] as Field<unknown>;
    const text = params.get(field.key);
    if (text === null) continue;
    const value = field.parse(text);
    if (value === undefined) ignored.push(`${field.key}=${text}`);
    else state[k] = value;
  }
  return { state: state as unknown as ExplorerState, ignored };
}

/** Query string with only the values that differ from the defaults (short, shareable URLs). */
export function formatState(state: ExplorerState): string {
  const params = new URLSearchParams();
  for (const k of STATE_KEYS) {
    const field = STATE_FIELDS[k] as Field<unknown>;
    if (state[k] !== field.default) params.set(field.key, field.format(state[k]));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Whether going from `a` to `b` needs a fresh training run. */
export function restartsTraining(a: ExplorerState, b: ExplorerState): boolean {
  return STATE_KEYS.some((k) => STATE_FIELDS[k].restarts && a[k] !== b[k]);
}

/**
 * The training config for a state, through the core's validation (throws ConfigError
 * naming the field). `steps` is the worker's stopping point, not the trainer's: the trainer
 * gets room to continue when the user raises it. Snapshots every step feed the charts.
 * Everything that shapes the weights matches `incidental train` with the same flags.
 */
export function trainConfigOf(s: ExplorerState): TrainConfig {
  return parseConfig({
    nFeatures: s.n,
    nHidden: s.m,
    nInstances: s.instances,
    lambda: s.lambda,
    optimizer: s.optimizer,
    lr: s.lr,
    seed: s.seed,
    initScale: s.initScale,
    interference: s.interference,
    noise: s.noise,
    noiseStd: s.sigma,
    steps: TRAINER_STEP_ROOM,
    snapshotEvery: 1,
  });
}

/** The trainer's own step limit; the explorer stops earlier at `state.steps`. */
export const TRAINER_STEP_ROOM = 1e9;

/** The CLI flags that train the same model as this state (shown on the page, used by the browser test). */
export function cliFlagsOf(s: ExplorerState): string {
  const parts = [
    `--n ${s.n}`,
    `--m ${s.m}`,
    s.instances !== 1 ? `--instances ${s.instances}` : '',
    `--lambda ${s.lambda}`,
    `--optimizer ${s.optimizer}`,
    `--lr ${s.lr}`,
    `--steps ${s.steps}`,
    `--seed ${s.seed}`,
    s.initScale !== 1 ? `--init-scale ${s.initScale}` : '',
    s.interference ? '' : '--no-interference',
    s.noise !== 'none' ? `--noise ${s.noise} --noise-std ${s.sigma}` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

export type { TrainConfig };
