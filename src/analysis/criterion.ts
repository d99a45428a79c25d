/**
 * When does feature i count as represented by neuron k? Two rules (SCIENCE.md §5, §8):
 * - band (the paper's): |W_ik| ∈ [0.8, 1.2]. It assumes trained encodings of unit length
 *   sitting on single neurons, true for the paper's model (one-hot data, linear hidden layer,
 *   tied weights) and not in general: with co-occurring features, another hidden layer or an
 *   untied decoder, encodings settle at other lengths.
 * - share (general): neuron k carries at least `share` (default 1/2) of feature i's squared
 *   encoding norm, W_ik² ≥ share·‖W_i‖², and the feature is encoded at all: ‖W_i‖ at least
 *   `floor` (default 0.1) of the largest encoding norm of that instance. Scale-free, so it
 *   needs no assumption about the weights' size; with share ≥ 1/2 a feature is on at most one
 *   neuron. On the paper's runs, where encodings end one-hot (W_i ≈ ±e_k), the two agree
 *   (tested in criterion.test.ts).
 * Shapes: W FloatArray [instances, n, m], row (instance, i) is feature i's encoding.
 */
import { ConfigError } from '../core/errors.js';
import type { FloatArray } from '../core/optimizers.js';

export type Band = readonly [number, number];
export const DEFAULT_BAND: Band = [0.8, 1.2];
export const DEFAULT_SHARE = 0.5;
export const DEFAULT_FLOOR = 0.1;

export type Criterion = { kind: 'band'; band: [number, number] } | { kind: 'share'; share: number; floor: number };
export const CRITERIA = ['auto', 'band', 'share'] as const;
export type CriterionChoice = (typeof CRITERIA)[number];

/** (i, k) → whether feature i is on neuron k, for one instance. */
export type Membership = (i: number, k: number) => boolean;

/** The membership test of one instance of W [I, n, m] under a criterion. O(n·m) to set up. */
export function membership(W: FloatArray, n: number, m: number, instance: number, criterion: Criterion): Membership {
  const base = instance * n * m;
  if (criterion.kind === 'band') {
    const [lo, hi] = checkBand(criterion.band);
    return (i, k) => {
      const a = Math.abs(W[base + i * m + k]);
      return a >= lo && a <= hi;
    };
  }
  const { share, floor } = checkShare(criterion);
  const normSq = new Float64Array(n);
  let maxSq = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += W[base + i * m + k] ** 2;
    normSq[i] = s;
    maxSq = Math.max(maxSq, s);
  }
  const minSq = floor * floor * maxSq;
  return (i, k) => normSq[i] > 0 && normSq[i] >= minSq && W[base + i * m + k] ** 2 >= share * normSq[i];
}

/** The paper's setting: one-hot data, linear hidden layer, tied weights (configs before 0.2 lack the fields). */
export function isPaperSetting(c: { data?: string; hidden?: string; untied?: boolean }): boolean {
  return (c.data ?? 'onehot') === 'onehot' && (c.hidden ?? 'linear') === 'linear' && !c.untied;
}

/** The criterion `analyze` uses: the band rule in the paper's setting, the share rule otherwise, unless chosen. */
export function chooseCriterion(
  choice: CriterionChoice,
  config: { data?: string; hidden?: string; untied?: boolean },
  options: { band?: Band; share?: number; floor?: number } = {},
): { criterion: Criterion; reason: string } {
  const band: Criterion = { kind: 'band', band: checkBand(options.band ?? DEFAULT_BAND) };
  const share: Criterion = { kind: 'share', ...checkShare({ share: options.share ?? DEFAULT_SHARE, floor: options.floor ?? DEFAULT_FLOOR }) };
  if (choice === 'band') return { criterion: band, reason: 'chosen with --criterion band' };
  if (choice === 'share') return { criterion: share, reason: 'chosen with --criterion share' };
  return isPaperSetting(config)
    ? { criterion: band, reason: "the paper's setting (one-hot data, linear hidden layer, tied weights): the paper's band rule" }
    : { criterion: share, reason: 'not the paper\'s setting (weights need not end near ±1): the share rule' };
}

/** One line saying what the criterion counts. */
export function describeCriterion(c: Criterion): string {
  return c.kind === 'band'
    ? `band: feature i is on neuron k when |W_ik| is in [${c.band.join(', ')}]`
    : `share: feature i is on neuron k when W_ik² ≥ ${c.share}·‖W_i‖² (and ‖W_i‖ ≥ ${c.floor}·max_j ‖W_j‖)`;
}

export function checkBand(band: Band): [number, number] {
  const [lo, hi] = band;
  if (band.length !== 2 || !Number.isFinite(lo) || !Number.isFinite(hi) || lo <= 0 || hi < lo) {
    throw new ConfigError('band (--band)', band, 'must be two finite numbers 0 < low <= high, e.g. 0.8,1.2');
  }
  return [lo, hi];
}

function checkShare(c: { share: number; floor: number }): { share: number; floor: number } {
  if (!(c.share > 0 && c.share <= 1)) throw new ConfigError('share (--share)', c.share, 'must be in (0, 1]');
  if (!(c.floor >= 0 && c.floor <= 1)) throw new ConfigError('floor (--floor)', c.floor, 'must be in [0, 1]');
  return { share: c.share, floor: c.floor };
}
