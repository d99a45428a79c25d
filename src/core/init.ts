/**
 * Initial weights: W_ik ~ N(0, (initScale/√m)²) i.i.d., one random stream per instance
 * (SCIENCE.md §2), rounded to float32 so every backend starts from the same values.
 * Hidden-noise draws use separate streams seeded from the same seed, so loading
 * `--init` weights leaves the noise sequence unchanged.
 */
import type { TrainConfig } from './config.js';
import { createStreams, type RandomStream } from './rng.js';

/** W0: Float32Array [nInstances, nFeatures, nHidden]. */
export function initWeights(c: Pick<TrainConfig, 'nInstances' | 'nFeatures' | 'nHidden' | 'initScale' | 'seed'>): Float32Array {
  const size = c.nFeatures * c.nHidden;
  const W = new Float32Array(c.nInstances * size);
  const std = c.initScale / Math.sqrt(c.nHidden);
  const streams = createStreams(c.seed, c.nInstances);
  for (let inst = 0; inst < c.nInstances; inst++) {
    const s = streams[inst];
    for (let k = 0; k < size; k++) W[inst * size + k] = std * s.nextGaussian();
  }
  return W;
}

/**
 * An untied model's initial decoder [nInstances, nFeatures, nHidden], drawn like W0 from its
 * own streams, so W0 is the same with and without --untied.
 */
export function initDecoder(c: Pick<TrainConfig, 'nInstances' | 'nFeatures' | 'nHidden' | 'initScale' | 'seed'>): Float32Array {
  return initWeights({ ...c, seed: decoderSeed(c.seed) });
}

/** Seed of the decoder's init streams (another golden-ratio offset). */
export function decoderSeed(seed: number): number {
  return (seed + 0xbb67ae85) >>> 0;
}

/** Seed of the hidden-noise streams, derived from the run's seed (golden-ratio offset). */
export function noiseSeed(seed: number): number {
  return (seed + 0x9e3779b9) >>> 0;
}

export function createNoiseStreams(seed: number, nInstances: number): RandomStream[] {
  return createStreams(noiseSeed(seed), nInstances);
}
