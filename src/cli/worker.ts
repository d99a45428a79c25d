/**
 * `incidental worker --queue redis://HOST:PORT`: trains runs that `incidental sweep` or
 * `incidental reproduce` put on the queue, on this machine, until stopped. Ctrl-C or
 * SIGTERM finishes the runs in progress and exits; a second Ctrl-C exits at once (those
 * runs then go back to the queue when their locks expire).
 */
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import { startQueueWorker } from '../jobs/queue-worker.js';
import { parseNumber } from './options.js';

export function register(program: Command): void {
  program
    .command('worker')
    .description('train runs from a queue (BullMQ on Redis) for `sweep --queue` or `reproduce --queue`, on any machine')
    .requiredOption('--queue <url>', 'the queue, redis://HOST:PORT[/DB]')
    .option('--concurrency <int>', 'runs trained at the same time, each on its own thread', parseNumber, 1)
    .option('--lock-duration <ms>', "how long a run's lock lasts without renewal (renewed every half of it)", parseNumber, 30_000)
    .option('--stalled-interval <ms>', 'how often to look for runs of workers that died', parseNumber, 30_000)
    .action(async (opts: { queue: string; concurrency: number; lockDuration: number; stalledInterval: number }) => {
      for (const [name, flag, v] of [
        ['concurrency', '--concurrency', opts.concurrency],
        ['lockDuration', '--lock-duration', opts.lockDuration],
        ['stalledInterval', '--stalled-interval', opts.stalledInterval],
      ] as const) {
        if (!(Number.isInteger(v) && v >= 1)) throw new ConfigError(`${name} (${flag})`, v, 'must be an integer >= 1');
      }
      const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
      const worker = await startQueueWorker(opts.queue, {
        concurrency: opts.concurrency,
        lockDuration: opts.lockDuration,
        stalledInterval: opts.stalledInterval,
        log,
      });
      log(`worker ${worker.id} waiting for runs on ${opts.queue} (concurrency ${opts.concurrency})`);
      await new Promise<void>((resolve) => {
        let presses = 0;
        const stop = () => {
          presses++;
          if (presses > 1) process.exit(130);
          log('stopping after the runs in progress (Ctrl-C again to quit at once)');
          void worker.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      log('stopped');
    });
}
