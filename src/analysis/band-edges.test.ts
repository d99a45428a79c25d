/**
 * The counting band [0.8, 1.2] is closed at both ends (the paper's rule |W_ik| ∈ [0.8, 1.2]),
 * in every function that applies it: polysemanticCount (experiments B, C, F), the full
 * per-instance analysis and analyzeRun (the `analyze` command), and the one-hot count of
 * the end-state test. Values exactly on an end are float64 so they are exactly 0.8 and 1.2.
 */
import { describe, expect, it } from 'vitest';
import { countOneHotFeatures } from '../core/metrics.js';
import { analyzeInstance, analyzeRun, polysemanticCount } from './neurons.js';

/** Two features on neuron 0 with weights a and b (signs opposite), nothing else: [2, 2]. */
const pair = (a: number, b: number) => Float64Array.from([a, 0, -b, 0]);
const below = 0.8 - 1e-12;
const above = 1.2 + 1e-12;

describe('band ends', () => {
  it.each([
    ['lower end 0.8', 0.8, 1],
    ['upper end 1.2', 1.2, 1],
    ['both ends', 0.8, 1.2],
  ])('%s counts as represented', (_label, a, b) => {
    const W = pair(a, b);
    expect(polysemanticCount(W, 2, 2, 0)).toBe(1);
    const inst = analyzeInstance(W, W, 2, 2, 0);
    expect(inst.polysemanticNeurons).toEqual([0]);
    expect(inst.fates.map((f) => f.neurons)).toEqual([[0], [0]]);
    expect(inst.unrepresentedFeatures).toEqual([]);
    expect(inst.counts.oppositePairNeurons).toBe(1);
    expect(analyzeRun({ W0: W, W, shape: [1, 2, 2] }).counts.polysemantic.mean).toBe(1);
  });

  it.each([
    ['just below 0.8', below],
    ['just above 1.2', above],
  ])('%s does not', (_label, a) => {
    const W = pair(a, 1);
    expect(polysemanticCount(W, 2, 2, 0)).toBe(0);
    const inst = analyzeInstance(W, W, 2, 2, 0);
    expect(inst.polysemanticNeurons).toEqual([]);
    expect(inst.monosemanticNeurons).toEqual([0]);
    expect(inst.unrepresentedFeatures).toEqual([0]);
    expect(inst.fates[0].neurons).toEqual([]);
    expect(analyzeRun({ W0: W, W, shape: [1, 2, 2] }).counts.polysemantic.mean).toBe(0);
  });

  it('a custom band is closed too, and moves both ends', () => {
    const W = pair(0.5, 2);
    expect(polysemanticCount(W, 2, 2, 0, [0.5, 2])).toBe(1);
    expect(polysemanticCount(W, 2, 2, 0, [0.5 + 1e-12, 2])).toBe(0);
    expect(polysemanticCount(W, 2, 2, 0, [0.5, 2 - 1e-12])).toBe(0);
    expect(analyzeInstance(W, W, 2, 2, 0, { band: [0.5, 2] }).counts.polysemantic).toBe(1);
    expect(analyzeInstance(W, W, 2, 2, 0, { band: [0.5 + 1e-12, 2] }).counts.polysemantic).toBe(0);
    expect(analyzeInstance(W, W, 2, 2, 0, { band: [0.5, 2 - 1e-12] }).counts.polysemantic).toBe(0);
    expect(analyzeRun({ W0: W, W, shape: [1, 2, 2] }, { band: [0.5, 2] }).band).toEqual([0.5, 2]);
  });

  it('a band of one point [1, 1] is allowed; a band with low > high, low <= 0 or a non-finite end is refused', () => {
    expect(polysemanticCount(pair(1, 1), 2, 2, 0, [1, 1])).toBe(1);
    for (const band of [[1, 0.9], [0, 1], [-0.1, 1], [0.8, Infinity], [NaN, 1], [0.8, 1, 1.2]] as unknown as Array<[number, number]>) {
      expect(() => polysemanticCount(pair(1, 1), 2, 2, 0, band)).toThrow(/invalid band \(--band\): must be two finite numbers 0 < low <= high/);
      expect(() => analyzeInstance(pair(1, 1), pair(1, 1), 2, 2, 0, { band })).toThrow(/--band/);
      expect(() => analyzeRun({ W0: pair(1, 1), W: pair(1, 1), shape: [1, 2, 2] }, { band })).toThrow(/--band/);
    }
  });

  it('one-hot count: exactly one weight in [0.8, 1.2] (ends included) and every other below 0.1', () => {
    // rows: on the lower end; on the upper end; just outside; a second weight at 0.1 (not below); two in the band
    const W = Float64Array.from([0.8, 0.05, 0, -1.2, 0, -0.0999, below, 0, 0, 1, 0.1, 0, 1, 0, 0.9]);
    expect(countOneHotFeatures(W, 1, 5, 3)).toEqual([2]);
    expect(countOneHotFeatures(Float64Array.from([above, 0, 0]), 1, 1, 3)).toEqual([0]);
    expect(countOneHotFeatures(W, 1, 5, 3, 0.8, 1.2, 0.11)).toEqual([3]);
    // per instance
    expect(countOneHotFeatures(Float64Array.from([1, 0, 0, 0]), 2, 1, 2)).toEqual([1, 0]);
  });
});
