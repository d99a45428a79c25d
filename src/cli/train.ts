/**
 * `incidental train`: trains nInstances models and writes a run directory
 * (src/io/train-to-dir.ts). Metrics are appended as they are recorded, so a divergence
 * or Ctrl-C keeps everything computed so far.
 */
import type { Command } from 'commander';
import { DEFAULTS, parseConfig, type TrainConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { NOISE_NAMES } from '../core/noise.js';
import { OPTIMIZER_NAMES } from '../core/optimizers.js';
import { readWeights } from '../io/run-dir.js';
import { trainToDir } from '../io/train-to-dir.js';
import { parseNumber } from './options.js';
import { createProgress } from './progress.js';

/** CLI flag → config field, for every numeric or string training option. */
export const TRAIN_FLAGS: Array<[flag: string, field: keyof TrainConfig, help: string, kind: 'number' | 'string']> = [
  ['--n <int>', 'nFeatures', 'number of features n', 'number'],
  ['--m <int>', 'nHidden', 'number of hidden neurons m', 'number'],
  ['--instances <int>', 'nInstances', 'independent models trained side by side', 'number'],
  ['--lambda <x>', 'lambda', 'L1 coefficient λ', 'number'],
  ['--optimizer <name>', 'optimizer', `one of ${OPTIMIZER_NAMES.join(', ')}`, 'string'],
  ['--lr <x>', 'lr', 'learning rate', 'number'],
  ['--steps <int>', 'steps', 'full-batch training steps', 'number'],
  ['--seed <int>', 'seed', 'random seed (init and noise streams)', 'number'],
  ['--init-scale <x>', 'initScale', 'init std = initScale/√m', 'number'],
  ['--noise <kind>', 'noise', `hidden-layer noise: ${NOISE_NAMES.join(', ')}`, 'string'],
  ['--noise-std <x>', 'noiseStd', 'hidden-noise standard deviation σ', 'number'],
  ['--snapshot-every <int>', 'snapshotEvery', 'record metrics every k steps', 'number'],
  ['--backend <name>', 'backend', 'auto, reference (float64 TypeScript) or wasm (SIMD)', 'string'],
  ['--threads <int>', 'threads', 'worker threads for the wasm backend (0 = automatic)', 'number'],
  ['--weight-decay <x>', 'weightDecay', 'AdamW decoupled weight decay', 'number'],
  ['--beta1 <x>', 'beta1', 'Adam/AdamW β1', 'number'],
  ['--beta2 <x>', 'beta2', 'Adam/AdamW β2', 'number'],
  ['--eps <x>', 'eps', 'Adam/AdamW ε', 'number'],
  ['--memory-limit <MiB>', 'memoryLimitMiB', 'refuse configs whose training state exceeds this', 'number'],
];

/** Adds the training flags (with their defaults) to a command. */
export function addTrainOptions(cmd: Command): Command {
  for (const [flag, field, help, kind] of TRAIN_FLAGS) {
    if (kind === 'number') cmd.option(flag, help, parseNumber, DEFAULTS[field] as number);
    else cmd.option(flag, help, DEFAULTS[field] as string);
  }
  cmd.option('--no-benefit', 'drop the feature-benefit force');
  cmd.option('--no-interference', 'drop the interference force (sparsification study)');
  cmd.option('--no-regularization', 'drop the regularization force (train as if λ = 0)');
  return cmd;
}

/** Commander's parsed options → a validated TrainConfig. */
export function configFromOptions(opts: Record<string, unknown>): TrainConfig {
  const input: Record<string, unknown> = {};
  for (const [flag, field] of TRAIN_FLAGS) {
    const key = flag
      .slice(2)
      .split(' ')[0]
      .replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (opts[key] !== undefined) input[field] = opts[key];
  }
  input.benefit = opts.benefit !== false;
  input.interference = opts.interference !== false;
  input.regularization = opts.regularization !== false;
  return parseConfig(input);
}

export function register(program: Command): void {
  const cmd = program
    .command('train')
    .description('train the toy model and write a run directory (config.json, W0.npy, W.npy, metrics.jsonl, summary.json)')
    .requiredOption('--out <dir>', 'output run directory')
    .option('--init <file.npy>', 'start from these weights, shape (instances, n, m) or (n, m)')
    .option('--quiet', 'no progress output');
  addTrainOptions(cmd);
  cmd.action(async (opts: Record<string, unknown>) => {
    const config = configFromOptions(opts);
    await trainCommand(config, String(opts.out), opts.init as string | undefined, Boolean(opts.quiet));
  });
}

function loadInit(path: string, c: TrainConfig): Float32Array {
  const { data, shape } = readWeights(path);
  const want = [c.nInstances, c.nFeatures, c.nHidden];
  const ok = shape.join() === want.join() || (c.nInstances === 1 && shape.join() === want.slice(1).join());
  if (!ok) throw new UserError(`invalid --init: ${path} has shape (${shape.join(', ')}), expected (${want.join(', ')})`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new UserError(`invalid --init: ${path} holds a non-finite value at flat index ${i}`);
  }
  return data;
}

export async function trainCommand(config: TrainConfig, out: string, initPath: string | undefined, quiet: boolean): Promise<void> {
  const W0 = initPath ? loadInit(initPath, config) : undefined;
  let interrupted = false;
  const onSigint = () => (interrupted = true);
  process.once('SIGINT', onSigint);
  const progress = quiet ? null : createProgress(config.steps, 'train');
  const started = performance.now();
  let result: Awaited<ReturnType<typeof trainToDir>>;
  try {
    result = await trainToDir(config, out, {
      W0,
      init: initPath,
      shouldStop: () => interrupted,
      onProgress: (done, loss) => {
        const rate = done / ((performance.now() - started) / 1000);
        progress?.update(done, { loss: loss.toPrecision(4), 'steps/s': rate.toFixed(1) });
      },
    });
  } finally {
    progress?.stop();
    process.removeListener('SIGINT', onSigint);
  }
  const { summary, divergence } = result;
  if (divergence) throw new UserError(`${divergence.message}; metrics recorded before it are kept in ${out}`);
  if (summary.status === 'interrupted') {
    process.stderr.write(`incidental: interrupted at step ${summary.steps}; weights and metrics so far are in ${out}\n`);
    process.exitCode = 130;
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
