/**
 * The exact expectation against Monte-Carlo simulations of the random-assignment model at
 * realistic sizes (20 000 trials each). Its own file because it draws millions of random
 * numbers: the mutation run (vitest.mutation.config.ts) leaves it out; theory.test.ts keeps
 * a small simulation.
 */
import { describe, expect, it } from 'vitest';
import { exactExpectedPolysemantic, expectedPolysemantic, simulateRandomAssignment } from './theory.js';

describe('collision theory against Monte Carlo', () => {
  it.each([
    [64, 64],
    [256, 1024],
    [10, 3],
    [32, 4096],
  ])('matches the Monte-Carlo simulation of the model within 3 standard errors (n=%i, m=%i)', (n, m) => {
    const mc = simulateRandomAssignment(n, m, 20_000, 1);
    expect(Math.abs(mc.mean - exactExpectedPolysemantic(n, m))).toBeLessThan(3 * mc.standardError);
  });

  it('the Monte-Carlo test can fail: at n = m the first-order formula is far outside 3 standard errors', () => {
    const mc = simulateRandomAssignment(64, 64, 20_000, 1);
    expect(Math.abs(mc.mean - expectedPolysemantic(64, 64))).toBeGreaterThan(10 * mc.standardError);
  });

});
