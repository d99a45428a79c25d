/**
 * The local scheduler: long-lived training threads on this machine (one per core by
 * default), fed the longest tasks first so the lanes finish together. Small runs that can
 * share a session (src/jobs/execute.ts packKey) are packed into one task per lane, up to
 * PACK_WORK multiply-adds, so many tiny runs cost about as much as one multi-instance run.
 * Aborting terminates the threads: finished runs stay delivered, runs in progress are lost.
 */
import type { TrainConfig } from '../core/config.js';
import { packKey } from './execute.js';
import { estimateWork, JobsAborted, type Job } from './job.js';
import type { Scheduler, SchedulerEvents } from './scheduler.js';
import { TrainingThread } from './training-thread.js';

/** Runs under this estimated work are packed; a pack holds at most this much work. */
export const PACK_WORK = 2e9;

/**
 * Jobs whose total estimated work is under this train in this thread: about 0.1–0.2 s on
 * one core here, less than starting training threads costs (loading the modules and
 * compiling the kernels in each, measured at 0.15–0.3 s; bench/sweep.mjs).
 */
export const INLINE_WORK = 5e9;

export interface LocalPoolOptions {
  /** parallel training threads; 0 trains in this thread */
  workers: number;
  /** threads each task's backend may use (config.threads); default 1 when several lanes run, else 0 = automatic */
  threadsPerRun?: number;
  /** pack small runs (default true) */
  pack?: boolean;
}

/** A unit of work for one lane: one run, or a pack of small runs trained as one session. */
export interface Task {
  jobs: Job[];
  work: number;
}

/** Groups jobs into tasks, longest first: small compatible runs are dealt round-robin into packs. */
export function planTasks(jobs: Job[], lanes: number, pack = true): Task[] {
  const tasks: Task[] = [];
  const groups = new Map<string, Job[]>();
  for (const job of jobs) {
    const key = pack && estimateWork(job.config) < PACK_WORK ? packKey(job.config) : null;
    if (key === null) tasks.push({ jobs: [job], work: estimateWork(job.config) });
    else groups.set(key, [...(groups.get(key) ?? []), job]);
  }
  for (const group of groups.values()) {
    const work = group.reduce((s, j) => s + estimateWork(j.config), 0);
    const count = Math.min(group.length, Math.max(lanes, Math.ceil(work / PACK_WORK)));
    const packs: Job[][] = Array.from({ length: count }, () => []);
    group.forEach((job, i) => packs[i % count].push(job));
    for (const p of packs) tasks.push({ jobs: p, work: p.reduce((s, j) => s + estimateWork(j.config), 0) });
  }
  return tasks.sort((a, b) => b.work - a.work);
}

export function createLocalPool(o: LocalPoolOptions): Scheduler {
  const lanes = Math.max(1, o.workers);
  const threadsPerRun = o.threadsPerRun ?? (lanes > 1 ? 1 : 0);
  return {
    description: o.workers > 0 ? `local, ${lanes} training thread${lanes > 1 ? 's' : ''}` : 'local, in-process',
    async run(jobs: Job[], events: SchedulerEvents, signal?: AbortSignal): Promise<void> {
      const inline = o.workers === 0 || jobs.reduce((s, j) => s + estimateWork(j.config), 0) < INLINE_WORK;
      const queue = planTasks(jobs, inline ? 1 : lanes, o.pack ?? true);
      const threads = Array.from({ length: Math.min(inline ? 1 : lanes, queue.length) }, () => new TrainingThread(inline ? true : undefined));
      let failure: unknown = null;
      const stopAll = () => threads.forEach((t) => void t.terminate());
      signal?.addEventListener('abort', stopAll);
      const lane = async (thread: TrainingThread) => {
        while (queue.length && failure === null && !signal?.aborted) {
          const task = queue.shift()!;
          const configs: TrainConfig[] = task.jobs.map((j) => ({ ...j.config, threads: inline ? 0 : threadsPerRun }));
          for (const j of task.jobs) events.onStart?.(j);
          try {
            const results = await thread.run(configs, (step) => task.jobs.forEach((j) => events.onStep?.(j, step)), 'local');
            for (let i = 0; i < results.length; i++) await events.onResult({ ...results[i], config: task.jobs[i].config }, task.jobs[i]);
          } catch (err) {
            if (!(err instanceof JobsAborted) && failure === null) failure = err;
            stopAll();
          }
        }
      };
      try {
        await Promise.all(threads.map(lane));
      } finally {
        signal?.removeEventListener('abort', stopAll);
        await Promise.all(threads.map((t) => t.terminate()));
      }
      if (failure !== null) throw failure;
      if (signal?.aborted) throw new JobsAborted('aborted');
    },
    async close() {},
  };
}
