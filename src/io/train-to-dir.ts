/**
 * Trains one config into a run directory (src/io/run-dir.ts), the loop shared by
 * `incidental train` and `incidental reproduce`: config.json and W0.npy first, each chunk's
 * snapshots appended to metrics.jsonl as soon as they are recorded (none are kept in
 * memory), then W.npy and summary.json. The chunked loop (src/core/train-loop.ts) yields
 * about every 0.2 s, so progress shows and a stop request (Ctrl-C, SIGTERM, an abort) is
 * seen; a divergence or a stop keeps everything recorded so far.
 *
 * `trainIntoRunDir` wraps it in a staged directory (src/io/staged-dir.ts): the run appears
 * at OUT whole, or OUT keeps what it held before.
 */
import type { TrainConfig } from '../core/config.js';
import type { DivergenceError } from '../core/errors.js';
import { countOneHotFeatures } from '../core/metrics.js';
import type { Snapshot } from '../core/train.js';
import { trainToEnd } from '../core/train-loop.js';
import { openTrainer } from '../kernels/select.js';
import { readDataFile } from './data-file.js';
import { VERSION } from '../version.js';
import { fsUserError } from './fs-errors.js';
import { newRunId, RunWriter, writeWeights, type RunSummary } from './run-dir.js';
import { stageDir } from './staged-dir.js';

export interface TrainToDirOptions {
  /** start from these weights, Float32Array [nInstances, n, m], instead of the seed's draw */
  W0?: Float32Array;
  /** recorded in config.json as the init source ("seed" by default) */
  init?: string;
  /** called after each chunk with the steps done and the latest recorded mean loss */
  onProgress?: (step: number, lossMean: number) => void;
  /** polled between chunks; true stops the run as 'interrupted' */
  shouldStop?: () => boolean;
}

export interface TrainToDirResult {
  summary: RunSummary;
  /** the divergence that stopped the run, if any */
  divergence?: DivergenceError;
  backend: string;
}

export async function trainToDir(config: TrainConfig, dir: string, options: TrainToDirOptions = {}): Promise<TrainToDirResult> {
  const { onProgress = () => {}, shouldStop = () => false } = options;
  const data = config.data === 'file' ? readDataFile(config.dataFile!, config.nFeatures) : null;
  const trainer = await openTrainer(config, { W0: options.W0, data: data?.matrix });
  const backend = trainer.session.backend;
  try {
    const shape = [config.nInstances, config.nFeatures, config.nHidden];
    const runId = newRunId();
    const writer = new RunWriter(dir);
    writer.writeConfig({
      tool: 'incidental',
      version: VERSION,
      createdAt: new Date().toISOString(),
      runId,
      config,
      init: options.init ?? 'seed',
      data: data ? data.record : { kind: config.data },
      backend,
      dtype: trainer.session.dtype,
    });
    writeWeights(`${dir}/W0.npy`, trainer.W0, shape);
    if (trainer.decoder0) writeWeights(`${dir}/W0_dec.npy`, trainer.decoder0, shape);

    const { status, divergence, wallTimeSeconds } = await trainToEnd(trainer, {
      onSnapshots: (snaps) => writer.appendSnapshots(snaps),
      onProgress,
      shouldStop,
    });
    const W = trainer.weights();
    writeWeights(`${dir}/W.npy`, W, shape); // after a divergence: the non-finite weights it reached
    const decoder = trainer.decoderWeights();
    if (decoder) writeWeights(`${dir}/W_dec.npy`, decoder, shape);
    const summary = runSummary(config, trainer.lastSnapshot, W, {
      status,
      runId,
      divergence,
      wallTimeSeconds,
      steps: trainer.step,
      backend,
      threads: trainer.session.threads ?? 1, // what ran, not what was asked (0 = automatic)
    });
    writer.writeSummary(summary);
    return { summary, divergence, backend };
  } finally {
    trainer.session.dispose();
  }
}

/** The summary.json of a run, from its config, last snapshot, final weights and how the loop ended. */
export function runSummary(
  config: TrainConfig,
  last: Snapshot | null,
  W: Float32Array,
  end: { status: RunSummary['status']; runId?: string; divergence?: DivergenceError; wallTimeSeconds: number; steps: number; backend: string; threads: number },
): RunSummary {
  return {
    status: end.status,
    ...(end.runId ? { runId: end.runId } : {}),
    ...(end.divergence ? { error: end.divergence.message } : {}),
    steps: end.divergence ? end.divergence.step : end.steps, // the last weights with a finite loss
    finalLoss: last ? last.loss : [],
    wallTimeSeconds: end.wallTimeSeconds,
    stepsPerSecond: end.steps / end.wallTimeSeconds,
    backend: end.backend,
    threads: end.threads,
    oneHotFeatures: countOneHotFeatures(W, config.nInstances, config.nFeatures, config.nHidden),
    nFeatures: config.nFeatures,
  };
}

export interface TrainIntoRunDirOptions extends TrainToDirOptions {
  /** replace a non-empty `out` whole instead of refusing */
  force?: boolean;
  /** the option that named `out`, for messages (default "--out") */
  flag?: string;
}

/**
 * Trains into a staging directory and renames it to `out` when the run ends, finished,
 * diverged or interrupted (each a whole run directory). A non-empty `out` is refused unless
 * `force`; a failure (a full disk, a bug) removes the staging directory and leaves `out`
 * as it was. Refusals and file-system failures are one-line UserErrors.
 */
export async function trainIntoRunDir(config: TrainConfig, out: string, options: TrainIntoRunDirOptions = {}): Promise<TrainToDirResult> {
  const staged = stageDir(out, { force: options.force ?? false, flag: options.flag });
  let result: TrainToDirResult;
  try {
    result = await trainToDir(config, staged.path, options);
  } catch (err) {
    staged.discard();
    throw fsUserError(err, `writing ${out}`, `; the partial output was removed and ${out} holds what it held before`);
  }
  staged.commit();
  return result;
}
