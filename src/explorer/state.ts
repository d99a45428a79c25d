/**
 * The explorer's whole UI state, and its URL form. One map, name → {key, default, parse,
 * format}, drives reading the query string, writing it back and the reset-to-defaults, so a
 * view can be shared by copying the address bar (tensorflow/playground's state.ts, without
 * globals).
 *
 * Training fields are not declared here: they are the config fields that carry an `explorer`
 * entry in the core's table (src/core/config.ts CONFIG_FIELDS), under their TrainConfig names,
 * validated by the core's parseConfig, so a bad value gets the same message as on the CLI.
 * View fields (instance shown, feature, speed, order) never restart training; nor does
 * `steps`, which is where the page stops training.
 *
 * @example
 *   const state = readState('?n=16&m=32&seed=3');
 *   location.search = formatState({ ...state, lr: 0.01 });
 */
import { CONFIG_FIELDS, CONFIG_KEYS, DEFAULTS, parseConfig, type ConfigField, type ConfigKey, type TrainConfig } from '../core/config.js';

export const NEURON_ORDERS = ['grouped', 'index'] as const;
export type NeuronOrder = (typeof NEURON_ORDERS)[number];
export const SPEEDS = [1, 2, 5, 10, 25, 100] as const;

/** What the page shows, besides the training config. */
export interface ViewState {
  /** which instance the views show */
  instance: number;
  /** feature shown in the sparsification race */
  feature: number;
  /** steps per animation frame */
  speed: number;
  order: NeuronOrder;
}

/**
 * The training config (the fields in the explorer; the others stay at their defaults) plus
 * the view. `steps` is where the page stops training (changing it does not restart).
 */
export type ExplorerState = TrainConfig & ViewState;

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
const flag = (key: string, def: boolean, restarts = true): Field<boolean> => ({
  key,
  default: def,
  parse: (t) => (t === '1' || t === 'true' ? true : t === '0' || t === 'false' ? false : undefined),
  format: (v) => (v ? '1' : '0'),
  restarts,
});
const text = (key: string, def: string, restarts = true): Field<string> => ({ key, default: def, parse: (t) => t, format: (v) => v, restarts });

/** The config fields the explorer shows, in table order. */
export const TRAINING_KEYS = CONFIG_KEYS.filter((k) => CONFIG_FIELDS[k].explorer !== undefined);

/** The URL field of a config field, derived from its table entry. */
function urlField(k: ConfigKey): Field<unknown> {
  const f = CONFIG_FIELDS[k] as ConfigField<unknown>;
  const e = f.explorer!;
  const def = e.default ?? f.default;
  const restarts = e.restarts ?? true;
  if (f.kind === 'int' || f.kind === 'number') return num(e.url, def as number, restarts) as Field<unknown>;
  if (f.kind === 'boolean') return flag(e.url, def as boolean, restarts) as Field<unknown>;
  if (f.kind === 'choice') return choice(e.url, e.choices ?? f.choices!, def as string, restarts) as Field<unknown>;
  return text(e.url, def as string, restarts) as Field<unknown>;
}

/**
 * Defaults chosen so a first visit shows the effect within seconds (the `explorer.default`
 * entries of the table): n = 16, m = 32 gives n(n−1)/4m ≈ 1.9 expected polysemantic neurons;
 * AdamW with lr 5e-3 and λ = 1e-2 settles by about 2000 steps (seed 0 ends with 3
 * polysemantic neurons). The paper's own setting (lr 1e-3, λ 1e-3) needs ~7500 steps; λ
 * barely changes the count (SCIENCE.md §6 C).
 */
export const STATE_FIELDS: Record<string, Field<unknown>> = {
  ...Object.fromEntries(TRAINING_KEYS.map((k) => [k, urlField(k)])),
  instance: num('show', 0, false),
  feature: num('feature', 0, false),
  speed: num('speed', 5, false),
  order: choice('order', NEURON_ORDERS, 'grouped', false),
} as Record<string, Field<unknown>>;

export const STATE_KEYS = Object.keys(STATE_FIELDS) as Array<keyof ExplorerState>;

export function defaultState(): ExplorerState {
  const out: Record<string, unknown> = { ...DEFAULTS };
  for (const k of STATE_KEYS) out[k] = STATE_FIELDS[k].default;
  return out as unknown as ExplorerState;
}

/** Reads a query string; malformed or missing values take their default and are listed in `ignored`. */
export function readState(search: string): { state: ExplorerState; ignored: string[] } {
  const params = new URLSearchParams(search);
  const state = defaultState() as unknown as Record<string, unknown>;
  const ignored: string[] = [];
  for (const k of STATE_KEYS) {
    const field = STATE_FIELDS[k];
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
    const field = STATE_FIELDS[k];
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
  const input: Record<string, unknown> = {};
  for (const k of TRAINING_KEYS) input[k] = s[k];
  return parseConfig({ ...input, steps: TRAINER_STEP_ROOM, snapshotEvery: 1 });
}

/** The trainer's own step limit; the explorer stops earlier at `state.steps`. */
export const TRAINER_STEP_ROOM = 1e9;

/** Fields always written in the CLI command (the rest only when they differ from the CLI defaults). */
const ALWAYS_SHOWN: ReadonlySet<ConfigKey> = new Set<ConfigKey>(['nFeatures', 'nHidden', 'lambda', 'optimizer', 'lr', 'steps', 'seed']);

/** The CLI flags that train the same model as this state (shown on the page, used by the browser test). */
export function cliFlagsOf(s: ExplorerState): string {
  const parts: string[] = [];
  for (const k of TRAINING_KEYS) {
    const f = CONFIG_FIELDS[k] as ConfigField<unknown>;
    const v = s[k];
    if (!ALWAYS_SHOWN.has(k) && v === f.default) continue;
    if (f.kind === 'boolean') {
      // a switch flag names the non-default value (--no-interference, --untied)
      if (v !== f.default) parts.push(f.flag);
    } else parts.push(`${f.flag} ${String(v)}`);
  }
  return parts.join(' ');
}

export type { TrainConfig };
