/**
 * The race between the weights of one encoding (SCIENCE.md §4, §7.6): does the initially
 * largest weight |W0_ik| of feature i end as its largest weight |W_ik|? Each (instance,
 * feature) is one race; its covariate is the ratio r = second largest / largest of the
 * initial |W0_i·| (r → 1: a near tie, r → 0: a runaway leader).
 *
 * Without interference every weight of an encoding follows the same affine map in |w| per
 * gradient or proximal step (|w| ← a|w| − b, SCIENCE.md §4), which preserves their order:
 * the exact sparsification simulation is won by the initially largest weight at every
 * ratio r < 1. Whatever full training shows below 1 is interference (and the optimizer).
 * Pure maths, no I/O.
 *
 * Shapes: W0, W: FloatArray [instances, n, m] row-major.
 */
import type { FloatArray } from '../core/optimizers.js';

export interface RaceSample {
  instance: number;
  feature: number;
  /** second largest / largest initial |w| (0 when m = 1) */
  ratio: number;
  /** the initially largest weight is the largest at the end */
  won: boolean;
}

/** Index of the largest and second largest |row[k]| (ties: the lower index first). */
export function topTwo(row: ArrayLike<number>, lo: number, m: number): { first: number; second: number; a1: number; a2: number } {
  let first = -1;
  let second = -1;
  let a1 = -1;
  let a2 = -1;
  for (let k = 0; k < m; k++) {
    const a = Math.abs(row[lo + k]);
    if (a > a1) {
      second = first;
      a2 = a1;
      first = k;
      a1 = a;
    } else if (a > a2) {
      second = k;
      a2 = a;
    }
  }
  return { first, second, a1, a2: Math.max(a2, 0) };
}

/** One race per (instance, feature). */
export function raceSamples(W0: FloatArray, W: FloatArray, shape: readonly [number, number, number]): RaceSample[] {
  const [I, n, m] = shape;
  const out: RaceSample[] = [];
  for (let inst = 0; inst < I; inst++) {
    for (let i = 0; i < n; i++) {
      const lo = (inst * n + i) * m;
      const start = topTwo(W0, lo, m);
      const end = topTwo(W, lo, m);
      out.push({ instance: inst, feature: i, ratio: start.a1 > 0 ? start.a2 / start.a1 : 0, won: end.first === start.first });
    }
  }
  return out;
}

/**
 * The paper's sparsification simulation (SCIENCE.md §4) of one encoding from a given
 * initial row, tracking which weight survives: |w_k| ← |w_k| + h((1 − ‖w‖²)|w_k| − λ),
 * weights ≤ 0 removed, until one is left. Returns its index, or −1 when the last ones die
 * in the same step or `maxSteps` (default 100× the predicted t*) is reached (two weights that
 * rounding made equal never separate). λ and h are in flow units: a training step
 * with learning rate lr and L1 coefficient λ_train is h = 4·lr, λ = λ_train/4.
 */
export function sparsificationWinner(row: ArrayLike<number>, lo: number, m: number, lambda: number, h: number, maxSteps = Math.ceil(100 / (lambda * h)) + 1000): number {
  const idx = new Int32Array(m);
  const w = new Float64Array(m);
  let alive = 0;
  for (let k = 0; k < m; k++) {
    const a = Math.abs(row[lo + k]);
    if (a > 0) {
      idx[alive] = k;
      w[alive++] = a;
    }
  }
  for (let s = 0; alive > 1 && s < maxSteps; s++) {
    let sq = 0;
    for (let k = 0; k < alive; k++) sq += w[k] * w[k];
    let kept = 0;
    for (let k = 0; k < alive; k++) {
      const v = w[k] + h * ((1 - sq) * w[k] - lambda);
      if (v > 0) {
        w[kept] = v;
        idx[kept++] = idx[k];
      }
    }
    alive = kept;
  }
  return alive === 1 ? idx[0] : -1;
}
