/**
 * What the job runner asks of a scheduler: train these jobs, say when each starts, how
 * far it is and when its result is in. The local pool (threads on this machine) and the
 * queue (BullMQ workers on any machine) both implement it, so reproduce and sweep do not
 * know where their runs train.
 */
import type { Job, JobResult } from './job.js';

export interface SchedulerEvents {
  onStart?(job: Job): void;
  onStep?(job: Job, step: number): void;
  /** awaited before the job counts as done: the coordinator stores the result here */
  onResult(result: JobResult, job: Job): void | Promise<void>;
}

export interface Scheduler {
  /** a short description for provenance, e.g. "local, 2 threads" */
  readonly description: string;
  /** Trains every job; rejects with JobsAborted when `signal` aborts, or with the first failure. */
  run(jobs: Job[], events: SchedulerEvents, signal?: AbortSignal): Promise<void>;
  /** releases connections or threads */
  close(): Promise<void>;
}
