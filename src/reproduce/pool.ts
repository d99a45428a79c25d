/**
 * Runs training jobs on both cores: a pool of worker threads, one job per thread at a
 * time, each training with the threads the job's config asks for. Without the compiled
 * worker file (e.g. under vitest, which runs the TypeScript sources) or with workers = 0,
 * jobs run one after another in this thread. An AbortSignal cancels: threads are
 * terminated, in-process jobs stop at their next chunk, and partial directories are removed.
 */
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { trainToCache, type TrainJob, type TrainJobResult } from './train-run.js';

export interface PoolEvents {
  onStart?(job: TrainJob): void;
  onStep?(job: TrainJob, step: number): void;
  onDone?(job: TrainJob, result: TrainJobResult): void;
}

export interface PoolOptions {
  /** parallel worker threads; 0 runs every job in this thread */
  workers: number;
  signal?: AbortSignal;
  events?: PoolEvents;
}

/** Thrown when the signal aborts; finished jobs stay finished. */
export class PoolAborted extends Error {
  override name = 'PoolAborted';
}

const WORKER_URL = new URL('./run-worker.js', import.meta.url);

/** Whether jobs can run in worker threads here (the compiled worker file exists). */
export function workersAvailable(): boolean {
  return WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL));
}

export async function runJobs(jobs: TrainJob[], o: PoolOptions): Promise<void> {
  const threaded = o.workers > 0 && workersAvailable();
  const lanes = threaded ? Math.min(o.workers, jobs.length) : Math.min(1, jobs.length);
  const queue = [...jobs];
  const local = new AbortController();
  const onAbort = () => local.abort();
  o.signal?.addEventListener('abort', onAbort);
  let failure: unknown = null;
  const lane = async () => {
    while (queue.length && !local.signal.aborted) {
      const job = queue.shift()!;
      o.events?.onStart?.(job);
      try {
        const step = (s: number) => o.events?.onStep?.(job, s);
        const result = threaded ? await runInWorker(job, step, local.signal) : await runInline(job, step, local.signal);
        o.events?.onDone?.(job, result);
      } catch (err) {
        rmSync(job.partial, { recursive: true, force: true });
        if (!(err instanceof PoolAborted) && failure === null) failure = err;
        local.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: lanes }, lane));
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
  if (failure !== null) throw failure;
  if (o.signal?.aborted) throw new PoolAborted('aborted');
}

async function runInline(job: TrainJob, onStep: (s: number) => void, signal: AbortSignal): Promise<TrainJobResult> {
  if (signal.aborted) throw new PoolAborted('aborted');
  const result = await trainToCache(job, onStep, () => signal.aborted);
  if (result.status === 'aborted') throw new PoolAborted('aborted');
  return result;
}

function runInWorker(job: TrainJob, onStep: (s: number) => void, signal: AbortSignal): Promise<TrainJobResult> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new PoolAborted('aborted'));
    const worker = new Worker(WORKER_URL, { workerData: job });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      finish(() => reject(new PoolAborted('aborted')));
      void worker.terminate();
    };
    signal.addEventListener('abort', onAbort);
    worker.on('message', (msg: { type: 'step'; step: number } | { type: 'done'; result: TrainJobResult }) => {
      if (msg.type === 'step') onStep(msg.step);
      else finish(() => resolve(msg.result));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`training worker for "${job.label}" exited with code ${code} before finishing`))));
  });
}
