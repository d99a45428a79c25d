/**
 * `incidental train`: trains nInstances models and writes a run directory
 * (src/io/train-to-dir.ts). The run is staged beside --out and renamed into place when it
 * ends, so --out holds either its old contents or the whole new run; a non-empty --out is
 * refused unless --force. Metrics are appended as they are recorded, so a divergence,
 * Ctrl-C or SIGTERM keeps everything computed so far (exit 130 / 143).
 */
import type { Command } from 'commander';
import { checkFieldsHaveEffect, CONFIG_FIELDS, CONFIG_KEYS, parseConfig, type ConfigField, type TrainConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { readWeights } from '../io/run-dir.js';
import { trainIntoRunDir } from '../io/train-to-dir.js';
import { parseNumber } from './options.js';
import { createProgress } from './progress.js';

/** The commander option name of a flag: `--noise-std` → noiseStd, `--no-benefit` → benefit. */
function optionKey(flag: string): string {
  return flag
    .slice(2)
    .replace(/^no-/, '')
    .replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Adds the training flags (with their defaults), one per field of the config table. */
export function addTrainOptions(cmd: Command): Command {
  for (const key of CONFIG_KEYS) {
    const f = CONFIG_FIELDS[key] as ConfigField<unknown>;
    if (f.kind === 'boolean') cmd.option(f.flag, f.help);
    else if (f.kind === 'int' || f.kind === 'number') cmd.option(`${f.flag} ${f.arg}`, f.help, parseNumber, (f.default ?? undefined) as number | undefined);
    else cmd.option(`${f.flag} ${f.arg ?? '<value>'}`, f.help, (f.default ?? undefined) as string | undefined);
  }
  return cmd;
}

/** Commander's parsed options → a validated TrainConfig. */
export function configFromOptions(opts: Record<string, unknown>): TrainConfig {
  const input: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const f = CONFIG_FIELDS[key] as ConfigField<unknown>;
    const value = opts[optionKey(f.flag)];
    if (f.kind === 'boolean') input[key] = value === undefined ? f.default : value !== false;
    else if (value !== undefined) input[key] = value;
  }
  return parseConfig(input);
}

export function register(program: Command): void {
  const cmd = program
    .command('train')
    .description('train the toy model and write a run directory (config.json, W0.npy, W.npy, metrics.jsonl, summary.json)')
    .requiredOption('--out <dir>', 'output run directory')
    .option('--init <file.npy>', 'start from these weights, shape (instances, n, m) or (n, m)')
    .option('--force', 'replace a non-empty --out whole (default: refuse it)')
    .option('--quiet', 'no progress output');
  addTrainOptions(cmd);
  cmd.action(async (opts: Record<string, unknown>) => {
    const config = configFromOptions(opts);
    const explicit = CONFIG_KEYS.filter((k) => cmd.getOptionValueSource(optionKey(CONFIG_FIELDS[k].flag)) === 'cli');
    checkFieldsHaveEffect(config, explicit, { init: opts.init !== undefined });
    await trainCommand(config, String(opts.out), opts.init as string | undefined, Boolean(opts.quiet), Boolean(opts.force));
  });
}

function loadInit(path: string, c: TrainConfig): Float32Array {
  const { data, shape } = readWeights(path, `--init ${path}`);
  const want = [c.nInstances, c.nFeatures, c.nHidden];
  const ok = shape.join() === want.join() || (c.nInstances === 1 && shape.join() === want.slice(1).join());
  if (!ok) throw new UserError(`invalid --init: ${path} has shape (${shape.join(', ')}), expected (${want.join(', ')})`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new UserError(`invalid --init: ${path} holds a non-finite value at flat index ${i}`);
  }
  return data;
}

/** Exit codes of a run stopped by a signal: 128 + the signal's number, as shells report it. */
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

export async function trainCommand(config: TrainConfig, out: string, initPath: string | undefined, quiet: boolean, force = false): Promise<void> {
  const W0 = initPath ? loadInit(initPath, config) : undefined;
  let stoppedBy: 'SIGINT' | 'SIGTERM' | null = null;
  const onSigint = () => (stoppedBy ??= 'SIGINT');
  const onSigterm = () => (stoppedBy ??= 'SIGTERM');
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  const progress = quiet ? null : createProgress(config.steps, 'train');
  const started = performance.now();
  let result: Awaited<ReturnType<typeof trainIntoRunDir>>;
  try {
    result = await trainIntoRunDir(config, out, {
      force,
      W0,
      init: initPath,
      shouldStop: () => stoppedBy !== null,
      onProgress: (done, loss) => {
        const rate = done / ((performance.now() - started) / 1000);
        progress?.update(done, { loss: loss.toPrecision(4), 'steps/s': rate.toFixed(1) });
      },
    });
  } finally {
    progress?.stop();
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigterm);
  }
  const { summary, divergence } = result;
  if (divergence) throw new UserError(`${divergence.message}; metrics recorded before it are kept in ${out}`);
  if (summary.status === 'interrupted') {
    const signal = stoppedBy ?? 'SIGINT';
    process.stderr.write(`incidental: interrupted at step ${summary.steps} (${signal}); weights and metrics so far are in ${out}\n`);
    process.exitCode = SIGNAL_EXIT[signal];
    return;
  }
  if (!quiet) {
    const loss = summary.finalLoss.reduce((a, b) => a + b, 0) / summary.finalLoss.length;
    process.stderr.write(
      `done: ${summary.steps} steps in ${summary.wallTimeSeconds.toFixed(1)} s (${summary.stepsPerSecond.toFixed(1)} steps/s, ${summary.backend}); ` +
        `final loss ${loss.toPrecision(4)}; one-hot features per instance ${summary.oneHotFeatures.join(', ')} of ${config.nFeatures}; wrote ${out}\n`,
    );
  }
}
