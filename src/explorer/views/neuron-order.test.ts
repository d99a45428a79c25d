import { describe, expect, it } from 'vitest';
import { analyzeInstance } from '../../analysis/neurons.js';
import { layoutNeurons } from './neuron-order.js';

// Hand-built [1, 3, 5] weights: neuron 3 holds features 0 (+1) and 2 (−1) in the band
// (polysemantic), neuron 1 holds feature 1, neurons 0, 2, 4 hold nothing.
const n = 3;
const m = 5;
const W = Float32Array.from([
  0, 0, 0, 1, 0, //
  0, 0.9, 0, 0, 0.1,
  0, 0, 0, -1, 0,
]);

describe('layoutNeurons', () => {
  it('puts polysemantic neurons first, then one-feature neurons by feature, then unused', () => {
    const a = analyzeInstance(W, W, n, m, 0);
    const { order, groups } = layoutNeurons(a, 'grouped');
    expect(order).toEqual([3, 1, 0, 2, 4]);
    expect(groups).toEqual(['unused', 'single', 'unused', 'polysemantic', 'unused']);
  });

  it('marks a neuron that is the strongest of two features but holds neither in the band as contested', () => {
    const early = Float32Array.from(W, (w) => w * 0.3); // all below the 0.8 band
    const a = analyzeInstance(early, early, n, m, 0);
    const { order, groups, strongestOf } = layoutNeurons(a, 'grouped');
    expect(groups[3]).toBe('contested');
    expect(strongestOf[3]).toEqual([0, 2]);
    expect(order[0]).toBe(3);
  });

  it('keeps index order when asked', () => {
    const a = analyzeInstance(W, W, n, m, 0);
    expect(layoutNeurons(a, 'index').order).toEqual([0, 1, 2, 3, 4]);
  });
});
