/**
 * The collision theory at its edges: the smallest sizes, where each formula has a special
 * case, hand-computed values, the size checks naming the field, and the Monte-Carlo
 * simulation's bookkeeping on cases whose count is known exactly.
 */
import { describe, expect, it } from 'vitest';
import {
  exactExpectedPolysemantic,
  exactExpectedSharedNeurons,
  expectedCollisions,
  expectedPolysemantic,
  expectedTriples,
  meanStd,
  simulateRandomAssignment,
} from './theory.js';

describe('formulas by hand', () => {
  it('n = 4, m = 3: pairs 6/3, benign 6/6, triples 4/9', () => {
    expect(expectedCollisions(4, 3)).toBe(2);
    expect(expectedPolysemantic(4, 3)).toBe(1);
    expect(expectedTriples(4, 3)).toBeCloseTo(4 / 9, 15);
  });

  it('exact polysemantic count: m·(1 − 2(1 − 1/2m)ⁿ + (1 − 1/m)ⁿ) at n = 3, m = 2 is 0.5625; 0 without features or with one', () => {
    expect(exactExpectedPolysemantic(3, 2)).toBeCloseTo(2 * (1 - 2 * 0.75 ** 3 + 0.5 ** 3), 14);
    expect(exactExpectedPolysemantic(0, 5)).toBe(0);
    expect(exactExpectedPolysemantic(1, 5)).toBeCloseTo(0, 15);
    // one neuron: it holds both signs unless every feature has the same sign, 1 − 2·2⁻ⁿ
    expect(exactExpectedPolysemantic(4, 1)).toBeCloseTo(1 - 2 / 16, 14);
  });

  it('shared neurons: m·(1 − (1 − 1/m)ⁿ − (n/m)(1 − 1/m)ⁿ⁻¹); 0 for n < 2; 1 for one neuron', () => {
    expect(exactExpectedSharedNeurons(3, 2)).toBeCloseTo(2 * (1 - 0.125 - 1.5 * 0.25), 14);
    expect(exactExpectedSharedNeurons(1, 4)).toBe(0);
    expect(exactExpectedSharedNeurons(0, 4)).toBe(0);
    expect(exactExpectedSharedNeurons(2, 1)).toBe(1);
    expect(exactExpectedSharedNeurons(2, 3)).toBeCloseTo(1 / 3, 14);
  });

  it('n = 0 or 1: no pairs, no triples', () => {
    expect(expectedCollisions(1, 4)).toBe(0);
    expect(expectedTriples(2, 4)).toBe(0);
    expect(expectedPolysemantic(0, 4)).toBe(-0);
  });
});

describe('size checks', () => {
  it.each([
    [-1, 4, /^invalid nFeatures: must be an integer >= 0 \(got -1\)$/],
    [1.5, 4, /^invalid nFeatures: must be an integer >= 0 \(got 1\.5\)$/],
    [4, 0, /^invalid nHidden: must be an integer >= 1 \(got 0\)$/],
    [4, 2.5, /^invalid nHidden: must be an integer >= 1 \(got 2\.5\)$/],
  ])('n=%s, m=%s is refused by every formula', (n, m, message) => {
    for (const f of [expectedCollisions, expectedPolysemantic, expectedTriples, exactExpectedPolysemantic, exactExpectedSharedNeurons]) {
      expect(() => f(n, m)).toThrow(message);
    }
    expect(() => simulateRandomAssignment(n, m, 10)).toThrow(message);
  });

  it('trials must be an integer >= 2', () => {
    expect(() => simulateRandomAssignment(4, 4, 1)).toThrow('invalid trials: must be an integer >= 2 (got 1)');
    expect(() => simulateRandomAssignment(4, 4, 2.5)).toThrow(/trials/);
    expect(simulateRandomAssignment(4, 4, 2).samples.length).toBe(2);
  });
});

describe('Monte-Carlo bookkeeping', () => {
  it('one feature never makes a polysemantic neuron; two features on one neuron do half the time', () => {
    const one = simulateRandomAssignment(1, 3, 500, 4);
    expect(one.mean).toBe(0);
    expect(one.std).toBe(0);
    const two = simulateRandomAssignment(2, 1, 4000, 4);
    expect(new Set(two.samples)).toEqual(new Set([0, 1]));
    expect(Math.abs(two.mean - 0.5)).toBeLessThan(3 * two.standardError);
  });

  it('a neuron counts once however many features of each sign it holds (n = 6, m = 1: 1 − 2/64)', () => {
    const r = simulateRandomAssignment(6, 1, 3000, 9);
    expect(Math.max(...r.samples)).toBe(1);
    expect(Math.abs(r.mean - (1 - 2 / 64))).toBeLessThan(3 * r.standardError + 1e-9);
  });

  it('each trial starts from empty neurons (counts do not accumulate across trials)', () => {
    const r = simulateRandomAssignment(8, 2, 400, 1);
    expect(Math.max(...r.samples)).toBeLessThanOrEqual(2);
    expect(Math.abs(r.mean - exactExpectedPolysemantic(8, 2))).toBeLessThan(4 * r.standardError);
  });

  it('neurons are drawn over all m (the last neuron included) and signs are fair', () => {
    // with m = 2 and n = 2, P(polysemantic) = P(same neuron) · P(opposite signs) = 1/4
    const r = simulateRandomAssignment(2, 2, 8000, 3);
    expect(Math.abs(r.mean - 0.25)).toBeLessThan(3 * r.standardError);
  });
});

describe('meanStd', () => {
  it('mean and the n − 1 sd; NaN for no values, sd 0 for one', () => {
    expect(meanStd([2, 4, 9])).toEqual({ mean: 5, std: Math.sqrt(13) });
    const empty = meanStd([]);
    expect(empty.mean).toBeNaN();
    expect(empty.std).toBeNaN();
    expect(meanStd([3])).toEqual({ mean: 3, std: 0 });
    expect(meanStd(Int32Array.from([1, 3])).std).toBeCloseTo(Math.SQRT2, 15);
  });
});
