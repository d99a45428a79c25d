/**
 * The run store's columns, derived from the config's field table (CONFIG_FIELDS in
 * src/core/config.ts) rather than listed again: each training option becomes a typed
 * column (its kind decides the SQL type) named after its command-line option (`--init-scale` → `init_scale`, `--no-benefit`
 * → `benefit`), so a field added to the config becomes a column by itself. The same names
 * are a sweep's parameter names (with `-` or `_`).
 */
import { CONFIG_FIELDS, CONFIG_KEYS, type ConfigField, type FieldKind, type TrainConfig } from '../core/config.js';

export interface ParamColumn {
  /** SQL column name, e.g. "init_scale" */
  column: string;
  /** the command-line option it comes from, without dashes, e.g. "init-scale" */
  option: string;
  field: keyof TrainConfig;
  /** booleans are stored as 0/1 */
  sqlType: 'INTEGER' | 'REAL' | 'TEXT';
  kind: FieldKind;
}

/** `--init-scale <x>` → "init-scale"; `--no-benefit` → "benefit". */
export function optionName(field: keyof TrainConfig): string {
  return CONFIG_FIELDS[field].flag.replace(/^--/, '').replace(/^no-/, '');
}

const SQL_TYPES: Record<FieldKind, ParamColumn['sqlType']> = { int: 'INTEGER', boolean: 'INTEGER', number: 'REAL', choice: 'TEXT', string: 'TEXT' };

/** One column per config field, in declaration order. */
export const PARAM_COLUMNS: readonly ParamColumn[] = CONFIG_KEYS.map((field) => {
  const option = optionName(field);
  const kind = (CONFIG_FIELDS[field] as ConfigField<unknown>).kind;
  return { column: option.replace(/-/g, '_'), option, field, kind, sqlType: SQL_TYPES[kind] };
});

/** Looks a parameter up by option name, column name or config field name. */
export function findParam(name: string): ParamColumn | undefined {
  return PARAM_COLUMNS.find((p) => p.option === name || p.column === name || p.field === name);
}

/** The main results, one typed column each (means over the run's instances). */
export const RESULT_COLUMNS = [
  ['polysemantic', 'REAL', 'polysemantic neurons, mean over instances (≥ 2 features with |W_ik| in [0.8, 1.2])'],
  ['polysemantic_std', 'REAL', 'their standard deviation over instances'],
  ['monosemantic', 'REAL', 'monosemantic neurons, mean over instances'],
  ['dead', 'REAL', 'neurons with no feature, mean over instances'],
  ['collisions', 'REAL', 'pairs of features sharing their largest initial weight, mean'],
  ['benign_collisions', 'REAL', 'of them with opposite signs, mean'],
  ['malign_collisions', 'REAL', 'of them with the same sign, mean'],
  ['one_hot', 'REAL', 'features with a one-hot final encoding, mean over instances'],
  ['final_loss', 'REAL', 'final loss, mean over instances'],
  ['steps_done', 'INTEGER', 'steps trained (the step of divergence for a diverged run)'],
  ['wall_time', 'REAL', 'training seconds (a packed run: its pack\'s)'],
  ['backend', 'TEXT', 'backend that trained it (wasm, reference)'],
  ['worker', 'TEXT', 'where it trained ("local" or "<host> pid <pid>")'],
  ['dir', 'TEXT', 'its run directory (config.json, W0.npy, W.npy, metrics.jsonl, summary.json)'],
  ['sweep', 'TEXT', 'the sweep or reproduce call that stored it'],
  ['created_at', 'TEXT', 'when it was stored (ISO 8601, UTC)'],
  ['version', 'TEXT', 'incidental version that trained it'],
  ['error', 'TEXT', 'why it diverged, if it did'],
  ['config_json', 'TEXT', 'the full config as JSON'],
  ['counts_json', 'TEXT', 'per-instance analysis counts as JSON {name: [per instance]}'],
] as const;

export type ResultColumn = (typeof RESULT_COLUMNS)[number][0];
