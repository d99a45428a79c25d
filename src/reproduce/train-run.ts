/**
 * Trains one reproduce run into its cache directory: the run is written under a partial
 * name (config.json, W0.npy first, metrics.jsonl as it goes) and renamed into place when
 * W.npy and summary.json are complete. Used in worker threads and in-process alike.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TrainConfig } from '../core/config.js';
import { trainToDir } from '../io/train-to-dir.js';

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
export async function trainToCache(job: TrainJob, onStep: (step: number) => void, shouldStop: () => boolean = () => false): Promise<TrainJobResult> {
  const { partial } = job;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(dirname(partial), { recursive: true });
  const { summary, backend } = await trainToDir(job.config, partial, { onProgress: (step) => onStep(step), shouldStop });
  const { wallTimeSeconds } = summary;
  if (summary.status === 'interrupted') {
    rmSync(partial, { recursive: true, force: true });
    return { status: 'aborted', backend, wallTimeSeconds };
  }
  if (existsSync(job.dir)) rmSync(job.dir, { recursive: true, force: true });
  renameSync(partial, job.dir);
  return { status: summary.status, backend, wallTimeSeconds };
}
