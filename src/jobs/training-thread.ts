/**
 * A handle on one long-lived training thread (src/jobs/job-thread.ts): `run` sends it a
 * task and resolves with the results; `terminate` cancels whatever it is training. Where
 * the compiled thread file is missing (vitest runs the TypeScript sources) tasks train in
 * this thread instead, stopping at their next chunk when terminated.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TrainConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { executeJobs } from './execute.js';
import { JobsAborted, type JobResult } from './job.js';
import type { TaskMessage, ThreadMessage } from './job-thread.js';

const THREAD_URL = new URL('./job-thread.js', import.meta.url);

/** Whether tasks can run in worker threads here (the compiled thread file exists). */
export function threadsAvailable(): boolean {
  return THREAD_URL.protocol === 'file:' && existsSync(fileURLToPath(THREAD_URL));
}

export class TrainingThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending: { id: number; onStep: (s: number) => void; resolve: (r: JobResult[]) => void; reject: (e: unknown) => void } | null = null;
  private stopped = false;

  /** @param inline train in this thread (also the fallback when threads are unavailable) */
  constructor(private readonly inline = !threadsAvailable()) {}

  /** Trains one run or a pack (equal packKey) and returns a result per config, in order. */
  run(configs: TrainConfig[], onStep: (step: number) => void, worker?: string): Promise<JobResult[]> {
    if (this.stopped) return Promise.reject(new JobsAborted('aborted'));
    if (this.inline) {
      return executeJobs(configs, { onStep, worker, shouldStop: () => this.stopped }).then((results) => {
        if (this.stopped || results.some((r) => r.summary.status === 'interrupted')) throw new JobsAborted('aborted');
        return results;
      });
    }
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending = { id, onStep, resolve, reject };
      const w = this.thread();
      w.ref(); // keeps the process alive while a task trains; idle threads do not
      w.postMessage({ type: 'task', id, configs, worker } satisfies TaskMessage);
    });
  }

  /** Cancels the task in progress (its promise rejects with JobsAborted) and ends the thread. */
  async terminate(): Promise<void> {
    this.stopped = true;
    this.settle((p) => p.reject(new JobsAborted('aborted')));
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private settle(fn: (p: NonNullable<TrainingThread['pending']>) => void): void {
    const p = this.pending;
    this.pending = null;
    this.worker?.unref();
    if (p) fn(p);
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(THREAD_URL);
    w.on('message', (msg: ThreadMessage) => {
      if (!this.pending || msg.id !== this.pending.id) return;
      if (msg.type === 'step') this.pending.onStep(msg.step);
      else if (msg.type === 'done') this.settle((p) => p.resolve(msg.results));
      else this.settle((p) => p.reject(msg.user ? new UserError(msg.message) : new Error(`training thread failed: ${msg.message}`)));
    });
    w.on('error', (err) => this.settle((p) => p.reject(err)));
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = null;
      this.settle((p) => p.reject(this.stopped ? new JobsAborted('aborted') : new Error(`training thread exited with code ${code} before finishing`)));
    });
    w.unref();
    this.worker = w;
    return w;
  }
}
