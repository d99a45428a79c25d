/**
 * Training data for the general model (SCIENCE.md §8): where each step's batch comes from.
 * - onehot: the paper's full batch X = I, implicit (backends handle it without an X).
 * - bernoulli: each entry of a row on independently with probability p, value 1 or uniform in
 *   (0, 1] (Toy Models of Superposition); a fresh batch every step from one seeded stream per
 *   instance, so instance i's batches are the same whatever the number of instances, and the
 *   same seed gives the same batches on any machine and thread count (drawn on the host).
 * - file: the rows of a user's (N, n) matrix, the next B each step in order, wrapping around;
 *   every instance sees the same rows.
 * Batches are Float32Array [nInstances, B, n]: values are rounded to float32 once, here, so
 * every backend trains on the same numbers (as W0 is rounded to float32).
 *
 * @example
 *   const source = createBatchSource(config, null);   // bernoulli config
 *   const X = new Float32Array(config.nInstances * source.rows * config.nFeatures);
 *   source.next(X);
 */
import type { TrainConfig } from './config.js';
import { createStreams, type RandomStream } from './rng.js';

export const DATA_KINDS = ['onehot', 'bernoulli', 'file'] as const;
export type DataName = (typeof DATA_KINDS)[number];
export const MAGNITUDES = ['one', 'uniform'] as const;
export type Magnitude = (typeof MAGNITUDES)[number];

/** A loaded data matrix: rows [N, n] row-major, float32. */
export interface DataMatrix {
  X: Float32Array;
  rows: number;
}

/** Fills one batch per step. */
export interface BatchSource {
  /** B: rows per instance and step */
  readonly rows: number;
  /** Writes the next batch, X [nInstances, rows, nFeatures], and advances. */
  next(X: Float32Array): void;
}

type DataConfig = Pick<TrainConfig, 'data' | 'nFeatures' | 'nInstances' | 'batch' | 'featureProbability' | 'magnitude' | 'seed'>;

/** Rows per step: the config's batch, else n for bernoulli and N for a data file. */
export function batchSizeOf(c: DataConfig, matrix: DataMatrix | null): number {
  if (c.data === 'onehot') return c.nFeatures;
  if (c.batch !== null) return c.batch;
  if (c.data === 'file') {
    if (!matrix) throw new Error('batchSizeOf: file data needs its matrix');
    return matrix.rows;
  }
  return c.nFeatures;
}

/** Seed of the data streams, derived from the run's seed (distinct from init and noise). */
export function dataSeed(seed: number): number {
  return (seed + 0x3c6ef372) >>> 0;
}

/** The batch source of a config, or null for one-hot data. `matrix` is required for file data. */
export function createBatchSource(c: DataConfig, matrix: DataMatrix | null): BatchSource | null {
  if (c.data === 'onehot') return null;
  const rows = batchSizeOf(c, matrix);
  if (c.data === 'bernoulli') return bernoulliSource(c, rows);
  if (!matrix) throw new Error('createBatchSource: file data needs its matrix');
  if (matrix.X.length !== matrix.rows * c.nFeatures) throw new RangeError(`data matrix: expected ${matrix.rows} × ${c.nFeatures} values, got ${matrix.X.length}`);
  return fileSource(matrix, rows, c.nFeatures, c.nInstances);
}

function bernoulliSource(c: DataConfig, rows: number): BatchSource {
  const streams: RandomStream[] = createStreams(dataSeed(c.seed), c.nInstances);
  const { featureProbability: p, nFeatures: n, magnitude } = c;
  const size = rows * n;
  return {
    rows,
    next(X) {
      for (let inst = 0; inst < streams.length; inst++) {
        const s = streams[inst];
        const base = inst * size;
        for (let e = 0; e < size; e++) {
          // one draw decides on/off; an active entry draws its magnitude (1 − u ∈ (0, 1])
          const on = s.nextDouble() < p;
          X[base + e] = on ? (magnitude === 'one' ? 1 : 1 - s.nextDouble()) : 0;
        }
      }
    },
  };
}

function fileSource(matrix: DataMatrix, rows: number, n: number, nInstances: number): BatchSource {
  let cursor = 0;
  const size = rows * n;
  return {
    rows,
    next(X) {
      for (let b = 0; b < rows; b++) {
        X.set(matrix.X.subarray(cursor * n, (cursor + 1) * n), b * n);
        cursor = (cursor + 1) % matrix.rows;
      }
      for (let inst = 1; inst < nInstances; inst++) X.copyWithin(inst * size, 0, size);
    },
  };
}
