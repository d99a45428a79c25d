/**
 * `incidental sweep SPEC --store FILE.db`: runs a sweep spec (src/sweep/spec.ts) into a
 * run store, skipping runs stored already, with a progress line and ETA. The first Ctrl-C
 * stops cleanly (finished runs stay stored), a second exits at once; either way, and after
 * a kill, running the same command again resumes.
 */
import { CommanderError, type Command } from 'commander';
import { setAsideLine } from '../jobs/backend-keys.js';
import { JobsAborted } from '../jobs/job.js';
import { fmtSeconds } from '../reproduce/report-html.js';
import { loadSweepSpec, runSweep } from '../sweep/sweep.js';
import { onInterrupt } from './interrupt.js';
import { createDisplay } from './run-progress.js';
import { addSchedulerOptions, schedulerFromOptions } from './scheduler-options.js';

export function register(program: Command): void {
  const cmd = program
    .command('sweep')
    .description('run every config × seed of a sweep spec (YAML or JSON, W&B-style keys) into a SQLite run store; rerunning resumes')
    .argument('<spec>', 'sweep spec file (.yaml, .yml or .json)')
    .requiredOption('--store <file.db>', 'the run store (created if missing)')
    .option('--runs <dir>', 'where run directories go (default: next to the store, FILE-runs/)')
    .option('--quiet', 'no progress output');
  addSchedulerOptions(cmd);
  cmd.action(async (specPath: string, opts: Record<string, unknown>) => {
    const spec = loadSweepSpec(specPath);
    const controller = new AbortController();
    const display = opts.quiet ? null : createDisplay(process.stderr);
    const release = onInterrupt(controller, 'stopping; finished runs stay stored');
    const scheduler = await schedulerFromOptions(opts);
    try {
      const result = await runSweep({
        spec,
        storePath: String(opts.store),
        runsDir: opts.runs === undefined ? undefined : String(opts.runs),
        scheduler,
        signal: controller.signal,
        onProgress: display?.update,
      });
      display?.stop();
      if (result.setAside.length) process.stderr.write(`incidental: ${setAsideLine(result.setAside, result.runsDir)}\n`);
      const trained = result.jobs.length - result.cached.size;
      process.stdout.write(
        `${result.jobs.length} runs: ${trained} trained, ${result.cached.size} already stored; ${fmtSeconds(result.trainingSeconds)}; store: ${result.storePath}, run directories: ${result.runsDir}\n`,
      );
    } catch (err) {
      display?.stop();
      if (err instanceof JobsAborted) {
        const message = `interrupted; finished runs are stored in ${String(opts.store)}; run the same command again to resume`;
        process.stderr.write(`incidental: ${message}\n`);
        throw new CommanderError(130, 'incidental.interrupted', message);
      }
      throw err;
    } finally {
      release();
      await scheduler.close();
    }
  });
}
