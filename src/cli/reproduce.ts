/**
 * `incidental reproduce`: reruns the paper's experiments (A–F) and the questions beyond it
 * (G–L), and writes one report.
 * A thin shell over src/reproduce/runner.ts: flags, a progress line (redrawn on a
 * terminal, periodic plain lines otherwise) and Ctrl-C handling (the first press stops
 * cleanly keeping every finished run, a second one exits at once).
 */
import os from 'node:os';
import { CommanderError, type Command } from 'commander';
import { parseOnly, parseScale } from '../reproduce/registry.js';
import type { ExperimentId, ScaleName } from '../reproduce/types.js';
import { setAsideLine } from '../jobs/backend-keys.js';
import { fmtSeconds } from '../reproduce/report-html.js';
import { planCost, reproduce, ReproduceInterrupted } from '../reproduce/runner.js';
import { onInterrupt } from './interrupt.js';
import { addSchedulerOptions, schedulerFromOptions, workersFromOptions } from './scheduler-options.js';
import { createDisplay } from './run-progress.js';

export { formatProgress } from './run-progress.js';

export function register(program: Command): void {
  const cmd = program
    .command('reproduce')
    .description("rerun the paper's experiments (A–F) and the open questions beyond it (G–L); write a self-contained report (report.html, figures as SVG/PNG, data as JSON/CSV)")
    .option('--scale <scale>', 'quick (minutes, scaled down), paper (the published parameters: hours), or test (seconds, meaningless numbers)', 'quick')
    .option('--only <ids>', 'comma-separated experiments, e.g. A,B,E (default: all)')
    .option('--out <dir>', 'output directory (runs are cached in OUT/runs)', 'reproduce-out')
    .option('--fresh', 'recompute every run instead of reusing the cache')
    .option('--no-png', 'skip the PNG copies of the figures')
    .option('--quiet', 'no progress output');
  addSchedulerOptions(cmd);
  cmd.action(async (opts: Record<string, unknown>) => {
      const scale = parseScale(String(opts.scale));
      const only = opts.only === undefined ? undefined : parseOnly(String(opts.only));
      const workers = workersFromOptions(opts);
      const scheduler = opts.queue === undefined ? undefined : await schedulerFromOptions(opts);
      if (!opts.quiet) process.stderr.write(costLine(scale, only) + '\n');
      const controller = new AbortController();
      const release = onInterrupt(controller, 'stopping; finished runs stay cached');
      const display = opts.quiet ? null : createDisplay(process.stderr);
      try {
        const result = await reproduce({
          out: String(opts.out),
          scale,
          only,
          fresh: Boolean(opts.fresh),
          workers,
          scheduler,
          png: opts.png !== false,
          signal: controller.signal,
          onProgress: display?.update,
          command: ['incidental', ...process.argv.slice(2)].join(' '),
        });
        display?.stop();
        const { setAside } = result.provenance;
        if (setAside.length) process.stderr.write(`incidental: ${setAsideLine(setAside, `${String(opts.out)}/runs`)}\n`);
        const checks = result.experiments.flatMap((e) => e.checks);
        for (const c of checks) process.stdout.write(`${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.measured} (${c.criterion})\n`);
        const trained = result.provenance.runs.filter((r) => !r.cached).length;
        process.stdout.write(
          `${checks.filter((c) => c.pass).length} of ${checks.length} checks pass; ${result.provenance.runs.length} runs (${trained} trained, ` +
            `${result.provenance.runs.length - trained} cached) in ${fmtSeconds(result.provenance.wallTimeSeconds)}; report: ${result.reportPath}\n`,
        );
      } catch (err) {
        display?.stop();
        if (err instanceof ReproduceInterrupted) {
          process.stderr.write(`incidental: ${err.message}\n`);
          // runCli turns a CommanderError into its exit code (setting process.exitCode here would be overwritten)
          throw new CommanderError(130, 'incidental.interrupted', err.message);
        }
        throw err;
      } finally {
        release();
        await scheduler?.close();
      }
    });
}

/**
 * The cost of a scale, said before it starts: distinct runs, their estimated work (the
 * runner's multiply-add estimate, src/jobs/job.ts) and a rough time at 2.5·10¹⁰ units per
 * CPU-second: the quick scale measured 9.2·10¹² units in 351 CPU-seconds (wasm kernels,
 * Node 20, shared 2-core x86 machine). Cached runs cost nothing.
 */
export const WORK_PER_CPU_SECOND = 2.5e10;

export function costLine(scale: ScaleName, only?: ExperimentId[]): string {
  const { runs, work } = planCost(scale, only);
  const cores = Math.min(2, os.availableParallelism?.() ?? os.cpus().length);
  const seconds = work / (WORK_PER_CPU_SECOND * cores);
  return `incidental: scale ${scale}: ${runs} training runs, about ${work.toExponential(1)} multiply-adds (roughly ${fmtSeconds(seconds)} of training on ${cores} idle core${cores > 1 ? 's' : ''}, less for cached runs)`;
}
