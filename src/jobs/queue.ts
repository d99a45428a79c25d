/**
 * The queue scheduler: runs go to a BullMQ queue on Redis and are trained by
 * `incidental worker`s on any machine (src/jobs/queue-worker.ts). Jobs carry only a
 * validated config (never code); the job id is the run's key, so a run enqueued twice
 * exists once, and a coordinator that restarts finds the results of runs finished while it
 * was away. Workers return results (weights included); this coordinator alone writes the
 * store, once per run. A worker that dies mid-run loses its lock, and BullMQ's stalled-job
 * check moves the run back to the queue for another worker.
 */
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { TrainConfig } from '../core/config.js';
import { ConfigError, UserError } from '../core/errors.js';
import { JobsAborted, type Job } from './job.js';
import type { Scheduler, SchedulerEvents } from './scheduler.js';
import { decodeResult, type WireResult } from './wire.js';

/** The queue every coordinator and worker uses (jobs from different sweeps coexist, keyed by run). */
export const QUEUE_NAME = 'incidental-runs';

/** What a queue job carries: the config, nothing else. */
export interface QueueJobData {
  config: TrainConfig;
}

export interface RedisConnection {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** a failed connection is retried rather than failing every command */
  maxRetriesPerRequest: null;
}

/** `redis://[user:pass@]HOST:PORT[/DB]` → connection options; anything else is a ConfigError naming --queue. */
export function parseQueueUrl(url: string): RedisConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError('queue (--queue)', url, 'must be a URL redis://HOST:PORT');
  }
  if (u.protocol !== 'redis:') throw new ConfigError('queue (--queue)', url, 'must start with redis://');
  if (!u.hostname) throw new ConfigError('queue (--queue)', url, 'names no host');
  const port = u.port ? Number(u.port) : 6379;
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new ConfigError('queue (--queue)', url, 'database must be an integer >= 0 (redis://HOST:PORT/DB)');
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    maxRetriesPerRequest: null,
  };
}

/** A connection of its own for one BullMQ object (the caller quits it after closing that object). */
export function redisClient(url: string): Redis {
  return new Redis({ ...parseQueueUrl(url), lazyConnect: false });
}

/** How often the coordinator also polls job states, in case an event was missed (ms). */
const POLL_MS = 2000;

export function createQueueScheduler(url: string): Scheduler {
  parseQueueUrl(url);
  let lastError = '';
  const clients: Redis[] = [];
  const client = () => {
    const c = redisClient(url);
    c.on('error', (err: Error) => (lastError = err.message)); // reported once, by the command that fails
    clients.push(c);
    return c;
  };
  const queue = new Queue<QueueJobData, WireResult>(QUEUE_NAME, { connection: client() });
  queue.on('error', (err) => (lastError = err.message)); // said once, by reachable() or the command that fails
  let events: QueueEvents | null = null;
  return {
    description: `queue ${url} (BullMQ, incidental worker)`,
    async run(jobs: Job[], handlers: SchedulerEvents, signal?: AbortSignal): Promise<void> {
      const local = jobs.find((j) => j.config.data === 'file');
      if (local) throw new UserError(`run ${local.label} reads --data-file ${local.config.dataFile}, a file on this machine: jobs carry configs only, so runs with --data file cannot go through the queue (run without --queue)`);
      await reachable(queue, url, () => lastError);
      if (!events) {
        events = new QueueEvents(QUEUE_NAME, { connection: client() });
        events.on('error', (err) => (lastError = err.message));
      }
      await events.waitUntilReady();
      const pending = new Map(jobs.map((j) => [j.key, j]));
      const enqueue = async (job: Job) => {
        const added = await queue.add('train', { config: job.config }, { jobId: job.key, attempts: 1, removeOnComplete: false, removeOnFail: false });
        if ((await added.getState()) === 'failed') await added.retry(); // an earlier attempt failed: try again
      };
      let chain: Promise<void> = Promise.resolve();
      let failure: unknown = null;
      let wake: () => void = () => {};
      // one job at a time through the store, whichever signal (event or poll) sees it first
      const collect = (key: string) =>
        (chain = chain.then(async () => {
          const job = pending.get(key);
          if (!job || failure !== null) return;
          try {
            const seen = await readJob(queue, key);
            if (seen.state === 'missing') {
              // another coordinator stored this run in its own store and removed the job: train it again for ours
              await enqueue(job);
            } else if (seen.state === 'completed') {
              await handlers.onResult(decodeResult(seen.result, key), job);
              pending.delete(key);
              await seen.remove().catch(() => {}); // stored: free Redis (a later enqueue makes a fresh job)
            } else if (seen.state === 'failed') {
              failure = new UserError(`run ${job.label} (${key}) failed on a worker: ${seen.reason}`);
            }
          } catch (err) {
            failure = err; // reported by run(), never an unhandled rejection that kills the coordinator
          }
          wake();
        }));
      const onCompleted = ({ jobId }: { jobId: string }) => void collect(jobId);
      const onFailed = ({ jobId }: { jobId: string }) => void collect(jobId);
      const onActive = ({ jobId }: { jobId: string }) => {
        const job = pending.get(jobId);
        if (job) handlers.onStart?.(job);
      };
      const onProgress = ({ jobId, data }: { jobId: string; data: unknown }) => {
        const job = pending.get(jobId);
        const step = (data as { step?: number } | null)?.step;
        if (job && typeof step === 'number') handlers.onStep?.(job, step);
      };
      events.on('completed', onCompleted);
      events.on('failed', onFailed);
      events.on('active', onActive);
      events.on('progress', onProgress);
      try {
        for (const job of jobs) {
          await enqueue(job);
          void collect(job.key); // finished before we listened?
        }
        const poll = setInterval(() => pending.forEach((_, key) => void collect(key)), POLL_MS);
        try {
          await new Promise<void>((resolve, reject) => {
            const check = () => {
              if (signal?.aborted) reject(new JobsAborted('aborted'));
              else if (failure !== null) reject(failure);
              else if (pending.size === 0) resolve();
            };
            wake = check;
            signal?.addEventListener('abort', check);
            check();
          });
        } finally {
          clearInterval(poll);
        }
        await chain;
      } finally {
        events.off('completed', onCompleted);
        events.off('failed', onFailed);
        events.off('active', onActive);
        events.off('progress', onProgress);
      }
    },
    async close() {
      await events?.close();
      await queue.close();
      clients.forEach((c) => c.disconnect());
    },
  };
}

/** What the coordinator needs of a BullMQ queue to read one job (a Queue; a fake in tests). */
export interface JobReader {
  getJobState(id: string): Promise<string>;
  getJob(id: string): Promise<{ returnvalue: WireResult; failedReason: string; remove(): Promise<void> } | undefined>;
}

export type SeenJob =
  | { state: 'missing' }
  | { state: 'completed'; result: WireResult; remove: () => Promise<void> }
  | { state: 'failed'; reason: string }
  | { state: 'pending' };

/**
 * One job as the coordinator sees it. The state is read before the job's hash: a worker's
 * result and its move to `completed` are one atomic step in Redis, so a job already seen
 * completed has its return value. Read the other way round, a job finishing between the two
 * reads showed `completed` with no return value (seen once in CI under load).
 */
export async function readJob(queue: JobReader, key: string): Promise<SeenJob> {
  const state = await queue.getJobState(key);
  if (state === 'unknown') return { state: 'missing' };
  if (state !== 'completed' && state !== 'failed') return { state: 'pending' };
  const job = await queue.getJob(key);
  if (!job) return { state: 'missing' }; // removed since: another coordinator stored it
  if (state === 'failed') return { state: 'failed', reason: job.failedReason };
  return { state: 'completed', result: job.returnvalue, remove: () => job.remove() };
}

/** Fails in one line when Redis does not answer, instead of retrying forever. */
async function reachable(queue: Queue, url: string, lastError: () => string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const why = lastError() ? `: ${lastError()}` : ' (no answer in 10 s)';
      reject(new UserError(`cannot reach the queue at ${url}${why}; is redis-server running there?`));
    }, 10_000);
  });
  try {
    await Promise.race([queue.waitUntilReady().then(() => queue.getJobCounts('wait')), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

