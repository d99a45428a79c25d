/**
 * A run directory, the unit every command reads and writes:
 *   config.json    { tool, version, createdAt, runId, config: TrainConfig, init, data, backend, dtype }
 *   W0.npy, W.npy  float32 (nInstances, nFeatures, nHidden), little-endian, C order: the
 *                  encoder (the tied weights, or the encoder of an untied model)
 *   W0_dec.npy, W_dec.npy  the decoder, same shape, only for --untied
 *   metrics.jsonl  one Snapshot per line, appended as training goes
 *   summary.json   RunSummary (written last; carries the same runId as config.json)
 *
 * Writers stage the whole directory and rename it into place (src/io/staged-dir.ts).
 * `readRun` checks that the files belong together (the same runId, shapes that match the
 * config, a summary whose status says how the run ended) and refuses anything else with
 * one line naming the file, so a damaged or mixed directory is never analyzed.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, type TrainConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import type { Snapshot } from '../core/train.js';
import type { DataSourceRecord } from './data-file.js';
import { fsUserError } from './fs-errors.js';
import { decodeNpy, encodeNpy, NPY_MAX_BYTES } from './npy.js';

export interface RunConfigFile {
  tool: 'incidental';
  version: string;
  createdAt: string;
  /** random id shared with summary.json: both files come from the same run */
  runId?: string;
  config: TrainConfig;
  /** "seed" or the path of the .npy the weights were loaded from */
  init: string;
  /** the data source: { kind: 'onehot' | 'bernoulli' } or a data file's path, sha256, shape and dtype (absent before 0.2) */
  data?: { kind: string } | DataSourceRecord;
  backend: string;
  dtype: string;
}

export interface RunSummary {
  status: 'finished' | 'diverged' | 'interrupted';
  /** the runId of config.json */
  runId?: string;
  error?: string;
  steps: number;
  finalLoss: number[];
  wallTimeSeconds: number;
  stepsPerSecond: number;
  backend: string;
  threads: number;
  /** per instance: features with exactly one |w| in [0.8, 1.2] and every other |w| < 0.1 */
  oneHotFeatures: number[];
  nFeatures: number;
}

export interface RunData {
  dir: string;
  meta: RunConfigFile;
  /** [nInstances, nFeatures, nHidden] */
  shape: [number, number, number];
  W0: Float32Array;
  W: Float32Array;
  snapshots: Snapshot[];
  summary: RunSummary | null;
}

export const RUN_STATUSES: ReadonlyArray<RunSummary['status']> = ['finished', 'diverged', 'interrupted'];

/** 16 random hex digits identifying one run's files. */
export function newRunId(): string {
  return randomBytes(8).toString('hex');
}

/**
 * Writes atomically (temp file + rename) so an interrupted write never leaves half a file;
 * on a failure (a full disk) the temp file is removed, the old file is untouched, and the
 * error is one line naming the path.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw fsUserError(err, `writing ${path}`);
  }
}

export function writeWeights(path: string, W: Float32Array, shape: readonly number[]): void {
  writeFileAtomic(path, encodeNpy(W, shape));
}

/**
 * Reads a float32/float64 .npy as Float32Array. Refuses, in one line, what is not a regular
 * file (a directory, a device such as /dev/zero, a FIFO) and files over NPY_MAX_BYTES,
 * before reading anything.
 */
export function readWeights(path: string, what = path): { data: Float32Array; shape: number[] } {
  const bytes = readRegularFile(path, what, NPY_MAX_BYTES);
  const arr = decodeNpy(bytes, what);
  const data = arr.data instanceof Float32Array ? arr.data : Float32Array.from(arr.data);
  return { data, shape: arr.shape };
}

/** The bytes of a regular file of at most `maxBytes`; anything else is a one-line UserError. */
export function readRegularFile(path: string, what = path, maxBytes = NPY_MAX_BYTES): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`no such file: ${what}`);
    throw fsUserError(err, `cannot read ${what}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UserError(`${what} is a directory, not a file`);
    if (!st.isFile()) throw new UserError(`${what} is not a regular file (a device, pipe or socket cannot be read as data)`);
    if (st.size > maxBytes) {
      throw new UserError(`${what} is ${(st.size / 2 ** 30).toFixed(2)} GiB, over the ${(maxBytes / 2 ** 30).toFixed(0)} GiB this reader accepts`);
    }
    const out = new Uint8Array(st.size);
    let at = 0;
    while (at < out.length) {
      const n = readSync(fd, out, at, out.length - at, at);
      if (n === 0) break;
      at += n;
    }
    return at === out.length ? out : out.subarray(0, at);
  } catch (err) {
    throw fsUserError(err, `cannot read ${what}`);
  } finally {
    closeSync(fd);
  }
}

export class RunWriter {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'metrics.jsonl'), '');
  }
  writeConfig(meta: RunConfigFile): void {
    writeFileAtomic(join(this.dir, 'config.json'), JSON.stringify(meta, null, 2) + '\n');
  }
  /** One append for a whole chunk of snapshots (nothing is written for none). */
  appendSnapshots(list: readonly Snapshot[]): void {
    if (list.length === 0) return;
    appendFileSync(join(this.dir, 'metrics.jsonl'), list.map((s) => JSON.stringify(s)).join('\n') + '\n');
  }
  appendSnapshot(s: Snapshot): void {
    this.appendSnapshots([s]);
  }
  writeSummary(s: RunSummary): void {
    writeFileAtomic(join(this.dir, 'summary.json'), JSON.stringify(s, null, 2) + '\n');
  }
}

/** A whole run held in memory (a job runner result), for writeRunFiles. */
export interface RunFiles {
  meta: RunConfigFile;
  /** Float32Array [nInstances, n, m] */
  W0: Float32Array;
  W: Float32Array;
  /** untied runs: the decoder, written as W0_dec.npy and W_dec.npy */
  W0dec?: Float32Array;
  Wdec?: Float32Array;
  snapshots: readonly Snapshot[];
  summary: RunSummary;
}

/**
 * Writes a complete run into `dir`, a new staging directory the caller renames into place
 * whole: plain writes, no per-file temp-and-rename (the directory rename is the atomic step).
 */
export function writeRunFiles(dir: string, run: RunFiles): void {
  const shape = [run.meta.config.nInstances, run.meta.config.nFeatures, run.meta.config.nHidden];
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(run.meta, null, 2) + '\n');
  writeFileSync(join(dir, 'W0.npy'), encodeNpy(run.W0, shape));
  writeFileSync(join(dir, 'metrics.jsonl'), run.snapshots.map((s) => JSON.stringify(s) + '\n').join(''));
  writeFileSync(join(dir, 'W.npy'), encodeNpy(run.W, shape));
  if (run.W0dec) writeFileSync(join(dir, 'W0_dec.npy'), encodeNpy(run.W0dec, shape));
  if (run.Wdec) writeFileSync(join(dir, 'W_dec.npy'), encodeNpy(run.Wdec, shape));
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(run.summary, null, 2) + '\n');
}
