/**
 * `incidental train`: trains nInstances models and writes a run directory
 * (see src/io/run-dir.ts). Metrics are appended as they are recorded, so a divergence
 * or Ctrl-C keeps everything computed so far.
 */
import type { Command } from 'commander';
import { DEFAULTS, parseConfig, type TrainConfig } from '../core/config.js';
import { DivergenceError, UserError } from '../core/errors.js';
import { countOneHotFeatures } from '../core/metrics.js';
import { NOISE_NAMES } from '../core/noise.js';
import { OPTIMIZER_NAMES } from '../core/optimizers.js';
import { createTrainer, type Trainer } from '../core/train.js';
import { readWeights, RunWriter, writeWeights } from '../io/run-dir.js';
import { VERSION } from '../version.js';
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
  const trainer = await createTrainer(config, { W0 });
  const shape = [config.nInstances, config.nFeatures, config.nHidden];
  const writer = new RunWriter(out);
  writer.writeConfig({
    tool: 'incidental',
    version: VERSION,
    createdAt: new Date().toISOString(),
    config,
    init: initPath ?? 'seed',
    backend: trainer.session.backend,
    dtype: trainer.session.dtype,
  });
  writeWeights(`${out}/W0.npy`, trainer.W0, shape);

  let interrupted = false;
  const onSigint = () => (interrupted = true);
  process.once('SIGINT', onSigint);
  const progress = quiet ? null : createProgress(config.steps, 'train');
  const started = performance.now();
  let status: 'finished' | 'diverged' | 'interrupted' = 'finished';
  let error: DivergenceError | undefined;
  try {
    await runLoop(trainer, writer, () => interrupted, (done, loss) => {
      const rate = done / ((performance.now() - started) / 1000);
      progress?.update(done, { loss: loss.toPrecision(4), 'steps/s': rate.toFixed(1) });
    });
    if (interrupted) status = 'interrupted';
    else writer.appendSnapshot(trainer.finish());
  } catch (err) {
    if (!(err instanceof DivergenceError)) throw err;
    status = 'diverged';
    error = err;
  } finally {
    progress?.stop();
    process.removeListener('SIGINT', onSigint);
  }
  const wall = (performance.now() - started) / 1000;
  const W = trainer.weights();
  if (status !== 'diverged') writeWeights(`${out}/W.npy`, W, shape);
  const last = trainer.snapshots[trainer.snapshots.length - 1];
  writer.writeSummary({
    status,
    ...(error ? { error: error.message } : {}),
    steps: trainer.step,
    finalLoss: last ? last.loss : [],
    wallTimeSeconds: wall,
    stepsPerSecond: trainer.step / wall,
    backend: trainer.session.backend,
    threads: config.threads,
    oneHotFeatures: status === 'diverged' ? [] : countOneHotFeatures(W, config.nInstances, config.nFeatures, config.nHidden),
    nFeatures: config.nFeatures,
  });
  trainer.session.dispose();
  if (error) throw new UserError(`${error.message}; metrics up to step ${last?.step ?? 0} are kept in ${out}`);
  if (status === 'interrupted') {
    process.stderr.write(`incidental: interrupted at step ${trainer.step}; weights and metrics so far are in ${out}\n`);
    process.exitCode = 130;
    return;
  }
  if (!quiet) {
    const oneHot = countOneHotFeatures(W, config.nInstances, config.nFeatures, config.nHidden);
    process.stderr.write(
      `done: ${trainer.step} steps in ${wall.toFixed(1)} s (${(trainer.step / wall).toFixed(1)} steps/s, ${trainer.session.backend}); ` +
        `final loss ${last?.lossMean.toPrecision(4)}; one-hot features per instance ${oneHot.join(', ')} of ${config.nFeatures}; wrote ${out}\n`,
    );
  }
}

/** Advances in chunks of about 0.2 s, appending snapshots and yielding so Ctrl-C is seen. */
async function runLoop(trainer: Trainer, writer: RunWriter, stop: () => boolean, report: (done: number, loss: number) => void): Promise<void> {
  let chunk = 1;
  let lastLoss = NaN;
  while (!trainer.done && !stop()) {
    const t0 = performance.now();
    for (const s of trainer.advance(chunk)) {
      writer.appendSnapshot(s);
      lastLoss = s.lossMean;
    }
    const dt = performance.now() - t0;
    chunk = Math.max(1, Math.min(10_000, Math.round((chunk * 200) / Math.max(dt, 1))));
    report(trainer.step, lastLoss);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
