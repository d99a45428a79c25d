/**
 * Worker-thread entry of the job runner: a long-lived thread that trains the tasks it is
 * sent (one run or a pack, src/jobs/execute.ts) and posts back their results, weights
 * transferred rather than copied. Training here keeps the parent's event loop free: the
 * local pool stays responsive to Ctrl-C and a queue worker keeps renewing its job locks.
 * Terminating the thread is how a task is cancelled.
 *
 * Messages in:  { type: 'task', id, configs, worker }
 * Messages out: { type: 'step', id, step } | { type: 'done', id, results } | { type: 'error', id, message, user }
 */
import { parentPort } from 'node:worker_threads';
import type { TrainConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { executeJobs } from './execute.js';

export interface TaskMessage {
  type: 'task';
  id: number;
  configs: TrainConfig[];
  worker?: string;
}

export type ThreadMessage =
  | { type: 'step'; id: number; step: number }
  | { type: 'done'; id: number; results: Awaited<ReturnType<typeof executeJobs>> }
  | { type: 'error'; id: number; message: string; user: boolean };

const port = parentPort!;
port.on('message', (msg: TaskMessage) => {
  void (async () => {
    try {
      const results = await executeJobs(msg.configs, { worker: msg.worker, onStep: (step) => port.postMessage({ type: 'step', id: msg.id, step } satisfies ThreadMessage) });
      const transfer = results.flatMap((r) => [r.W0, r.W, r.W0dec, r.Wdec].filter((a) => a !== undefined).map((a) => a.buffer as ArrayBuffer));
      port.postMessage({ type: 'done', id: msg.id, results } satisfies ThreadMessage, transfer);
    } catch (err) {
      const message = err instanceof Error ? (err instanceof UserError ? err.message : (err.stack ?? err.message)) : String(err);
      port.postMessage({ type: 'error', id: msg.id, message, user: err instanceof UserError } satisfies ThreadMessage);
    }
  })();
});
