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
