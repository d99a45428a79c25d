/**
 * `runSweep()`: a sweep spec through the job runner — plan (expand the spec into
 * validated configs × seeds) → run store (skip runs stored already) → schedule (local
 * threads, or the queue) → analyse and store each run as it finishes. Interrupting loses
 * only the runs in progress; calling again with the same store resumes.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { TrainConfig } from '../core/config.js';
import { ConfigError, UserError } from '../core/errors.js';
import { keyedJobs, keyRuns, type SetAsideRun } from '../jobs/backend-keys.js';
import { jobKey } from '../jobs/job.js';
import { createLocalPool } from '../jobs/local-pool.js';
import { runJobs, type JobsProgress, type RunJobsResult } from '../jobs/run-jobs.js';
import type { Scheduler } from '../jobs/scheduler.js';
import { RunStore } from '../store/run-store.js';
import { expandSweep, parseSweepSpec, type SweepSpec } from './spec.js';

/** Reads a YAML or JSON spec file; any problem is one UserError line naming the file and field. */
export function loadSweepSpec(path: string): SweepSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UserError(`no such sweep spec: ${path}`);
  }
  let doc: unknown;
  try {
    doc = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new UserError(`invalid sweep spec ${path}: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
  }
  try {
    return parseSweepSpec(doc, basename(path, extname(path)));
  } catch (err) {
    if (err instanceof ConfigError) throw new UserError(`invalid sweep spec ${path}: ${err.message}`);
    throw err;
  }
}

/** Where run directories go by default: next to the store, `results.db` → `results-runs/`. */
export const defaultRunsDir = (storePath: string) => join(dirname(storePath), `${basename(storePath, extname(storePath))}-runs`);

export interface SweepOptions {
  spec: SweepSpec;
  storePath: string;
  /** default: defaultRunsDir(storePath) */
  runsDir?: string;
  /** local training threads (default 2, or 1 on one core); ignored with `scheduler` */
  workers?: number;
  /** where runs train (default: the local pool); closed by the caller */
  scheduler?: Scheduler;
  signal?: AbortSignal;
  onProgress?: (p: JobsProgress) => void;
}

export interface SweepResult extends RunJobsResult {
  storePath: string;
  runsDir: string;
  /** runs an earlier version stored under a key without the backend, trained on another backend: kept, not reused */
  setAside: SetAsideRun[];
}

export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  const planned = new Map<string, { config: TrainConfig; labels: string[] }>();
  for (const r of expandSweep(o.spec)) {
    const key = jobKey(r.config);
    planned.set(key, { config: r.config, labels: [...(planned.get(key)?.labels ?? []), r.label] });
  }
  const runsDir = o.runsDir ?? defaultRunsDir(o.storePath);
  const store = RunStore.open(o.storePath);
  try {
    // `auto` pinned to the backend this machine picks, and stored per backend (backend-keys.ts);
    // threads 0: the memory check allows for the most threads a run may use
    const keyed = await keyRuns(store, planned, 0);
    const jobs = keyedJobs(planned, keyed.runs);
    const scheduler = o.scheduler ?? createLocalPool({ workers: o.workers ?? 2 });
    const result = await runJobs(jobs, { store, runsDir, scheduler, sweep: o.spec.name, signal: o.signal, onProgress: o.onProgress });
    return { ...result, storePath: o.storePath, runsDir, setAside: keyed.setAside };
  } finally {
    store.close();
  }
}
