/**
 * Where a command's runs train: `--workers N` local training threads (default 2, or 1 on
 * one core), or `--queue redis://HOST:PORT` to hand them to `incidental worker`s on any
 * machine through a BullMQ queue. Shared by sweep and reproduce.
 */
import os from 'node:os';
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import { createLocalPool } from '../jobs/local-pool.js';
import { createQueueScheduler } from '../jobs/queue.js';
import type { Scheduler } from '../jobs/scheduler.js';
import { parseNumber } from './options.js';

export function addSchedulerOptions(cmd: Command): Command {
  return cmd
    .option('--workers <int>', 'parallel local training threads (default: 2, or 1 on a single core)', parseNumber)
    .option('--queue <url>', 'send the runs to `incidental worker`s through a BullMQ queue on Redis, redis://HOST:PORT[/DB]');
}

/** Local training threads: the flag, or min(2, cores). */
export function workersFromOptions(opts: Record<string, unknown>): number {
  const workers = opts.workers === undefined ? Math.min(2, os.availableParallelism?.() ?? os.cpus().length) : (opts.workers as number);
  if (!(Number.isInteger(workers) && workers >= 0)) throw new ConfigError('workers (--workers)', workers, 'must be an integer >= 0');
  return workers;
}

export async function schedulerFromOptions(opts: Record<string, unknown>): Promise<Scheduler> {
  if (opts.queue !== undefined) {
    if (opts.workers !== undefined) throw new ConfigError('workers (--workers)', opts.workers, 'has no effect with --queue (start `incidental worker`s instead)');
    return createQueueScheduler(String(opts.queue));
  }
  return createLocalPool({ workers: workersFromOptions(opts) });
}
