/**
 * Collision theory (SCIENCE.md §5): how many features share an initial winner neuron,
 * and how many neurons end polysemantic, under the random-assignment model:
 *
 *   each feature i independently gets a winner k(i) uniform over the m neurons and a
 *   sign s(i) = ±1 by a fair coin; a neuron ends polysemantic iff it holds at least one
 *   feature of each sign (opposite signs are benign and stay; same signs are malign and
 *   interference pushes all but one of them away; three features cannot be pairwise
 *   opposite, so at most 2 stay).
 *
 * Pure maths, no I/O: runs in Node and the browser.
 *
 * @example
 *   expectedPolysemantic(256, 1024);      // 15.94 (= n(n−1)/(4m))
 *   exactExpectedPolysemantic(256, 1024); // 14.10, the finite-n value of the same model
 */
import { ConfigError } from '../core/errors.js';
import { createStreams } from '../core/rng.js';

/** Expected number of colliding pairs at init, n(n−1)/(2m): each of the C(n,2) pairs shares a winner with probability 1/m (exact under the model). */
export function expectedCollisions(n: number, m: number): number {
  checkSizes(n, m);
  return (n * (n - 1)) / (2 * m);
}

/** Expected benign (opposite-sign) pairs, n(n−1)/(4m) — also the usual first-order count of polysemantic neurons. */
export function expectedPolysemantic(n: number, m: number): number {
  checkSizes(n, m);
  return (n * (n - 1)) / (4 * m);
}

/** Expected triples of features sharing an initial winner, C(n,3)/m² (exact under the model). */
export function expectedTriples(n: number, m: number): number {
  checkSizes(n, m);
  return (n * (n - 1) * (n - 2)) / (6 * m * m);
}

/**
 * Exact expected number of polysemantic neurons under the random-assignment model:
 *
 *   E = m · (1 − 2 (1 − 1/(2m))ⁿ + (1 − 1/m)ⁿ)
 *
 * Derivation: the n (neuron, sign) pairs are i.i.d. uniform over 2m cells. For neuron k,
 * P(no positive feature) = P(no negative feature) = (1 − 1/(2m))ⁿ and P(no feature at all)
 * = (1 − 1/m)ⁿ, so by inclusion–exclusion P(both signs present) = 1 − 2(1 − 1/(2m))ⁿ +
 * (1 − 1/m)ⁿ; linearity over the m neurons gives E. Expanding to second order recovers
 * n(n−1)/(4m); the finite-n value is smaller because a neuron with ≥ 3 features still
 * counts once. Computed with log1p/expm1 so the cancellation stays accurate for m ≫ n.
 *
 * What the model ignores: features evicted by a malign collision land on some other
 * neuron and can collide again (an O(n³/m²) effect that raises the count); the final
 * neuron is not always the initial argmax (SCIENCE.md §5: 5–97 % are); features can end
 * split over several neurons or outside the [0.8, 1.2] counting band; and with m < n
 * necessary polysemanticity adds to it.
 */
export function exactExpectedPolysemantic(n: number, m: number): number {
  checkSizes(n, m);
  if (n === 0) return 0;
  const a = Math.expm1(n * Math.log1p(-1 / (2 * m))); // (1 − 1/(2m))ⁿ − 1
  const b = Math.expm1(n * Math.log1p(-1 / m)); //       (1 − 1/m)ⁿ − 1
  return m * (b - 2 * a);
}

/**
 * Exact expected number of neurons that are the initial winner of ≥ 2 features,
 * m · (1 − (1 − 1/m)ⁿ − (n/m)(1 − 1/m)ⁿ⁻¹).
 */
export function exactExpectedSharedNeurons(n: number, m: number): number {
  checkSizes(n, m);
  if (n < 2) return 0;
  if (m === 1) return 1;
  const none = Math.exp(n * Math.log1p(-1 / m));
  const one = (n / m) * Math.exp((n - 1) * Math.log1p(-1 / m));
  return m * (1 - none - one);
}

export interface MonteCarloEstimate {
  /** Polysemantic-neuron count per trial. */
  samples: Int32Array;
  mean: number;
  /** Sample standard deviation (n − 1 denominator). */
  std: number;
  /** std / √trials. */
  standardError: number;
}

/**
 * Monte-Carlo simulation of the random-assignment model: per trial, each of n features
 * draws a neuron uniform over m and a fair sign; counts neurons holding both signs.
 * O(n) per trial. Deterministic for a seed (one stream from createStreams).
 *
 * @example
 *   const { mean, standardError } = simulateRandomAssignment(64, 256, 10_000, 0);
 */
export function simulateRandomAssignment(n: number, m: number, trials: number, seed = 0): MonteCarloEstimate {
  checkSizes(n, m);
  if (!Number.isInteger(trials) || trials < 2) throw new ConfigError('trials', trials, 'must be an integer >= 2');
  const [rng] = createStreams(seed, 1);
  const signs = new Uint8Array(m); // bit 1: a positive feature, bit 2: a negative one
  const touched = new Int32Array(n);
  const samples = new Int32Array(trials);
  for (let t = 0; t < trials; t++) {
    let count = 0;
    for (let i = 0; i < n; i++) {
      const k = Math.floor(rng.nextDouble() * m);
      const bit = (rng.nextUint32() & 1) === 0 ? 1 : 2;
      const before = signs[k];
      const after = before | bit;
      if (before !== after && after === 3) count++;
      signs[k] = after;
      touched[i] = k;
    }
    for (let i = 0; i < n; i++) signs[touched[i]] = 0;
    samples[t] = count;
  }
  const { mean, std } = meanStd(samples);
  return { samples, mean, std, standardError: std / Math.sqrt(trials) };
}

/** Mean and sample standard deviation (n − 1 denominator; 0 for fewer than 2 values). */
export function meanStd(xs: ArrayLike<number>): { mean: number; std: number } {
  const len = xs.length;
  if (len === 0) return { mean: NaN, std: NaN };
  let s = 0;
  for (let i = 0; i < len; i++) s += xs[i];
  const mean = s / len;
  let v = 0;
  for (let i = 0; i < len; i++) v += (xs[i] - mean) ** 2;
  return { mean, std: len > 1 ? Math.sqrt(v / (len - 1)) : 0 };
}

function checkSizes(n: number, m: number): void {
  if (!Number.isInteger(n) || n < 0) throw new ConfigError('nFeatures', n, 'must be an integer >= 0');
  if (!Number.isInteger(m) || m < 1) throw new ConfigError('nHidden', m, 'must be an integer >= 1');
}
