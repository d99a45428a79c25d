/**
 * `incidental worker`: takes runs from the BullMQ queue and trains them, each in its own
 * long-lived training thread (src/jobs/training-thread.ts), so this process's event loop
 * stays free and BullMQ keeps renewing the job locks however long a run takes. A job's
 * data is re-validated here (parseConfig): a worker trains configs, it never runs code
 * from the queue. The result, weights included, goes back as the job's return value for
 * the coordinator to store. If this process dies, its jobs' locks expire and another
 * worker's stalled-job check puts them back in the queue.
 */
import { hostname } from 'node:os';
import { Worker, type Job as BullJob } from 'bullmq';
import { parseConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { jobKey } from './job.js';
import { parseQueueUrl, QUEUE_NAME, redisClient, type QueueJobData } from './queue.js';
import { TrainingThread } from './training-thread.js';
import { encodeResult, type WireResult } from './wire.js';

export interface QueueWorkerOptions {
  /** runs trained at the same time, each on its own thread (default 1) */
  concurrency?: number;
  /** how long a job's lock lasts without renewal (ms; BullMQ renews it every half of this) */
  lockDuration?: number;
  /** how often this worker looks for stalled jobs of dead workers (ms) */
  stalledInterval?: number;
  /** times a job may stall (its worker died) before it fails for good */
  maxStalledCount?: number;
  /** one line per event: took, finished, failed */
  log?: (line: string) => void;
}

export interface QueueWorker {
  /** "<host> pid <pid>", recorded with each result */
  readonly id: string;
  /** stops taking jobs; waits for the runs in progress unless `force` */
  close(force?: boolean): Promise<void>;
}

export async function startQueueWorker(url: string, o: QueueWorkerOptions = {}): Promise<QueueWorker> {
  parseQueueUrl(url);
  const connection = redisClient(url);
  connection.on('error', () => {}); // the worker's 'error' event reports what matters
  const id = `${hostname()} pid ${process.pid}`;
  const log = o.log ?? (() => {});
  const concurrency = o.concurrency ?? 1;
  const idle: TrainingThread[] = Array.from({ length: concurrency }, () => new TrainingThread());
  const all = [...idle];

  const processor = async (job: BullJob<QueueJobData, WireResult>): Promise<WireResult> => {
    let config;
    try {
      config = parseConfig(job.data?.config);
    } catch (err) {
      throw new Error(`rejected: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (job.id !== jobKey(config)) throw new Error(`rejected: job id ${job.id} is not the key of its config (${jobKey(config)})`);
    const thread = idle.pop()!;
    log(`training ${job.id} (n=${config.nFeatures} m=${config.nHidden} seed=${config.seed}, ${config.steps} steps)`);
    let lastReport = 0;
    try {
      const [result] = await thread.run([{ ...config, threads: 1 }], (step) => {
        const now = Date.now();
        if (now - lastReport < 500) return;
        lastReport = now;
        void job.updateProgress({ step }).catch(() => {});
      }, id);
      log(`finished ${job.id} (${result.summary.status}, ${result.summary.wallTimeSeconds.toFixed(2)} s)`);
      return encodeResult({ ...result, config });
    } finally {
      idle.push(thread);
    }
  };

  const worker = new Worker<QueueJobData, WireResult>(QUEUE_NAME, processor, {
    connection,
    concurrency,
    lockDuration: o.lockDuration ?? 30_000,
    stalledInterval: o.stalledInterval ?? 30_000,
    maxStalledCount: o.maxStalledCount ?? 3,
  });
  worker.on('failed', (job, err) => log(`failed ${job?.id ?? '?'}: ${err.message}`));
  let ready = false;
  let lastError = '';
  worker.on('error', (err) => {
    lastError = err.message;
    if (ready) log(`queue error: ${err.message}`); // before it is ready, the one-line failure below says it
  });
  try {
    await Promise.race([
      worker.waitUntilReady(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new UserError(`cannot reach the queue at ${url}${lastError ? `: ${lastError}` : ' (no answer in 10 s)'}; is redis-server running there?`)), 10_000).unref(),
      ),
    ]);
    ready = true;
  } catch (err) {
    await worker.close(true).catch(() => {});
    connection.disconnect();
    throw err;
  }
  return {
    id,
    async close(force = false) {
      await worker.close(force);
      await Promise.all(all.map((t) => t.terminate()));
      connection.disconnect();
    },
  };
}
