/**
 * Initial weights and the hidden-noise seed: instance i's block is stream i's Gaussians
 * times initScale/√m (rounded to float32), whatever the number of instances; the noise
 * streams use the seed plus the golden-ratio constant, so they differ from the weights'.
 */
import { describe, expect, it } from 'vitest';
import { createNoiseStreams, initWeights, noiseSeed } from './init.js';
import { createStreams } from './rng.js';

describe('initial weights', () => {
  it('instance i is std × the Gaussians of stream i, std = initScale/√m, as float32', () => {
    const c = { nInstances: 3, nFeatures: 2, nHidden: 4, initScale: 1.5, seed: 77 };
    const W = initWeights(c);
    expect(W).toBeInstanceOf(Float32Array);
    expect(W.length).toBe(24);
    const streams = createStreams(77, 3);
    for (let i = 0; i < 3; i++) {
      for (let k = 0; k < 8; k++) expect(W[i * 8 + k]).toBe(Math.fround((1.5 / 2) * streams[i].nextGaussian()));
    }
    expect(Array.from(initWeights({ ...c, nInstances: 1 }))).toEqual(Array.from(W.subarray(0, 8)));
  });
});

describe('noise seed', () => {
  it('is the seed plus 0x9e3779b9, modulo 2^32', () => {
    expect(noiseSeed(0)).toBe(0x9e3779b9);
    expect(noiseSeed(5)).toBe(0x9e3779be);
    expect(noiseSeed(2 ** 32 - 1)).toBe(0x9e3779b8);
    expect(noiseSeed(0x61c88647)).toBe(0);
    const [a] = createNoiseStreams(3, 1);
    const [b] = createStreams(3 + 0x9e3779b9, 1);
    expect(a.nextUint32()).toBe(b.nextUint32());
  });
});
