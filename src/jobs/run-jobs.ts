/**
 * The job runner's middle stages, shared by reproduce and sweep: given planned jobs, skip
 * those already in the run store, hand the rest to a scheduler (local threads or the
 * queue) and store each result as it arrives — so an interruption loses only the runs in
 * progress, and the next call resumes. Reports progress with an ETA from the measured rate.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunStore } from '../store/run-store.js';
import { estimateWork, type Job } from './job.js';
import type { Scheduler } from './scheduler.js';
import { removeStaleStaging, storeResult } from './store-result.js';

export interface ActiveRun {
  label: string;
  step: number;
  steps: number;
}

export interface JobsProgress {
  totalRuns: number;
  /** runs found in the store before this call */
  cachedRuns: number;
  /** runs trained and stored by this call */
  finishedRuns: number;
  /** estimated work (multiply-adds) of the runs to train, and how much is done */
  totalWork: number;
  doneWork: number;
  active: ActiveRun[];
  elapsedSeconds: number;
  etaSeconds: number | null;
  /** e.g. "finished m=64 seed=2" */
  message: string;
}

export interface RunJobsOptions {
  store: RunStore;
  /** run directories go to runsDir/<key> */
  runsDir: string;
  scheduler: Scheduler;
  /** recorded in each row's `sweep` column */
  sweep: string;
  /** retrain (and restore) jobs that are stored already */
  fresh?: boolean;
  /** checks a stored run's directory; a stored run whose directory fails is retrained */
  dirIsWhole?: (dir: string) => boolean;
  signal?: AbortSignal;
  onProgress?: (p: JobsProgress) => void;
}

export interface RunJobsResult {
  /** the distinct jobs planned, in order */
  jobs: Job[];
  /** keys found in the store before this call */
  cached: Set<string>;
  trainingSeconds: number;
}

export const runDirOf = (runsDir: string, key: string) => join(runsDir, key);

/** Trains and stores every job not stored yet. Rejects with JobsAborted when `signal` aborts. */
export async function runJobs(planned: Job[], o: RunJobsOptions): Promise<RunJobsResult> {
  const byKey = new Map<string, Job>();
  for (const j of planned) if (!byKey.has(j.key)) byKey.set(j.key, j);
  const jobs = [...byKey.values()];
  if (o.fresh) o.store.remove(jobs.map((j) => j.key));
  const stored = o.store.storedKeys(jobs.map((j) => j.key));
  const damaged = o.dirIsWhole ? [...stored].filter((key) => !o.dirIsWhole!(runDirOf(o.runsDir, key))) : [];
  o.store.remove(damaged);
  const cached = new Set([...stored].filter((key) => !damaged.includes(key)));
  // longest first, so the lanes (or the queue's workers) finish together
  mkdirSync(o.runsDir, { recursive: true });
  removeStaleStaging(o.runsDir);
  const todo = jobs.filter((j) => !cached.has(j.key)).sort((a, b) => estimateWork(b.config) - estimateWork(a.config));

  const started = performance.now();
  const totalWork = todo.reduce((s, j) => s + estimateWork(j.config), 0);
  const active = new Map<string, ActiveRun>();
  let doneWork = 0;
  let finishedRuns = 0;
  const progress = (message = ''): void => {
    if (!o.onProgress) return;
    let partial = 0;
    for (const [key, a] of active) partial += (estimateWork(byKey.get(key)!.config) * a.step) / Math.max(1, a.steps);
    const done = doneWork + partial;
    const t = (performance.now() - started) / 1000;
    o.onProgress({
      totalRuns: jobs.length,
      cachedRuns: cached.size,
      finishedRuns,
      totalWork,
      doneWork: done,
      active: [...active.values()],
      elapsedSeconds: t,
      etaSeconds: done > 0 && t > 1 ? ((totalWork - done) * t) / done : null,
      message,
    });
  };
  progress(`${jobs.length} runs planned, ${cached.size} already in ${o.store.path}`);
  if (todo.length) {
    await o.scheduler.run(
      todo,
      {
        onStart: (job) => {
          active.set(job.key, { label: job.label, step: 0, steps: job.config.steps });
          progress();
        },
        onStep: (job, step) => {
          const a = active.get(job.key);
          if (a) a.step = step;
          progress();
        },
        onResult: (result, job) => {
          storeResult(o.store, result, { dir: runDirOf(o.runsDir, job.key), sweep: o.sweep });
          active.delete(job.key);
          doneWork += estimateWork(job.config);
          finishedRuns++;
          progress(`finished ${job.label}`);
        },
      },
      o.signal,
    );
  }
  return { jobs, cached, trainingSeconds: (performance.now() - started) / 1000 };
}
