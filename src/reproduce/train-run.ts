/**
 * Trains one reproduce run into its cache directory: the run is written under a partial
 * name (config.json, W0.npy first, metrics.jsonl as it goes) and renamed into place when
 * W.npy and summary.json are complete. Used in worker threads and in-process alike.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TrainConfig } from '../core/config.js';
import { DivergenceError } from '../core/errors.js';
import { countOneHotFeatures } from '../core/metrics.js';
import { createTrainer } from '../core/train.js';
import { RunWriter, writeWeights } from '../io/run-dir.js';
import { VERSION } from '../version.js';

export interface TrainJob {
  key: string;
  label: string;
  config: TrainConfig;
  /** final directory (OUT/runs/<key>) */
  dir: string;
  /** where the run is written until it is complete */
  partial: string;
}

export interface TrainJobResult {
  status: 'finished' | 'diverged' | 'aborted';
  backend: string;
  wallTimeSeconds: number;
}

/**
 * @param onStep called about every 0.2 s with the steps done
 * @param shouldStop polled between chunks (in-process runs); true leaves nothing behind
 */
export async function trainToDir(job: TrainJob, onStep: (step: number) => void, shouldStop: () => boolean = () => false): Promise<TrainJobResult> {
  const { config, partial } = job;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(dirname(partial), { recursive: true });
  const trainer = await createTrainer(config);
  const shape = [config.nInstances, config.nFeatures, config.nHidden];
  const writer = new RunWriter(partial);
  writer.writeConfig({
    tool: 'incidental',
    version: VERSION,
    createdAt: new Date().toISOString(),
    config,
    init: 'seed',
    backend: trainer.session.backend,
    dtype: trainer.session.dtype,
  });
  writeWeights(join(partial, 'W0.npy'), trainer.W0, shape);
  const started = performance.now();
  let status: TrainJobResult['status'] = 'finished';
  let error: string | undefined;
  try {
    let chunk = 1;
    while (!trainer.done) {
      if (shouldStop()) {
        status = 'aborted';
        break;
      }
      const t0 = performance.now();
      for (const s of trainer.advance(chunk)) writer.appendSnapshot(s);
      const dt = performance.now() - t0;
      chunk = Math.max(1, Math.min(100_000, Math.round((chunk * 200) / Math.max(dt, 1))));
      onStep(trainer.step);
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (status === 'finished') writer.appendSnapshot(trainer.finish());
  } catch (err) {
    if (!(err instanceof DivergenceError)) throw err;
    status = 'diverged';
    error = err.message;
  }
  const wallTimeSeconds = (performance.now() - started) / 1000;
  const backend = trainer.session.backend;
  if (status === 'aborted') {
    trainer.session.dispose();
    rmSync(partial, { recursive: true, force: true });
    return { status, backend, wallTimeSeconds };
  }
  const W = trainer.weights();
  writeWeights(join(partial, 'W.npy'), W, shape);
  const last = trainer.snapshots[trainer.snapshots.length - 1];
  writer.writeSummary({
    status,
    ...(error ? { error } : {}),
    steps: trainer.step,
    finalLoss: last ? last.loss : [],
    wallTimeSeconds,
    stepsPerSecond: trainer.step / wallTimeSeconds,
    backend,
    threads: config.threads,
    oneHotFeatures: countOneHotFeatures(W, config.nInstances, config.nFeatures, config.nHidden),
    nFeatures: config.nFeatures,
  });
  trainer.session.dispose();
  if (existsSync(job.dir)) rmSync(job.dir, { recursive: true, force: true });
  renameSync(partial, job.dir);
  return { status, backend, wallTimeSeconds };
}
