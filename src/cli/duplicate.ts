/**
 * `incidental duplicate RUN`: continue a finished run with some neurons duplicated (the
 * paper's proposed cure, src/io/duplicate-run.ts) and say which duplicated neurons ended
 * with one feature per copy.
 */
import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { duplicateRun, parseNeurons } from '../io/duplicate-run.js';
import { parseNumber } from './options.js';
import { createProgress } from './progress.js';

export function register(program: Command): void {
  program
    .command('duplicate')
    .description('duplicate neurons of a finished run (each copy W_{·k}/√2 plus noise on its incoming weights), train on, and write a new run directory with duplication.json')
    .argument('<run>', 'run directory to start from (its final weights W.npy)')
    .requiredOption('--neurons <which>', '"polysemantic" (every polysemantic neuron of each instance) or a comma-separated list of neuron indices')
    .requiredOption('--out <dir>', 'output run directory')
    .option('--noise <sigma>', "std of the Gaussian noise on the copies' incoming weights", parseNumber, 0.01)
    .option('--steps <int>', 'training steps after the duplication', parseNumber, 2000)
    .option('--seed <int>', "seed of the duplication noise (default: the run's seed)", parseNumber)
    .option('--force', 'replace a non-empty --out whole (default: refuse it)')
    .option('--quiet', 'no progress output')
    .action(async (dir: string, opts: Record<string, unknown>) => {
      const steps = opts.steps as number;
      let stopped = false;
      const onSigint = () => (stopped = true);
      process.once('SIGINT', onSigint);
      const progress = opts.quiet || !(steps > 0) ? null : createProgress(steps, 'duplicate');
      try {
        const { report, result } = await duplicateRun(dir, {
          neurons: parseNeurons(String(opts.neurons)),
          sigma: opts.noise as number,
          steps,
          seed: opts.seed as number | undefined,
          out: String(opts.out),
          force: Boolean(opts.force),
          shouldStop: () => stopped,
          onProgress: (done, loss) => progress?.update(done, { loss: loss.toPrecision(4) }),
        });
        progress?.stop();
        if (result.divergence) throw new UserError(`${result.divergence.message}; metrics recorded before it are kept in ${String(opts.out)}`);
        if (!opts.quiet) {
          process.stderr.write(
            `duplicated ${report.total} neuron(s) (m ${report.nHidden[0]} → ${report.nHidden[1]}); outputs moved by at most ${report.outputChangeAtDuplication.toExponential(2)} at the duplication; ` +
              `after ${result.summary.steps} steps ${report.split} of ${report.total} split into two monosemantic copies; wrote ${String(opts.out)} (duplication.json)\n`,
          );
        }
        if (result.summary.status === 'interrupted') process.exitCode = 130;
      } finally {
        progress?.stop();
        process.removeListener('SIGINT', onSigint);
      }
    });
}
