/**
 * A run directory, the unit every command reads and writes:
 *   config.json    { tool, version, createdAt, config: TrainConfig, init, backend, dtype }
 *   W0.npy, W.npy  float32 (nInstances, nFeatures, nHidden), little-endian, C order
 *   metrics.jsonl  one Snapshot per line, appended as training goes
 *   summary.json   RunSummary
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import type { Snapshot } from '../core/train.js';
import { decodeNpy, encodeNpy } from './npy.js';

export interface RunConfigFile {
  tool: 'incidental';
  version: string;
  createdAt: string;
  config: TrainConfig;
  /** "seed" or the path of the .npy the weights were loaded from */
  init: string;
  backend: string;
  dtype: string;
}

export interface RunSummary {
  status: 'finished' | 'diverged' | 'interrupted';
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

/** Writes atomically (temp file + rename) so an interrupted write never leaves half a file. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function writeWeights(path: string, W: Float32Array, shape: readonly number[]): void {
  writeFileAtomic(path, encodeNpy(W, shape));
}

export function readWeights(path: string): { data: Float32Array; shape: number[] } {
  if (!existsSync(path)) throw new UserError(`no such file: ${path}`);
  const arr = decodeNpy(new Uint8Array(readFileSync(path)), path);
  const data = arr.data instanceof Float32Array ? arr.data : Float32Array.from(arr.data);
  return { data, shape: arr.shape };
}

export class RunWriter {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'metrics.jsonl'), '');
  }
  writeConfig(meta: RunConfigFile): void {
    writeFileAtomic(join(this.dir, 'config.json'), JSON.stringify(meta, null, 2) + '\n');
  }
  appendSnapshot(s: Snapshot): void {
    appendFileSync(join(this.dir, 'metrics.jsonl'), JSON.stringify(s) + '\n');
  }
  writeSummary(s: RunSummary): void {
    writeFileAtomic(join(this.dir, 'summary.json'), JSON.stringify(s, null, 2) + '\n');
  }
}

/** Reads a run directory written by `incidental train`; errors name the missing file. */
export function readRun(dir: string): RunData {
  const need = (f: string) => {
    const p = join(dir, f);
    if (!existsSync(p)) throw new UserError(`${dir} is not a finished run: ${f} is missing`);
    return p;
  };
  const meta = JSON.parse(readFileSync(need('config.json'), 'utf8')) as RunConfigFile;
  const W0 = readWeights(need('W0.npy'));
  const W = readWeights(need('W.npy'));
  if (W0.shape.length !== 3 || W.shape.join() !== W0.shape.join()) {
    throw new UserError(`${dir}: W0.npy (${W0.shape}) and W.npy (${W.shape}) must have the same 3-d shape`);
  }
  const mPath = join(dir, 'metrics.jsonl');
  const snapshots = existsSync(mPath)
    ? readFileSync(mPath, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Snapshot)
    : [];
  const sPath = join(dir, 'summary.json');
  const summary = existsSync(sPath) ? (JSON.parse(readFileSync(sPath, 'utf8')) as RunSummary) : null;
  return { dir, meta, shape: W.shape as [number, number, number], W0: W0.data, W: W.data, snapshots, summary };
}
