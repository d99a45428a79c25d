/**
 * The fast sparsification against the direct loop at large m: the paper's setting (m = 10⁵,
 * λ = 10⁻⁵: 4·10⁵ Euler steps for the reference) and every step of two long runs. Its own
 * file because it takes seconds:
 * the mutation run (vitest.mutation.config.ts) leaves it out, the small cases in
 * sparsify.test.ts cover the same code there.
 */
import { expect, it } from 'vitest';
import { simulateSparsification, simulateSparsificationReference } from './sparsify.js';
import { expectSameTrajectory } from '../test-support/sparsify-trajectory.js';

it('fast and reference sparsification agree on the log-spaced grid for the paper setting m=1e5, λ=1e-5', () => {
  const o = { m: 1e5, lambda: 1e-5 };
  const fast = simulateSparsification(o);
  expectSameTrajectory(fast, simulateSparsificationReference(o));
  expect(fast.points.length).toBeLessThan(400); // log grid, not 4·10⁵ steps
});

it.each([
  [5000, 3e-4, 1, 0.5],
  [3000, 1e-3, 3, 0.1],
])('fast and reference sparsification agree at every step (m=%i, λ=%f, seed=%i, step=%f)', (m, lambda, seed, step) => {
  const o = { m, lambda, seed, step, record: { every: 1 } };
  expectSameTrajectory(simulateSparsification(o), simulateSparsificationReference(o));
});
