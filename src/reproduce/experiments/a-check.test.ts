/**
 * A's restated check on made-up per-seed deviations: it must pass when most seeds follow
 * the law and fail when most do not, whatever a few outliers do, and refuse too few seeds.
 */
import { describe, expect, it } from 'vitest';
import { checkSeedRobustL1, CHECK_SEEDS, L1_TOLERANCE } from './a-sparsification.js';

describe('A: seed-robust check', () => {
  it('passes with a typical median even when a few seeds stall in their last race', () => {
    const devs = Array.from({ length: CHECK_SEEDS }, (_, k) => (k < 5 ? 0.9 : 0.2));
    const c = checkSeedRobustL1(devs);
    expect(c.pass).toBe(true);
    expect(c.measured).toContain('20.0 %');
  });
  it('fails when the median seed is off', () => {
    const devs = Array.from({ length: CHECK_SEEDS }, (_, k) => (k < 5 ? 0.1 : L1_TOLERANCE + 0.05));
    expect(checkSeedRobustL1(devs).pass).toBe(false);
  });
  it('fails with fewer seeds than the criterion asks for', () => {
    expect(checkSeedRobustL1([0.1, 0.1, 0.1]).pass).toBe(false);
  });
});
