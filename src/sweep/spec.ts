/**
 * Sweep specs, in the keys researchers know from W&B sweeps, with `train`'s option names
 * as parameter names (the same names as the run store's columns, src/store/columns.ts):
 *
 *   method: grid              # or random (then run_cap, and sampler_seed for the sampler)
 *   parameters:
 *     n: {value: 64}          # fixed
 *     m: {values: [64, 128]}  # grid axis (random: drawn uniformly from the list)
 *     lambda: {distribution: log_uniform_values, min: 1e-4, max: 1e-1}   # random only
 *   points: [{m: 512, lambda: 0.01}]   # explicit points on top of the fixed values
 *   seeds: [0, 1, 2, 3]       # or a count: 4 means 0..3
 *
 * `parseSweepSpec` checks everything and throws a ConfigError naming the field
 * ("parameters.m.values[1]: …"); `expandSweep` turns a spec into validated configs.
 */
import { parseConfig, type TrainConfig } from '../core/config.js';
import { ConfigError, UserError } from '../core/errors.js';
import { createStreams } from '../core/rng.js';
import { findParam, PARAM_COLUMNS, type ParamColumn } from '../store/columns.js';

export const METHODS = ['grid', 'random'] as const;
export const DISTRIBUTIONS = ['uniform', 'log_uniform_values', 'int_uniform'] as const;
const TOP_KEYS = ['name', 'description', 'method', 'parameters', 'points', 'seeds', 'run_cap', 'sampler_seed'] as const;

export type Distribution = (typeof DISTRIBUTIONS)[number];

export type ParamSpec =
  | { kind: 'value'; param: ParamColumn; value: unknown }
  | { kind: 'values'; param: ParamColumn; values: unknown[] }
  | { kind: 'distribution'; param: ParamColumn; distribution: Distribution; min: number; max: number };

export interface SweepSpec {
  name: string;
  method: (typeof METHODS)[number];
  parameters: ParamSpec[];
  /** explicit points: config field → value */
  points: Array<Partial<Record<keyof TrainConfig, unknown>>>;
  seeds: number[];
  /** random: configs to draw; grid: at most this many configs (default: all) */
  runCap: number | null;
  samplerSeed: number;
}

/** A planned sweep run: its validated config (seed included) and the swept values for labels. */
export interface SweepRun {
  config: TrainConfig;
  label: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (field: string, value: unknown, reason: string): never => {
  throw new ConfigError(field, value, reason);
};

/** One value for one parameter, checked alone through the config's own validation. */
function checkValue(param: ParamColumn, value: unknown, field: string): unknown {
  try {
    parseConfig({ [param.field]: value });
  } catch (err) {
    if (err instanceof ConfigError && !err.field.includes('×')) fail(field, value, err.reason);
    if (!(err instanceof ConfigError)) throw err;
  }
  return value;
}

function lookupParam(name: string, field: string): ParamColumn {
  if (name === 'seed') fail(field, name, 'the seeds are the top-level `seeds` list, not a parameter');
  const p = findParam(name);
  if (!p) fail(field, name, `unknown option; known: ${PARAM_COLUMNS.filter((c) => c.field !== 'seed').map((c) => c.option).join(', ')}`);
  return p!;
}

function parseParam(name: string, raw: unknown, method: string): ParamSpec {
  const at = `parameters.${name}`;
  const param = lookupParam(name, at);
  if (!isObject(raw)) return fail(at, raw, 'must be a map with `value`, `values` or `distribution`');
  const keys = Object.keys(raw);
  for (const k of keys) if (!['value', 'values', 'distribution', 'min', 'max'].includes(k)) fail(`${at}.${k}`, raw[k], 'unknown key; use value, values, or distribution with min and max');
  if ('value' in raw) {
    if (keys.length > 1) fail(at, raw, '`value` stands alone');
    return { kind: 'value', param, value: checkValue(param, raw.value, `${at}.value`) };
  }
  if ('values' in raw) {
    if (keys.length > 1) fail(at, raw, '`values` stands alone');
    const values = raw.values;
    if (!Array.isArray(values) || values.length === 0) return fail(`${at}.values`, values, 'must be a non-empty list');
    return { kind: 'values', param, values: values.map((v, i) => checkValue(param, v, `${at}.values[${i}]`)) };
  }
  if ('distribution' in raw) {
    const d = raw.distribution;
    if (!(DISTRIBUTIONS as readonly unknown[]).includes(d)) fail(`${at}.distribution`, d, `must be one of ${DISTRIBUTIONS.join(', ')}`);
    if (method !== 'random') fail(`${at}.distribution`, d, 'distributions need method: random (a grid takes `values`)');
    if (param.kind !== 'number' && param.kind !== 'int') fail(`${at}.distribution`, d, `${param.option} is not numeric; use values`);
    const min = raw.min;
    const max = raw.max;
    if (typeof min !== 'number' || !Number.isFinite(min)) fail(`${at}.min`, min, 'must be a finite number');
    if (typeof max !== 'number' || !Number.isFinite(max) || max <= (min as number)) fail(`${at}.max`, max, `must be a finite number > min (${String(min)})`);
    if (d === 'log_uniform_values' && (min as number) <= 0) fail(`${at}.min`, min, 'must be > 0 for log_uniform_values');
    if (d === 'int_uniform' && !(Number.isInteger(min) && Number.isInteger(max))) fail(`${at}`, raw, 'int_uniform needs integer min and max');
    checkValue(param, min, `${at}.min`);
    checkValue(param, max, `${at}.max`);
    return { kind: 'distribution', param, distribution: d as Distribution, min: min as number, max: max as number };
  }
  return fail(at, raw, 'must have `value`, `values` or `distribution`');
}

function parseSeeds(raw: unknown): number[] {
  if (raw === undefined) return [0];
  const seeds = typeof raw === 'number' ? (Number.isInteger(raw) && raw >= 1 ? Array.from({ length: raw }, (_, i) => i) : fail('seeds', raw, 'must be a count >= 1 or a list of seeds')) : raw;
  if (!Array.isArray(seeds) || seeds.length === 0) return fail('seeds', raw, 'must be a count >= 1 or a non-empty list of seeds');
  seeds.forEach((s, i) => {
    if (!(typeof s === 'number' && Number.isInteger(s) && s >= 0 && s < 2 ** 32)) fail(`seeds[${i}]`, s, 'must be an integer in [0, 2^32)');
  });
  if (new Set(seeds).size !== seeds.length) fail('seeds', raw, 'lists a seed twice');
  return seeds as number[];
}

/** Validates a parsed YAML/JSON document; `name` defaults to `fallbackName`. */
export function parseSweepSpec(doc: unknown, fallbackName = 'sweep'): SweepSpec {
  if (!isObject(doc)) return fail('spec', doc, 'must be a map with method, parameters and seeds');
  for (const k of Object.keys(doc)) if (!(TOP_KEYS as readonly string[]).includes(k)) fail(k, doc[k], `unknown key; known keys are ${TOP_KEYS.join(', ')}`);
  const method = doc.method ?? 'grid';
  if (!(METHODS as readonly unknown[]).includes(method)) fail('method', method, `must be one of ${METHODS.join(', ')}`);
  const rawParams = doc.parameters ?? {};
  if (!isObject(rawParams)) fail('parameters', rawParams, 'must be a map from option name to {value | values | distribution}');
  const parameters = Object.entries(rawParams as Record<string, unknown>).map(([name, raw]) => parseParam(name, raw, method as string));
  const fields = parameters.map((p) => p.param.field);
  const dup = fields.find((f, i) => fields.indexOf(f) !== i);
  if (dup) fail('parameters', Object.keys(rawParams as object), `names ${dup} twice`);
  const rawPoints = doc.points ?? [];
  if (!Array.isArray(rawPoints)) fail('points', rawPoints, 'must be a list of maps option → value');
  const points = (rawPoints as unknown[]).map((pt, i) => {
    if (!isObject(pt)) return fail(`points[${i}]`, pt, 'must be a map option → value');
    const out: Partial<Record<keyof TrainConfig, unknown>> = {};
    for (const [name, v] of Object.entries(pt)) {
      const p = lookupParam(name, `points[${i}].${name}`);
      out[p.field] = checkValue(p, v, `points[${i}].${name}`);
    }
    return out;
  });
  const runCap = doc.run_cap;
  if (runCap !== undefined && !(typeof runCap === 'number' && Number.isInteger(runCap) && runCap >= 1)) fail('run_cap', runCap, 'must be an integer >= 1');
  if (method === 'random' && runCap === undefined) fail('run_cap', runCap, 'method: random needs run_cap (how many configs to draw)');
  const samplerSeed = doc.sampler_seed ?? 0;
  if (!(typeof samplerSeed === 'number' && Number.isInteger(samplerSeed) && samplerSeed >= 0 && samplerSeed < 2 ** 32)) fail('sampler_seed', samplerSeed, 'must be an integer in [0, 2^32)');
  const name = doc.name ?? fallbackName;
  if (typeof name !== 'string' || !name) fail('name', name, 'must be a non-empty string');
  return {
    name: name as string,
    method: method as SweepSpec['method'],
    parameters,
    points,
    seeds: parseSeeds(doc.seeds),
    runCap: (runCap as number | undefined) ?? null,
    samplerSeed: samplerSeed as number,
  };
}

/** Every run of a sweep: configs (grid, random draws, points) × seeds, each validated; duplicates kept once. */
export function expandSweep(spec: SweepSpec): SweepRun[] {
  const base: Record<string, unknown> = {};
  for (const p of spec.parameters) if (p.kind === 'value') base[p.param.field] = p.value;
  const axes = spec.parameters.filter((p) => p.kind !== 'value');
  const combos: Array<Record<string, unknown>> = [];
  if (spec.method === 'grid') {
    let grid: Array<Record<string, unknown>> = [{}];
    for (const a of axes) {
      if (a.kind !== 'values') continue;
      grid = grid.flatMap((g) => a.values.map((v) => ({ ...g, [a.param.field]: v })));
    }
    combos.push(...(axes.length || !spec.points.length ? grid : []).slice(0, spec.runCap ?? Infinity));
  } else {
    const rng = createStreams(spec.samplerSeed, 1)[0];
    for (let k = 0; k < spec.runCap!; k++) {
      const c: Record<string, unknown> = {};
      for (const a of axes) c[a.param.field] = draw(a, () => rng.nextDouble());
      combos.push(c);
    }
  }
  combos.push(...spec.points);
  const swept = new Set([...axes.map((a) => a.param.field as string), ...spec.points.flatMap((p) => Object.keys(p))]);
  const runs: SweepRun[] = [];
  const seen = new Set<string>();
  combos.forEach((combo, i) => {
    for (const seed of spec.seeds) {
      let config: TrainConfig;
      try {
        config = parseConfig({ ...base, ...combo, seed });
      } catch (err) {
        if (err instanceof ConfigError) throw new UserError(`invalid sweep run ${describe(combo, swept)} seed=${seed} (${i < combos.length - spec.points.length ? 'grid/random' : 'points'}): ${err.message}`);
        throw err;
      }
      const id = JSON.stringify(config);
      if (seen.has(id)) continue;
      seen.add(id);
      runs.push({ config, label: `${describe(config, swept)} seed=${seed}`.trim() });
    }
  });
  return runs;
}

function draw(a: ParamSpec, u: () => number): unknown {
  if (a.kind === 'values') return a.values[Math.floor(u() * a.values.length)];
  if (a.kind !== 'distribution') return (a as { value: unknown }).value;
  const x = u();
  if (a.distribution === 'uniform') return a.param.kind === 'int' ? Math.round(a.min + x * (a.max - a.min)) : a.min + x * (a.max - a.min);
  if (a.distribution === 'int_uniform') return a.min + Math.floor(x * (a.max - a.min + 1));
  return Math.exp(Math.log(a.min) + x * (Math.log(a.max) - Math.log(a.min)));
}

function describe(values: Record<string, unknown>, swept: Set<string>): string {
  return PARAM_COLUMNS.filter((p) => swept.has(p.field) && p.field in values)
    .map((p) => `${p.option}=${String(values[p.field])}`)
    .join(' ');
}
