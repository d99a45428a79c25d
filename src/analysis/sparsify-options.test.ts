/**
 * The sparsification simulation's options at the edges of their domains, each refusal
 * naming the flag and the value; defaults as documented; the recording schedules.
 */
import { describe, expect, it } from 'vitest';
import { sparsifyRefusal as refusal } from '../test-support/sparsify-refusal.js';
import { MAX_SPARSIFY_STEPS, SPARSIFY_BYTES_PER_WEIGHT, simulateSparsification, sparsifyInit } from './sparsify.js';

describe('sparsification options', () => {
  it.each([
    [{ m: 0, lambda: 1e-3 }, 'invalid m (--m): must be an integer >= 1 (got 0)'],
    [{ m: 2.5, lambda: 1e-3 }, 'invalid m (--m): must be an integer >= 1 (got 2.5)'],
    [{ m: 10, lambda: 0 }, 'invalid lambda (--lambda): must be a finite number > 0 (with λ = 0 nothing is ever removed) (got 0)'],
    [{ m: 10, lambda: Infinity }, 'invalid lambda (--lambda): must be a finite number > 0 (with λ = 0 nothing is ever removed) (got Infinity)'],
    [{ m: 10, lambda: 1e-3, step: 0 }, 'invalid step (--step): must be a finite number > 0 (got 0)'],
    [{ m: 10, lambda: 1e-3, initScale: 0 }, 'invalid initScale (--init-scale): must be a finite number > 0 (got 0)'],
    [{ m: 10, lambda: 1e-3, seed: -1 }, 'invalid seed (--seed): must be an integer in [0, 2^32) (got -1)'],
    [{ m: 10, lambda: 1e-3, seed: 2 ** 32 }, 'invalid seed (--seed): must be an integer in [0, 2^32) (got 4294967296)'],
    [{ m: 10, lambda: 1e-3, seed: 0.5 }, 'invalid seed (--seed): must be an integer in [0, 2^32) (got 0.5)'],
    [{ m: 10, lambda: 1e-3, record: { every: 0 } }, 'invalid record.every (--record-every): must be an integer >= 1 (got 0)'],
    [{ m: 10, lambda: 1e-3, record: { pointsPerDecade: 0 } }, 'invalid record.pointsPerDecade (--points-per-decade): must be a finite number > 0 (got 0)'],
    [{ m: 10, lambda: 1e-3, maxSteps: -1 }, 'invalid maxSteps (--max-steps): must be an integer >= 0 (got -1)'],
    [{ m: 10, lambda: 1e-3, maxSteps: 1.5 }, 'invalid maxSteps (--max-steps): must be an integer >= 0 (got 1.5)'],
    [{ m: 10, lambda: 1e-3, maxSteps: 2e10 }, 'invalid maxSteps (--max-steps): must be at most 1e+10 (got 20000000000)'],
    [{ m: 10, lambda: 1e-3, memoryLimitMiB: 0 }, 'invalid memoryLimitMiB (--memory-limit): must be a finite number > 0 (got 0)'],
    [{ m: 10, lambda: 1e-3, init: [1, 2] }, 'invalid init (--init): must hold m = 10 values (got "2 values")'],
    [{ m: 2, lambda: 1e-3, init: [1, NaN] }, 'invalid init (--init): must be finite (index 1) (got NaN)'],
  ])('%o is refused: %s', (o, message) => {
    expect(refusal(o)).toBe(message);
  });

  it('a λ too small for the step budget names λ and the smallest that fits', () => {
    expect(refusal({ m: 10, lambda: 1e-12 })).toMatch(/^invalid lambda \(--lambda\): would need up to 4\.0e\+13 Euler steps \(20\/\(λ·step\)\), more than the 1e\+10 simulated; use λ >= 4\.0e-9 or set --max-steps/);
    expect(simulateSparsification({ m: 2, lambda: 1e-12, maxSteps: 3 }).steps).toBe(3);
    expect(MAX_SPARSIFY_STEPS).toBe(1e10);
  });

  it('memory: 40 bytes per weight against the limit, exactly at the limit allowed', () => {
    const limit = (1000 * SPARSIFY_BYTES_PER_WEIGHT) / 2 ** 20; // exactly 1000 weights
    expect(refusal({ m: 1001, lambda: 1, memoryLimitMiB: limit, maxSteps: 0 })).toBe(
      `invalid m (--m): needs about 0 MiB (40 bytes per weight), over the ${limit} MiB limit (raise --memory-limit to allow it) (got 1001)`,
    );
    expect(simulateSparsification({ m: 1000, lambda: 1, memoryLimitMiB: limit, maxSteps: 0 }).m).toBe(1000);
    expect(refusal({ m: 2 ** 32, lambda: 1 })).toMatch(/^invalid m \(--m\): is more weights than one array can hold \(at most 4294967295\)/);
  });

  it('a record schedule with more points than allowed is refused, naming --record-every', () => {
    expect(refusal({ m: 10, lambda: 1e-6, record: { every: 1 } })).toMatch(/^invalid record\.every \(--record-every\): would record up to/);
  });

  it('defaults: step 0.5, init scale 0.9, seed 0', () => {
    const r = simulateSparsification({ m: 3, lambda: 0.5, init: [1e-9, 2e-9, 3e-9] });
    expect(r).toMatchObject({ step: 0.5, initScale: 0.9, seed: 0, lambda: 0.5, m: 3, tStarTheory: 2 });
    expect(Array.from(sparsifyInit({ m: 4 }))).toEqual(Array.from(sparsifyInit({ m: 4, seed: 0, initScale: 0.9 })));
  });

  it('recording every k steps records 0, k, 2k, … and the last step', () => {
    const r = simulateSparsification({ m: 200, lambda: 0.01, seed: 2, record: { every: 7 } });
    const steps = r.points.map((p) => p.step);
    for (const s of steps.slice(0, -1)) expect(s % 7).toBe(0);
    expect(steps[steps.length - 1]).toBe(r.steps);
    expect(steps.slice(0, 3)).toEqual([0, 7, 14]);
  });

  it('points per decade: p = 1 records 0, 1, 10, 100, …', () => {
    const r = simulateSparsification({ m: 500, lambda: 1e-3, seed: 1, record: { pointsPerDecade: 1 } });
    expect(r.points.map((p) => p.step).slice(0, 4)).toEqual([0, 1, 10, 100]);
  });
});
