import { describe, expect, it } from 'vitest';
import { applySplits, collidedAtInit, deadNeurons, planSplits, splitHeld } from './split-test.js';

// one instance, n = 3, m = 4: features 0 (+1) and 1 (−1) share neuron 0, feature 2 on neuron 1; neurons 2, 3 dead
const W = Float32Array.from([1, 0, 0, 0, -1, 0, 0.05, 0, 0, 1, 0, 0]);
const shape = [1, 3, 4] as const;

describe('split test', () => {
  it('plans one split per polysemantic neuron into a distinct dead neuron, and applies it', () => {
    expect(deadNeurons(W, 3, 4, 0)).toEqual([2, 3]);
    const plans = planSplits(W, shape);
    expect(plans).toEqual([{ instance: 0, neuron: 0, features: [0, 1], target: 2 }]);
    const S = applySplits(W, shape, plans);
    expect(Array.from(S.subarray(4, 8))).toEqual([0, 0, -1, 0]);
    expect(splitHeld(S, shape, plans[0])).toBe(true);
    expect(splitHeld(W, shape, plans[0])).toBe(false);
  });
  it('no dead neuron left: target −1, nothing applied', () => {
    const full = Float32Array.from([1, 0, 0, -1, 0, 0, 0, 1, 0, 0, 0, 1]); // n = 4, m = 3
    const plans = planSplits(full, [1, 4, 3]);
    expect(plans).toEqual([{ instance: 0, neuron: 0, features: [0, 1], target: -1 }]);
    expect(Array.from(applySplits(full, [1, 4, 3], plans))).toEqual(Array.from(full));
  });
  it('collision at init: both features lead on the same neuron', () => {
    const W0 = Float32Array.from([0.5, 0.1, 0, 0, -0.6, 0.2, 0, 0, 0.1, 0.3, 0, 0]);
    expect(collidedAtInit(W0, shape, 0, [0, 1])).toBe(true);
    expect(collidedAtInit(W0, shape, 0, [0, 2])).toBe(false);
  });
});
