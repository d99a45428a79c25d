/**
 * Trains one config into a run directory (src/io/run-dir.ts), the loop shared by
 * `incidental train` and `incidental reproduce`: config.json and W0.npy first, each chunk's
 * snapshots appended to metrics.jsonl as soon as they are recorded (none are kept in
 * memory), then W.npy and summary.json. Advances in chunks of about 0.2 s and yields
 * between them, so progress shows and a stop request (Ctrl-C, SIGTERM, an abort) is seen;
 * a divergence or a stop keeps everything recorded so far.
 *
 * `trainIntoRunDir` wraps it in a staged directory (src/io/staged-dir.ts): the run appears
 * at OUT whole, or OUT keeps what it held before.
 */
import type { TrainConfig } from '../core/config.js';
import { DivergenceError } from '../core/errors.js';
import { countOneHotFeatures } from '../core/metrics.js';
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
  /** the thread count recorded in summary.json (default: config.threads) */
  threadsUsed?: number;
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

    const started = performance.now();
    let status: RunSummary['status'] = 'finished';
    let divergence: DivergenceError | undefined;
    try {
      let chunk = 1;
      let lastLoss = NaN;
      while (!trainer.done) {
        if (shouldStop()) {
          status = 'interrupted';
          break;
        }
        const t0 = performance.now();
        const recorded = trainer.advance(chunk);
        writer.appendSnapshots(recorded);
        if (recorded.length > 0) lastLoss = recorded[recorded.length - 1].lossMean;
        chunk = Math.max(1, Math.min(100_000, Math.round((chunk * 200) / Math.max(performance.now() - t0, 1))));
        onProgress(trainer.step, lastLoss);
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (status === 'finished') writer.appendSnapshots([trainer.finish()]);
    } catch (err) {
      if (!(err instanceof DivergenceError)) throw err;
      writer.appendSnapshots(trainer.takeRecorded()); // the diverging chunk's snapshots before the step that failed
      status = 'diverged';
      divergence = err;
    }
    const wallTimeSeconds = (performance.now() - started) / 1000;
    const W = trainer.weights();
    writeWeights(`${dir}/W.npy`, W, shape); // after a divergence: the non-finite weights it reached
    const decoder = trainer.decoderWeights();
    if (decoder) writeWeights(`${dir}/W_dec.npy`, decoder, shape);
    const last = trainer.lastSnapshot;
    const summary: RunSummary = {
      status,
      runId,
      ...(divergence ? { error: divergence.message } : {}),
      steps: divergence ? divergence.step : trainer.step, // the last weights with a finite loss
      finalLoss: last ? last.loss : [],
      wallTimeSeconds,
      stepsPerSecond: trainer.step / wallTimeSeconds,
      backend,
      threads: options.threadsUsed ?? config.threads,
      oneHotFeatures: countOneHotFeatures(W, config.nInstances, config.nFeatures, config.nHidden),
      nFeatures: config.nFeatures,
    };
    writer.writeSummary(summary);
    return { summary, divergence, backend };
  } finally {
    trainer.session.dispose();
  }
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
