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
