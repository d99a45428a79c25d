/**
 * Reading a run directory (src/io/run-dir.ts) for analysis, trusting nothing: every file is
 * parsed and checked against the others (config.json's shape against W0.npy and W.npy,
 * its runId against summary.json's, metrics lines as JSON objects with a step), and the
 * first disagreement is one UserError naming the directory, the file and what is wrong.
 * A directory mixed from two runs, half written, or edited by hand is refused, never
 * analyzed.
 *
 * @example
 *   const run = readRun('runs/a', { requireSummary: true });
 *   run.shape; // [nInstances, n, m]
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError, UserError } from '../core/errors.js';
import { parseConfig } from '../core/config.js';
import type { Snapshot } from '../core/train.js';
import { readRegularFile, readWeights, RUN_STATUSES, type RunConfigFile, type RunData, type RunSummary } from './run-dir.js';

/** JSON files of a run are small; anything larger is not one of ours. */
const MAX_JSON_BYTES = 64 * 2 ** 20;
/** metrics.jsonl of a long run with --snapshot-every 1 can be large, but not past this. */
const MAX_METRICS_BYTES = 1024 * 2 ** 20;

export interface ReadRunOptions {
  /** refuse a directory without summary.json (an unfinished or killed run); default true */
  requireSummary?: boolean;
}

/** Reads and cross-checks a run directory; see the module comment. */
export function readRun(dir: string, options: ReadRunOptions = {}): RunData {
  const requireSummary = options.requireSummary ?? true;
  checkDirectory(dir);
  const file = (f: string) => join(dir, f);
  const need = (f: string) => {
    if (!existsSync(file(f))) throw new UserError(`${dir} is not a whole run: ${f} is missing${hintIncomplete(dir)}`);
    return file(f);
  };
  const meta = readJson(need('config.json'), `${dir}/config.json`) as RunConfigFile;
  if (!isObject(meta) || !isObject(meta.config)) throw new UserError(`${dir}/config.json is not a run config: it has no "config" object`);
  try {
    meta.config = parseConfig(meta.config);
  } catch (err) {
    if (err instanceof ConfigError) throw new UserError(`${dir}/config.json: ${err.message}`);
    throw err;
  }
  const c = meta.config;
  const want = [c.nInstances, c.nFeatures, c.nHidden];
  const W0 = readWeights(need('W0.npy'), `${dir}/W0.npy`);
  const W = readWeights(need('W.npy'), `${dir}/W.npy`);
  for (const [name, arr] of [['W0.npy', W0], ['W.npy', W]] as const) {
    if (arr.shape.join() !== want.join()) {
      throw new UserError(`${dir}: ${name} has shape (${arr.shape.join(', ')}) but config.json says (${want.join(', ')}); the files are not from one run`);
    }
  }
  const snapshots = readMetrics(dir);
  const summary = readSummary(dir, meta, requireSummary);
  return { dir, meta, shape: want as [number, number, number], W0: W0.data, W: W.data, snapshots, summary };
}

function checkDirectory(dir: string): void {
  if (typeof dir !== 'string' || dir === '') throw new UserError(`invalid run directory: must name a directory (got ${JSON.stringify(dir)})`);
  if (!existsSync(dir)) throw new UserError(`no such run directory: ${dir}${hintIncomplete(dir)}`);
  if (!statSync(dir).isDirectory()) throw new UserError(`${dir} is not a directory`);
}

/** Points at staging siblings a killed or running `train` left next to `dir`. */
function hintIncomplete(dir: string): string {
  const parent = dirname(resolve(dir));
  const base = basename(dir.replace(/[/\\]+$/, ''));
  if (base.includes('.incomplete-')) return ' (this is the staging directory of a train that was killed or is still running)';
  try {
    const near = readdirSync(parent).filter((n) => n.startsWith(`${base}.incomplete-`) || n.startsWith(`${base}.replaced-`));
    return near.length > 0 ? ` (a train into it was killed or is running: see ${near.join(', ')})` : '';
  } catch {
    return '';
  }
}

function readJson(path: string, what: string, maxBytes = MAX_JSON_BYTES): unknown {
  const text = new TextDecoder().decode(readRegularFile(path, what, maxBytes));
  if (text.trim() === '') throw new UserError(`${what} is empty`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`${what} is not valid JSON (${(err as Error).message})`);
  }
}

function readMetrics(dir: string): Snapshot[] {
  const path = join(dir, 'metrics.jsonl');
  if (!existsSync(path)) throw new UserError(`${dir} is not a whole run: metrics.jsonl is missing${hintIncomplete(dir)}`);
  const text = new TextDecoder().decode(readRegularFile(path, `${dir}/metrics.jsonl`, MAX_METRICS_BYTES));
  const out: Snapshot[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    let s: unknown;
    try {
      s = JSON.parse(lines[i]);
    } catch {
      throw new UserError(`${dir}/metrics.jsonl line ${i + 1} is not valid JSON`);
    }
    if (!isObject(s) || !Number.isInteger(s.step) || !Array.isArray(s.loss)) {
      throw new UserError(`${dir}/metrics.jsonl line ${i + 1} is not a snapshot (needs an integer "step" and a "loss" array)`);
    }
    out.push(s as unknown as Snapshot);
  }
  return out;
}

function readSummary(dir: string, meta: RunConfigFile, required: boolean): RunSummary | null {
  const path = join(dir, 'summary.json');
  if (!existsSync(path)) {
    if (!required) return null;
    throw new UserError(`${dir} is not a whole run: summary.json is missing (training was killed or is still running)${hintIncomplete(dir)}`);
  }
  const s = readJson(path, `${dir}/summary.json`) as RunSummary;
  if (!isObject(s)) throw new UserError(`${dir}/summary.json is not a run summary (got ${JSON.stringify(s)})`);
  if (!RUN_STATUSES.includes(s.status)) {
    throw new UserError(`${dir}/summary.json has status ${JSON.stringify(s.status)}; expected one of ${RUN_STATUSES.join(', ')}`);
  }
  if ((s.runId ?? null) !== (meta.runId ?? null)) {
    throw new UserError(`${dir}: summary.json (run ${s.runId ?? 'unknown'}) and config.json (run ${meta.runId ?? 'unknown'}) come from different runs`);
  }
  if (!Number.isInteger(s.steps) || s.steps < 0) throw new UserError(`${dir}/summary.json: "steps" must be an integer >= 0 (got ${JSON.stringify(s.steps)})`);
  if (s.nFeatures !== undefined && s.nFeatures !== meta.config.nFeatures) {
    throw new UserError(`${dir}: summary.json says n = ${s.nFeatures} but config.json says n = ${meta.config.nFeatures}; the files are not from one run`);
  }
  return s;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
