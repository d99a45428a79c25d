/**
 * Hidden-layer noise kinds (SCIENCE.md §6 E): one vector of shape (m) per step and
 * instance, shared by all inputs. Registry: the name drives CLI choices, URL keys and docs.
 */
import type { RandomStream } from './rng.js';

export interface NoiseKind {
  readonly summary: string;
  /** Fills `out` (length m) with i.i.d. draws of standard deviation `std`. */
  sample(stream: RandomStream, std: number, out: Float64Array): void;
}

export const NOISE_KINDS = {
  none: {
    summary: 'no hidden noise',
    sample: (_s: RandomStream, _std: number, out: Float64Array) => out.fill(0),
  },
  bipolar: {
    summary: '±σ with equal probability (negative excess kurtosis: sparsifies)',
    sample(stream: RandomStream, std: number, out: Float64Array) {
      for (let k = 0; k < out.length; k++) out[k] = stream.nextUint32() & 1 ? std : -std;
    },
  },
  gaussian: {
    summary: 'N(0, σ²) (zero excess kurtosis: neutral)',
    sample(stream: RandomStream, std: number, out: Float64Array) {
      for (let k = 0; k < out.length; k++) out[k] = std * stream.nextGaussian();
    },
  },
} satisfies Record<string, NoiseKind>;

export type NoiseName = keyof typeof NOISE_KINDS;
export const NOISE_NAMES = Object.keys(NOISE_KINDS) as NoiseName[];
