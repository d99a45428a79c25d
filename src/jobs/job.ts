/**
 * A job of the job runner (reproduce, sweep, queue): a validated training config and
 * nothing else — no paths, no code — so the same job trains in a local thread or on
 * another machine. Its key is a hash of the full config (seed included), which names its
 * row in the run store, its run directory and its queue job id, so a run planned twice
 * exists once. A result carries everything the coordinator stores: weights, snapshots and
 * the summary.
 */
import { createHash } from 'node:crypto';
import { DEFAULTS, type TrainConfig } from '../core/config.js';
import type { Snapshot } from '../core/train.js';
import type { RunSummary } from '../io/run-dir.js';

/** Bump when the meaning of a stored run changes, so old runs are not reused. */
export const KEY_FORMAT = 1;

/** Fields that do not change the result (threads: bit-identical by design) are left out of the key. */
const NOT_IN_KEY: ReadonlyArray<keyof TrainConfig> = ['threads', 'memoryLimitMiB'];

/**
 * Fields of the general model (SCIENCE.md §8), added after KEY_FORMAT 1: left out of the key
 * while at their default, so a paper-setting run keeps the key it had before they existed
 * (and its stored result). A data file enters the key by path; its content hash is in config.json.
 */
const GENERAL_FIELDS: ReadonlyArray<keyof TrainConfig> = ['data', 'featureProbability', 'magnitude', 'batch', 'dataFile', 'hidden', 'untied'];

export interface Job {
  /** jobKey(config) */
  key: string;
  /** short human label for progress lines, e.g. "m=64 seed=2" */
  label: string;
  config: TrainConfig;
}

export interface JobResult {
  key: string;
  /** the config as trained */
  config: TrainConfig;
  backend: string;
  dtype: string;
  /** Float32Array [nInstances, n, m] */
  W0: Float32Array;
  /** Float32Array [nInstances, n, m]; after a divergence, the weights it reached */
  W: Float32Array;
  /** untied runs: the decoder's initial and final weights, Float32Array [nInstances, n, m] */
  W0dec?: Float32Array;
  Wdec?: Float32Array;
  /** config.json's `data` record: { kind } or a data file's path, sha256, shape and dtype */
  data: { kind: string } | Record<string, unknown>;
  snapshots: Snapshot[];
  /** status 'finished' or 'diverged' ('interrupted' never leaves a scheduler) */
  summary: RunSummary;
  /** where it trained, e.g. "host pid 123" or "local" */
  worker: string;
}

/** Stable JSON: keys sorted, so the hash does not depend on property order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** 16 hex digits of sha256 over the key format and the config (minus fields that do not affect results). */
export function jobKey(config: TrainConfig): string {
  const keyed: Record<string, unknown> = { ...config };
  for (const f of NOT_IN_KEY) delete keyed[f];
  for (const f of GENERAL_FIELDS) if (keyed[f] === DEFAULTS[f]) delete keyed[f];
  return createHash('sha256').update(canonicalJson({ format: KEY_FORMAT, config: keyed })).digest('hex').slice(0, 16);
}

export function makeJob(config: TrainConfig, label: string): Job {
  return { key: jobKey(config), label, config };
}

/** Rough multiply-add count of a run, for packing, ordering, progress and ETA only (rates are measured). */
export function estimateWork(c: TrainConfig): number {
  const n = c.nFeatures;
  const m = c.nHidden;
  return c.steps * c.nInstances * (1.5 * n * n * m + 30 * n * m + 50_000);
}

/** Cancelled by its AbortSignal; finished jobs stay finished. */
export class JobsAborted extends Error {
  override name = 'JobsAborted';
}
