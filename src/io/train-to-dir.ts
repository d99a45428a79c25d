/**
 * Trains one config into a run directory (src/io/run-dir.ts), the loop shared by
 * `incidental train` and `incidental reproduce`: config.json and W0.npy first, snapshots
 * appended as they are recorded, then W.npy and summary.json. Advances in chunks of about
 * 0.2 s and yields between them, so progress shows and a stop request (Ctrl-C, an abort)
 * is seen; a divergence or a stop keeps everything recorded so far.
 */
import type { TrainConfig } from '../core/config.js';
import { DivergenceError } from '../core/errors.js';
import { countOneHotFeatures } from '../core/metrics.js';
import { openTrainer } from '../kernels/select.js';
import { VERSION } from '../version.js';
import { RunWriter, writeWeights, type RunSummary } from './run-dir.js';

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
  const trainer = await openTrainer(config, { W0: options.W0 });
  const backend = trainer.session.backend;
  try {
    const shape = [config.nInstances, config.nFeatures, config.nHidden];
    const writer = new RunWriter(dir);
    writer.writeConfig({
      tool: 'incidental',
      version: VERSION,
      createdAt: new Date().toISOString(),
      config,
      init: options.init ?? 'seed',
      backend,
      dtype: trainer.session.dtype,
    });
    writeWeights(`${dir}/W0.npy`, trainer.W0, shape);

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
        for (const s of trainer.advance(chunk)) {
          writer.appendSnapshot(s);
          lastLoss = s.lossMean;
        }
        chunk = Math.max(1, Math.min(100_000, Math.round((chunk * 200) / Math.max(performance.now() - t0, 1))));
        onProgress(trainer.step, lastLoss);
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (status === 'finished') writer.appendSnapshot(trainer.finish());
    } catch (err) {
      if (!(err instanceof DivergenceError)) throw err;
      status = 'diverged';
      divergence = err;
    }
    const wallTimeSeconds = (performance.now() - started) / 1000;
    const W = trainer.weights();
    writeWeights(`${dir}/W.npy`, W, shape); // after a divergence: the non-finite weights it reached
    const last = trainer.snapshots[trainer.snapshots.length - 1];
    const summary: RunSummary = {
      status,
      ...(divergence ? { error: divergence.message } : {}),
      steps: divergence ? divergence.step : trainer.step, // the last weights with a finite loss
      finalLoss: last ? last.loss : [],
      wallTimeSeconds,
      stepsPerSecond: trainer.step / wallTimeSeconds,
      backend,
      threads: config.threads,
      oneHotFeatures: countOneHotFeatures(W, config.nInstances, config.nFeatures, config.nHidden),
      nFeatures: config.nFeatures,
    };
    writer.writeSummary(summary);
    return { summary, divergence, backend };
  } finally {
    trainer.session.dispose();
  }
}
