import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import {
  exactExpectedPolysemantic,
  exactExpectedSharedNeurons,
  expectedCollisions,
  expectedPolysemantic,
  expectedTriples,
  meanStd,
  simulateRandomAssignment,
} from './theory.js';

/**
 * Independent oracle: enumerate all (2m)ⁿ equally likely (neuron, sign) assignments and
 * average the quantities directly.
 */
function enumerate(n: number, m: number) {
  const cells = 2 * m;
  const total = cells ** n;
  let poly = 0;
  let shared = 0;
  let pairs = 0;
  let triples = 0;
  const assign = new Array<number>(n).fill(0);
  for (let code = 0; code < total; code++) {
    let c = code;
    for (let i = 0; i < n; i++) {
      assign[i] = c % cells;
      c = Math.floor(c / cells);
    }
    for (let k = 0; k < m; k++) {
      const pos = assign.filter((a) => a === 2 * k).length;
      const neg = assign.filter((a) => a === 2 * k + 1).length;
      if (pos > 0 && neg > 0) poly++;
      const all = pos + neg;
      if (all >= 2) shared++;
      pairs += (all * (all - 1)) / 2;
      triples += (all * (all - 1) * (all - 2)) / 6;
    }
  }
  return { poly: poly / total, shared: shared / total, pairs: pairs / total, triples: triples / total };
}

describe('collision theory', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 4],
    [3, 5],
  ])('exact formulas equal brute-force enumeration for n=%i, m=%i', (n, m) => {
    const e = enumerate(n, m);
    expect(exactExpectedPolysemantic(n, m)).toBeCloseTo(e.poly, 12);
    expect(exactExpectedSharedNeurons(n, m)).toBeCloseTo(e.shared, 12);
    expect(expectedCollisions(n, m)).toBeCloseTo(e.pairs, 12);
    expect(expectedTriples(n, m)).toBeCloseTo(e.triples, 12);
  });

  it('the hand-computed case n=2, m=2: same neuron (1/2) and opposite signs (1/2) gives 1/4', () => {
    expect(exactExpectedPolysemantic(2, 2)).toBeCloseTo(0.25, 15);
    expect(expectedPolysemantic(2, 2)).toBeCloseTo(0.25, 15); // n(n−1)/(4m) is exact for n = 2
  });

  it('approaches n(n−1)/(4m) for m ≫ n and stays accurate there (no cancellation)', () => {
    const ratio = exactExpectedPolysemantic(256, 1e7) / expectedPolysemantic(256, 1e7);
    expect(ratio).toBeGreaterThan(0.9999);
    expect(ratio).toBeLessThan(1);
    // second-order term: exact ≈ first-order · (1 − (n−2)/(2m)) to O(n²/m²)
    expect(ratio).toBeCloseTo(1 - 254 / 2e7, 9);
  });

  it('the Monte-Carlo simulation on a small case, n=3, m=2 (exact expectation 0.5625), within 3 standard errors', () => {
    const mc = simulateRandomAssignment(3, 2, 4000, 2);
    expect(Math.abs(mc.mean - exactExpectedPolysemantic(3, 2))).toBeLessThan(3 * mc.standardError);
    expect(mc.samples.length).toBe(4000);
    expect(mc.standardError).toBeCloseTo(mc.std / Math.sqrt(4000), 15);
    expect(Math.max(...mc.samples)).toBeLessThanOrEqual(1); // three features: at most one neuron with both signs
    expect(Math.min(...mc.samples)).toBe(0);
  });

  it('simulation is deterministic per seed and different across seeds', () => {
    const a = simulateRandomAssignment(32, 64, 100, 5);
    const b = simulateRandomAssignment(32, 64, 100, 5);
    const c = simulateRandomAssignment(32, 64, 100, 6);
    expect(Array.from(a.samples)).toEqual(Array.from(b.samples));
    expect(Array.from(a.samples)).not.toEqual(Array.from(c.samples));
  });

  it('meanStd uses the n − 1 denominator', () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3) });
    expect(meanStd([7]).std).toBe(0);
  });

  it('rejects bad sizes naming the field', () => {
    expect(() => expectedCollisions(-1, 4)).toThrow(ConfigError);
    expect(() => exactExpectedPolysemantic(4, 0)).toThrow(/nHidden/);
    expect(() => simulateRandomAssignment(4, 4, 1)).toThrow(/trials/);
  });
});
