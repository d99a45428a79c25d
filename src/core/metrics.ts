/**
 * Per-snapshot summaries of the weights (SCIENCE.md §4, §6 E), computed on the host from
 * a weight view [nInstances, n, m]: mean over features of ‖W_i‖₁, ‖W_i‖², Σ_k W_ik⁴ and
 * of the number of weights with |w| > NONZERO_TOL.
 */
import type { FloatArray } from './optimizers.js';

/** Weights at or below this magnitude count as zero (AdamW never makes exact zeros). */
export const NONZERO_TOL = 1e-6;

export interface WeightMetrics {
  /** [nInstances] each the mean over features. */
  l1: number[];
  normSq: number[];
  fourth: number[];
  nonzero: number[];
}

export function weightMetrics(W: FloatArray, nInstances: number, n: number, m: number): WeightMetrics {
  const out: WeightMetrics = { l1: [], normSq: [], fourth: [], nonzero: [] };
  for (let inst = 0; inst < nInstances; inst++) {
    let l1 = 0;
    let sq = 0;
    let q = 0;
    let nz = 0;
    const lo = inst * n * m;
    const hi = lo + n * m;
    for (let k = lo; k < hi; k++) {
      const w = W[k];
      const a = Math.abs(w);
      l1 += a;
      const w2 = w * w;
      sq += w2;
      q += w2 * w2;
      if (a > NONZERO_TOL) nz++;
    }
    out.l1.push(l1 / n);
    out.normSq.push(sq / n);
    out.fourth.push(q / n);
    out.nonzero.push(nz / n);
  }
  return out;
}

export const mean = (xs: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length ? s / xs.length : NaN;
};

/**
 * Per instance, the features whose encoding is one-hot at the end: exactly one weight with
 * |w| in [lo, hi] (the paper's band) and every other weight below `rest` in magnitude.
 */
export function countOneHotFeatures(W: FloatArray, nInstances: number, n: number, m: number, lo = 0.8, hi = 1.2, rest = 0.1): number[] {
  const out: number[] = [];
  for (let inst = 0; inst < nInstances; inst++) {
    let count = 0;
    for (let i = 0; i < n; i++) {
      const row = (inst * n + i) * m;
      let inBand = 0;
      let other = 0;
      for (let k = 0; k < m; k++) {
        const a = Math.abs(W[row + k]);
        if (a >= lo && a <= hi) inBand++;
        else if (a >= rest) other++;
      }
      if (inBand === 1 && other === 0) count++;
    }
    out.push(count);
  }
  return out;
}
