/** The checks of G, H, I, J and L on made-up measurements, each made to pass and made to fail. */
import { describe, expect, it } from 'vitest';
import { checkOutputsPreserved, J_OUTPUT_TOLERANCE } from './j-duplication.js';
import { checkLambdaFlat } from './l-slow-regularization.js';

describe('J: outputs preserved at σ = 0', () => {
  it('passes at float32 rounding, fails above it or with nothing duplicated', () => {
    expect(checkOutputsPreserved(8e-8, 27).pass).toBe(true);
    expect(checkOutputsPreserved(J_OUTPUT_TOLERANCE * 10, 27).pass).toBe(false);
    expect(checkOutputsPreserved(0, 0).pass).toBe(false);
  });
});

describe('L: λ does not matter with AdamW', () => {
  it('passes when the whole interval of the per-decade change is small against the count', () => {
    expect(checkLambdaFlat(-0.05, [-0.16, 0.06], 1.69).pass).toBe(true);
  });
  it('fails when the count moves with λ, or the interval is too wide to tell', () => {
    expect(checkLambdaFlat(-0.5, [-0.6, -0.4], 1.69).pass).toBe(false);
    expect(checkLambdaFlat(0, [-1, 1], 1.69).pass).toBe(false);
    expect(checkLambdaFlat(0, [NaN, NaN], 1.69).pass).toBe(false);
  });
});

describe('I: the forced minimum', () => {
  it('passes when every m < n reaches min(m, n − m), fails when one falls short or none is judged', async () => {
    const { checkForcedMinimum, forcedMinimum } = await import('./i-necessary.js');
    expect(forcedMinimum(16, 4)).toBe(4);
    expect(forcedMinimum(16, 12)).toBe(4);
    expect(forcedMinimum(16, 16)).toBe(0);
    expect(checkForcedMinimum([{ m: 4, mean: 4, forced: 4 }, { m: 8, mean: 8.5, forced: 8 }, { m: 16, mean: 2, forced: 0 }]).pass).toBe(true);
    expect(checkForcedMinimum([{ m: 4, mean: 0, forced: 4 }, { m: 8, mean: 8.5, forced: 8 }]).pass).toBe(false);
    expect(checkForcedMinimum([{ m: 16, mean: 2, forced: 0 }]).pass).toBe(false);
  });
});

const WELCH_GOLDEN = [-1.4701437041935224, 4.470143704193522];

describe('G: the one-hot limit', () => {
  it('passes when the smallest p matches the one-hot counts, fails when it does not', async () => {
    const { checkOneHotLimit, welchInterval } = await import('./g-cooccurrence.js');
    const oneHot = [1, 0, 2, 1, 1, 0, 1, 2];
    expect(checkOneHotLimit([1, 1, 0, 2, 1, 0, 2, 1], oneHot, 0.05).pass).toBe(true);
    expect(checkOneHotLimit([0, 0, 0, 0, 0, 0, 0, 0], oneHot, 0.05).pass).toBe(false);
    expect(checkOneHotLimit([1], oneHot, 0.05).pass).toBe(false);
    // Welch interval: golden from scipy.stats.ttest_ind(a, b, equal_var=False).confidence_interval() (SciPy 1.17)
    const [lo, hi] = welchInterval([3, 4, 5, 6], [1, 2, 2, 3, 7]);
    expect(lo).toBeCloseTo(WELCH_GOLDEN[0], 6);
    expect(hi).toBeCloseTo(WELCH_GOLDEN[1], 6);
  });
});

describe('H: the L1 reference slope', () => {
  it('passes inside [−1.3, −0.7], fails outside or without a fit', async () => {
    const { checkL1Slope } = await import('./h-mechanisms.js');
    expect(checkL1Slope({ slope: -1.05, slopeCI: [-1.3, -0.8] }).pass).toBe(true);
    expect(checkL1Slope({ slope: -0.3, slopeCI: [-0.6, 0] }).pass).toBe(false);
    expect(checkL1Slope(null).pass).toBe(false);
  });
});

/**
 * Each check of G–L at the edges of its window, made to pass just inside and to fail just
 * outside: a window widened, narrowed, opened or inverted fails here.
 */
describe('G–L checks at the edges of their windows', () => {
  it('G: the Welch interval of the difference must contain 0; both ends closed', async () => {
    const { checkOneHotLimit } = await import('./g-cooccurrence.js');
    const a = [3, 4, 5, 6];
    const b = [1, 2, 2, 3, 7];
    // shifting a by c shifts the interval [−1.4701…, 4.4701…] (SciPy golden above) by c
    const shift = (c: number) => a.map((x) => x + c);
    expect(checkOneHotLimit(shift(1.4701), b, 0.05).pass).toBe(true); // lo = −0.00004
    expect(checkOneHotLimit(shift(1.4702), b, 0.05).pass).toBe(false); // lo = +0.00006
    expect(checkOneHotLimit(shift(-4.4701), b, 0.05).pass).toBe(true); // hi = +0.00004
    expect(checkOneHotLimit(shift(-4.4702), b, 0.05).pass).toBe(false); // hi = −0.00006
    // equal constant samples: the interval is the single point 0, on both closed ends
    expect(checkOneHotLimit([2, 2], [2, 2, 2], 0.05).pass).toBe(true);
    expect(checkOneHotLimit([3, 3], [2, 2, 2], 0.05).pass).toBe(false);
    expect(checkOneHotLimit([1, 1], [2, 2, 2], 0.05).pass).toBe(false);
    // two values on each side are enough; one is not (no spread to build an interval from)
    expect(checkOneHotLimit([1, 3], [2, 2], 0.05).pass).toBe(true);
    expect(checkOneHotLimit([2], [2, 2], 0.05).pass).toBe(false);
    expect(checkOneHotLimit([2, 2], [2], 0.05).pass).toBe(false);
  });

  it('H: slope in [−1.3, −0.7], both ends closed', async () => {
    const { checkL1Slope } = await import('./h-mechanisms.js');
    const at = (slope: number) => checkL1Slope({ slope, slopeCI: [slope - 0.1, slope + 0.1] }).pass;
    expect([at(-1.3), at(-1.3 - 1e-9), at(-0.7), at(-0.7 + 1e-9), at(-1)]).toEqual([true, false, true, false, true]);
  });

  it('I: the mean count may equal the forced minimum but not fall below it, at every judged m', async () => {
    const { checkForcedMinimum } = await import('./i-necessary.js');
    expect(checkForcedMinimum([{ m: 4, mean: 4, forced: 4 }]).pass).toBe(true);
    expect(checkForcedMinimum([{ m: 4, mean: 4 - 1e-9, forced: 4 }]).pass).toBe(false);
    // one judged m short is enough to fail, wherever it is in the list
    expect(checkForcedMinimum([{ m: 4, mean: 5, forced: 4 }, { m: 8, mean: 7.9, forced: 8 }]).pass).toBe(false);
    expect(checkForcedMinimum([{ m: 4, mean: 3.9, forced: 4 }, { m: 8, mean: 9, forced: 8 }]).pass).toBe(false);
  });

  it('J: the largest output change may equal the tolerance 10⁻⁶; one duplicated neuron is enough', () => {
    expect(J_OUTPUT_TOLERANCE).toBe(1e-6);
    expect(checkOutputsPreserved(J_OUTPUT_TOLERANCE, 1).pass).toBe(true);
    expect(checkOutputsPreserved(J_OUTPUT_TOLERANCE * (1 + 1e-9), 1).pass).toBe(false);
    expect(checkOutputsPreserved(0, 1).pass).toBe(true);
  });

  it('K: agreement of exactly 99 % passes, just below fails', async () => {
    const { checkRaceAgreement, K_AGREEMENT } = await import('./k-race.js');
    expect(K_AGREEMENT).toBe(0.99);
    expect(checkRaceAgreement(990, 1000).pass).toBe(true);
    expect(checkRaceAgreement(989, 1000).pass).toBe(false);
    expect(checkRaceAgreement(1, 1).pass).toBe(true);
  });

  it('L: the interval may touch ±20 % of the mean count on either side, not cross it', async () => {
    const { L_TOLERANCE } = await import('./l-slow-regularization.js');
    expect(L_TOLERANCE).toBe(0.2);
    // mean count 5: bound ±1 per decade
    expect(checkLambdaFlat(0, [-1, 1], 5).pass).toBe(true);
    expect(checkLambdaFlat(0, [-1.000001, 0.5], 5).pass).toBe(false);
    expect(checkLambdaFlat(0, [-0.5, 1.000001], 5).pass).toBe(false);
    // the bound scales with the mean count
    expect(checkLambdaFlat(0, [-1.5, 1.5], 10).pass).toBe(true);
    expect(checkLambdaFlat(0, [-1.5, 1.5], 5).pass).toBe(false);
    // an undefined interval never passes
    expect(checkLambdaFlat(0, [NaN, 0], 5).pass).toBe(false);
    expect(checkLambdaFlat(0, [-Infinity, 0], 5).pass).toBe(false);
  });
});
