/**
 * The run cache of `incidental reproduce`: OUT/runs/<key>/ in the format of
 * src/io/run-dir.ts (config.json, W0.npy, W.npy, metrics.jsonl, summary.json). The key is
 * a hash of the training config alone (seed included), so experiments that need the same
 * run (B, C at λ = 10⁻³, D, F at n = 64) share it. A run is written under a temporary
 * name and renamed when complete, so a kill leaves either a finished run or a stale
 * partial directory that the next call removes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULTS, type TrainConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { readRun } from '../io/read-run.js';
import type { RunSummary } from '../io/run-dir.js';
import type { RunOutcome } from './types.js';

/** Bump when the meaning of a cached run changes, so old caches are not reused. */
export const CACHE_FORMAT = 1;

/** Fields that do not change the result (threads: bit-identical by design) are left out of the key. */
const NOT_IN_KEY: ReadonlyArray<keyof TrainConfig> = ['threads', 'memoryLimitMiB'];

/**
 * Fields of the general model (SCIENCE.md §8), added after CACHE_FORMAT 1: left out of the key
 * while at their default, so a paper-setting run keeps the key it had before they existed
 * (and its cache). A data file enters the key by path; its content hash is in config.json.
 */
const GENERAL_FIELDS: ReadonlyArray<keyof TrainConfig> = ['data', 'featureProbability', 'magnitude', 'batch', 'dataFile', 'hidden', 'untied'];

/** Stable JSON: keys sorted, so the hash does not depend on property order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** 16 hex digits of sha256 over the cache format and the config (minus fields that do not affect results). */
export function runKey(config: TrainConfig): string {
  const keyed: Record<string, unknown> = { ...config };
  for (const f of NOT_IN_KEY) delete keyed[f];
  for (const f of GENERAL_FIELDS) if (keyed[f] === DEFAULTS[f]) delete keyed[f];
  return createHash('sha256').update(canonical({ format: CACHE_FORMAT, config: keyed })).digest('hex').slice(0, 16);
}

export const runsDir = (out: string) => join(out, 'runs');
export const runDir = (out: string, key: string) => join(runsDir(out), key);

/** Name of the temporary directory a run is written to before its rename. */
export const partialDir = (dir: string, tag: string) => `${dir}.partial-${process.pid}-${tag}`;

function readSummary(dir: string): RunSummary | null {
  const p = join(dir, 'summary.json');
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as RunSummary;
  } catch {
    return null;
  }
}

/**
 * A run counts as cached when its summary says finished (or diverged: rerunning would
 * diverge again) and its files read back whole and agree (readRun); a damaged cached run
 * (invalid config.json, a truncated W.npy, a directory where a file belongs) is not cached,
 * so it is retrained instead of failing the report.
 */
export function isCached(dir: string): boolean {
  const s = readSummary(dir);
  if (s === null || (s.status !== 'finished' && s.status !== 'diverged')) return false;
  try {
    readRun(dir, { requireSummary: true });
    return true;
  } catch (err) {
    if (err instanceof UserError) return false;
    throw err;
  }
}

/** Loads a cached run for analysis; a diverged run is a UserError naming its directory. */
export function loadOutcome(dir: string, label: string): RunOutcome {
  const run = readRun(dir);
  const s = run.summary;
  if (!s || s.status !== 'finished') {
    throw new UserError(`run "${label}" (${dir}) did not finish (${s?.status ?? 'no summary'}${s?.error ? `: ${s.error}` : ''}); rerun with --fresh or lower its learning rate`);
  }
  return {
    config: run.meta.config,
    shape: run.shape,
    W0: run.W0,
    W: run.W,
    snapshots: run.snapshots,
    backend: run.meta.backend,
    wallTimeSeconds: s.wallTimeSeconds,
  };
}

export function readRunSummary(dir: string): RunSummary | null {
  return readSummary(dir);
}

/** Removes partial directories left by processes that are no longer running. */
export function removeStalePartials(out: string): number {
  const dir = runsDir(out);
  if (!existsSync(dir)) return 0;
  let removed = 0;
  for (const name of readdirSync(dir)) {
    const m = /\.partial-(\d+)-/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && isAlive(pid)) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
