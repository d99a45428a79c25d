/**
 * A job result as JSON, for the queue: BullMQ stores a worker's return value as JSON in
 * Redis, so the weights travel as base64 of their float32 bytes (little-endian, exactly
 * the bits trained) and everything else as plain JSON. The coordinator decodes and checks
 * that the result is the run it asked for before storing it.
 */
import type { TrainConfig } from '../core/config.js';
import type { Snapshot } from '../core/train.js';
import type { RunSummary } from '../io/run-dir.js';
import { jobKey, type JobResult } from './job.js';

export interface WireResult {
  key: string;
  config: TrainConfig;
  backend: string;
  dtype: string;
  W0: string;
  W: string;
  W0dec?: string;
  Wdec?: string;
  data: JobResult['data'];
  snapshots: Snapshot[];
  summary: RunSummary;
  worker: string;
}

const toBase64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

function fromBase64(s: string, length: number, what: string): Float32Array {
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length !== 4 * length) throw new Error(`queue result: ${what} has ${bytes.length} bytes, expected ${4 * length}`);
  const out = new Float32Array(length);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function encodeResult(r: JobResult): WireResult {
  return { ...r, W0: toBase64(r.W0), W: toBase64(r.W), W0dec: r.W0dec && toBase64(r.W0dec), Wdec: r.Wdec && toBase64(r.Wdec) };
}

/** Decodes a worker's result for the job `key`; a result for another config is an error. */
export function decodeResult(w: WireResult, key: string): JobResult {
  if (!w || typeof w !== 'object' || w.key !== key || jobKey(w.config) !== key) throw new Error(`queue result for job ${key} does not belong to it`);
  const size = w.config.nInstances * w.config.nFeatures * w.config.nHidden;
  const { W0dec, Wdec, ...rest } = w;
  return {
    ...rest,
    W0: fromBase64(w.W0, size, 'W0'),
    W: fromBase64(w.W, size, 'W'),
    ...(W0dec && Wdec ? { W0dec: fromBase64(W0dec, size, 'W0dec'), Wdec: fromBase64(Wdec, size, 'Wdec') } : {}),
  };
}
