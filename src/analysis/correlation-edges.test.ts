/**
 * Start/end correlation at the edges: one feature (no off-diagonal), n a multiple of the
 * four-column block and not, the RMS of the instance-averaged off-diagonal, and the
 * summary without the matrix agreeing with the full computation.
 */
import { describe, expect, it } from 'vitest';
import { startEndCorrelation } from './correlation.js';

function naive(A: Float64Array, B: Float64Array, I: number, n: number, m: number) {
  const C = new Float64Array(n * n);
  for (let inst = 0; inst < I; inst++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) for (let k = 0; k < m; k++) C[i * n + j] += (A[(inst * n + i) * m + k] * B[(inst * n + j) * m + k]) / I;
  let diag = 0;
  let off = 0;
  let sq = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) diag += C[i * n + j];
      else {
        off += C[i * n + j];
        sq += C[i * n + j] ** 2;
      }
    }
  return { C, diag: diag / n, off: off / (n * (n - 1)), rms: Math.sqrt(sq / (n * (n - 1))) };
}

describe('start/end correlation edges', () => {
  it.each([
    [1, 8, 3],
    [3, 4, 5],
    [2, 9, 2],
    [1, 3, 6],
  ])('I=%i, n=%i, m=%i: matrix, diagonal and off-diagonal means and RMS equal the triple loop', (I, n, m) => {
    let s = 7 + n;
    const rand = () => (s = (s * 48271) % 2147483647) / 2147483647 - 0.5;
    const A = Float64Array.from({ length: I * n * m }, rand);
    const B = Float64Array.from({ length: I * n * m }, rand);
    const want = naive(A, B, I, n, m);
    const full = startEndCorrelation(A, B, [I, n, m]);
    for (let k = 0; k < n * n; k++) expect(full.matrix![k]).toBeCloseTo(want.C[k], 13);
    expect(full.diagonalMean).toBeCloseTo(want.diag, 13);
    expect(full.offDiagonalMean).toBeCloseTo(want.off, 13);
    expect(full.offDiagonalRms).toBeCloseTo(want.rms, 13);
    const summary = startEndCorrelation(A, B, [I, n, m], { full: false });
    expect(summary.matrix).toBeNull();
    expect(summary.offDiagonalRms).toBeNull();
    expect(summary.diagonalMean).toBeCloseTo(want.diag, 13);
    expect(summary.offDiagonalMean).toBeCloseTo(want.off, 13);
  });

  it('one feature: the off-diagonal is undefined (NaN), the diagonal is W0·W', () => {
    const c = startEndCorrelation(Float64Array.from([1, 2]), Float64Array.from([3, -1]), [1, 1, 2]);
    expect(c.diagonalMean).toBe(1);
    expect(c.offDiagonalMean).toBeNaN();
    expect(c.offDiagonalRms).toBeNaN();
    expect(Array.from(c.matrix!)).toEqual([1]);
  });
});
