/** J's and L's checks on made-up measurements, each made to pass and made to fail. */
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
