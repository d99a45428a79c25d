/**
 * The general model's batch sources (src/core/data.ts) value by value: which rows a step
 * gets, from which stream, and how many of them. Bernoulli batches are recomputed here from
 * the seeded streams (one uniform decides on/off, an active uniform-magnitude entry takes
 * 1 − u from the next one); file batches walk the rows in order, wrap around and give every
 * instance the same rows. The statistical properties (density, mean) are in general.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type TrainConfig } from './config.js';
import { batchSizeOf, createBatchSource, dataSeed, type DataMatrix } from './data.js';
import { createStreams } from './rng.js';

const bern = (over: Partial<TrainConfig> = {}) => parseConfig({ nFeatures: 3, nHidden: 2, nInstances: 2, data: 'bernoulli', featureProbability: 0.4, batch: 4, seed: 21, ...over });

/** The expected Bernoulli batch for `steps` steps, from the streams themselves. */
function expected(c: TrainConfig, steps: number): Float32Array[] {
  const streams = createStreams(dataSeed(c.seed), c.nInstances);
  const size = c.batch! * c.nFeatures;
  return Array.from({ length: steps }, () => {
    const X = new Float32Array(c.nInstances * size);
    for (let inst = 0; inst < c.nInstances; inst++) {
      for (let e = 0; e < size; e++) {
        const u = streams[inst].nextDouble();
        X[inst * size + e] = u < c.featureProbability ? (c.magnitude === 'one' ? 1 : Math.fround(1 - streams[inst].nextDouble())) : 0;
      }
    }
    return X;
  });
}

describe('Bernoulli batches, value by value', () => {
  it.each(['one', 'uniform'] as const)('magnitude %s: each instance from its own stream, three steps', (magnitude) => {
    const c = bern({ magnitude });
    const source = createBatchSource(c, null)!;
    expect(source.rows).toBe(4);
    const want = expected(c, 3);
    for (const w of want) {
      const X = new Float32Array(w.length).fill(7); // whatever the buffer held
      source.next(X);
      expect(Array.from(X)).toEqual(Array.from(w));
    }
    // the draws are not all alike: some on, some off
    const all = want.flatMap((w) => Array.from(w));
    expect(all.some((x) => x === 0)).toBe(true);
    expect(all.some((x) => x !== 0)).toBe(true);
    if (magnitude === 'uniform') expect(all.some((x) => x !== 0 && x !== 1)).toBe(true);
  });

  it('p = 1: every entry on; the magnitude 1 − u lies in (0, 1]', () => {
    const X = new Float32Array(2 * 4 * 3);
    createBatchSource(bern({ featureProbability: 1 }), null)!.next(X);
    expect(X.every((x) => x === 1)).toBe(true);
    createBatchSource(bern({ featureProbability: 1, magnitude: 'uniform' }), null)!.next(X);
    expect(X.every((x) => x > 0 && x <= 1)).toBe(true);
  });

  it('the data seed is the run seed plus 0x3c6ef372, modulo 2³²', () => {
    expect(dataSeed(0)).toBe(0x3c6ef372);
    expect(dataSeed(21)).toBe(0x3c6ef372 + 21);
    expect(dataSeed(2 ** 32 - 1)).toBe(0x3c6ef372 - 1);
  });
});

describe('file batches', () => {
  // 5 rows of n = 2: row r is (r, 10 + r)
  const matrix: DataMatrix = { X: Float32Array.from([0, 10, 1, 11, 2, 12, 3, 13, 4, 14]), rows: 5 };
  const file = (over: Partial<TrainConfig> = {}) => parseConfig({ nFeatures: 2, nHidden: 2, nInstances: 3, data: 'file', dataFile: 'x.npy', batch: 3, ...over });

  it('the next B rows in order, wrapping around; every instance gets the same rows', () => {
    const source = createBatchSource(file(), matrix)!;
    expect(source.rows).toBe(3);
    const X = new Float32Array(3 * 3 * 2);
    const rowsOf = () => Array.from(X.subarray(0, 6));
    source.next(X);
    expect(rowsOf()).toEqual([0, 10, 1, 11, 2, 12]);
    expect(Array.from(X.subarray(6, 12))).toEqual(rowsOf());
    expect(Array.from(X.subarray(12, 18))).toEqual(rowsOf());
    source.next(X);
    expect(rowsOf()).toEqual([3, 13, 4, 14, 0, 10]);
    expect(Array.from(X.subarray(12, 18))).toEqual(rowsOf());
    source.next(X);
    expect(rowsOf()).toEqual([1, 11, 2, 12, 3, 13]);
  });

  it('without --batch, the whole file every step', () => {
    const c = file({ batch: null });
    expect(batchSizeOf(c, matrix)).toBe(5);
    const source = createBatchSource(c, matrix)!;
    const X = new Float32Array(3 * 5 * 2);
    source.next(X);
    expect(Array.from(X.subarray(0, 10))).toEqual(Array.from(matrix.X));
    source.next(X);
    expect(Array.from(X.subarray(20, 30))).toEqual(Array.from(matrix.X));
  });

  it('a matrix of the wrong size, or none, is refused', () => {
    expect(() => createBatchSource(file(), { X: new Float32Array(9), rows: 5 })).toThrow('data matrix: expected 5 × 2 values, got 9');
    expect(() => createBatchSource(file(), null)).toThrow('createBatchSource: file data needs its matrix');
    expect(() => batchSizeOf(file({ batch: null }), null)).toThrow('batchSizeOf: file data needs its matrix');
  });
});

describe('rows per step', () => {
  it('one-hot: n (and no source); bernoulli: the batch, else n; file: the batch, else N', () => {
    const onehot = parseConfig({ nFeatures: 6, nHidden: 2 });
    expect(batchSizeOf(onehot, null)).toBe(6);
    expect(createBatchSource(onehot, null)).toBeNull();
    expect(batchSizeOf(bern(), null)).toBe(4);
    expect(batchSizeOf(bern({ batch: null }), null)).toBe(3);
    expect(createBatchSource(bern({ batch: null }), null)!.rows).toBe(3);
    const m: DataMatrix = { X: new Float32Array(14), rows: 7 };
    expect(batchSizeOf(parseConfig({ nFeatures: 2, nHidden: 2, data: 'file', dataFile: 'x.npy', batch: 5 }), m)).toBe(5);
  });
});
