/**
 * Neuron duplication, the paper's proposed cure for incidental polysemanticity
 * (SCIENCE.md §7.3, §8): replace column k of W by two columns W_{·k}/√2. With tied weights
 * every product W Wᵀ, hence every output, is unchanged (each copy contributes half), so
 * training resumes from the same function; noise N(0, σ²) on the copies' incoming weights
 * (their columns) breaks the tie, and the race between the copies decides whether each
 * takes one feature. The first copy stays at index k, the second is appended at m + j.
 *
 * Every instance gets the same new width m′ = m + (most duplications in one instance);
 * instances with fewer duplications get all-zero columns, which stay zero under every
 * optimizer (their gradient is 0 and sign(0) = 0) and change no output.
 * Pure maths, no I/O.
 *
 * Shapes: W: Float32Array [instances, n, m] row-major.
 *
 * @example
 *   const d = duplicateNeurons(W, [1, 32, 64], [[5, 17]], 0.01, 7);
 *   d.W0; // Float32Array [1, 32, 66]
 */
import { createStreams } from '../core/rng.js';
import { DEFAULT_BAND, type Band } from './neurons.js';

export interface DuplicatedNeuron {
  instance: number;
  /** the neuron duplicated (its first copy keeps this index) */
  neuron: number;
  /** index of the second copy in the new weights */
  copy: number;
  /** features the neuron represented before duplication (band rule), with their signs */
  features: number[];
}

export interface Duplication {
  /** Float32Array [instances, n, m′] */
  W0: Float32Array;
  shape: [number, number, number];
  duplicated: DuplicatedNeuron[];
}

/** Features neuron k of one instance represents: |W_ik| in the band. */
export function featuresOf(W: ArrayLike<number>, n: number, m: number, instance: number, k: number, band: Band = DEFAULT_BAND): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.abs(W[(instance * n + i) * m + k]);
    if (a >= band[0] && a <= band[1]) out.push(i);
  }
  return out;
}

/** Neurons of one instance that represent at least two features (the paper's counting rule). */
export function polysemanticNeurons(W: ArrayLike<number>, n: number, m: number, instance: number, band: Band = DEFAULT_BAND): number[] {
  const out: number[] = [];
  for (let k = 0; k < m; k++) if (featuresOf(W, n, m, instance, k, band).length >= 2) out.push(k);
  return out;
}

/**
 * Duplicates `neurons[instance]` (distinct indices < m) of each instance, with noise of std
 * `sigma` on both copies' columns drawn from one stream per instance seeded by `seed`.
 */
export function duplicateNeurons(W: Float32Array, shape: readonly [number, number, number], neurons: readonly (readonly number[])[], sigma: number, seed: number): Duplication {
  const [I, n, m] = shape;
  if (neurons.length !== I) throw new RangeError(`duplicateNeurons: ${neurons.length} neuron lists for ${I} instances`);
  const extra = Math.max(0, ...neurons.map((l) => l.length));
  const m2 = m + extra;
  const W0 = new Float32Array(I * n * m2);
  const streams = createStreams(seed, I);
  const duplicated: DuplicatedNeuron[] = [];
  for (let inst = 0; inst < I; inst++) {
    for (let i = 0; i < n; i++) {
      const from = (inst * n + i) * m;
      W0.set(W.subarray(from, from + m), (inst * n + i) * m2);
    }
    neurons[inst].forEach((k, j) => {
      if (!(Number.isInteger(k) && k >= 0 && k < m)) throw new RangeError(`duplicateNeurons: neuron ${k} of instance ${inst} is not in 0…${m - 1}`);
      const copy = m + j;
      duplicated.push({ instance: inst, neuron: k, copy, features: featuresOf(W, n, m, inst, k) });
      const s = streams[inst];
      for (let i = 0; i < n; i++) {
        const half = W[(inst * n + i) * m + k] / Math.SQRT2;
        const row = (inst * n + i) * m2;
        W0[row + k] = half + (sigma > 0 ? sigma * s.nextGaussian() : 0);
        W0[row + copy] = half + (sigma > 0 ? sigma * s.nextGaussian() : 0);
      }
    });
  }
  return { W0, shape: [I, n, m2], duplicated };
}

/** What became of one duplicated neuron after training. */
export interface DuplicationOutcome extends DuplicatedNeuron {
  /** features each copy represents at the end (band rule) */
  first: number[];
  second: number[];
  /** each copy ended monosemantic, holding a different one of the neuron's original features */
  split: boolean;
  /**
   * split; shared: not split, and the original features still have their largest weights on
   * the copies, both on the same one (e.g. σ = 0: two identical copies); moved: otherwise
   * (a feature's largest weight left the copies, or each copy leads one feature outside the band)
   */
  fate: 'split' | 'shared' | 'moved';
}

export function duplicationOutcomes(W: ArrayLike<number>, shape: readonly [number, number, number], duplicated: readonly DuplicatedNeuron[], band: Band = DEFAULT_BAND): DuplicationOutcome[] {
  const [, n, m] = shape;
  return duplicated.map((d) => {
    const first = featuresOf(W, n, m, d.instance, d.neuron, band);
    const second = featuresOf(W, n, m, d.instance, d.copy, band);
    const split = first.length === 1 && second.length === 1 && first[0] !== second[0] && d.features.includes(first[0]) && d.features.includes(second[0]);
    const lead = d.features.map((i) => {
      let best = 0;
      for (let k = 1; k < m; k++) if (Math.abs(W[(d.instance * n + i) * m + k]) > Math.abs(W[(d.instance * n + i) * m + best])) best = k;
      return best;
    });
    const onCopies = lead.every((k) => k === d.neuron || k === d.copy);
    const fate = split ? 'split' : onCopies && new Set(lead).size === 1 ? 'shared' : 'moved';
    return { ...d, first, second, split, fate };
  });
}

/**
 * Largest |ReLU(W Wᵀ) − ReLU(W′ W′ᵀ)| over every instance and entry: the outputs of the
 * one-hot model (row i is the output for input e_i) before and after duplication,
 * computed in float64 from the float32 weights.
 */
export function maxOutputChange(W: Float32Array, shape: readonly [number, number, number], W2: Float32Array, shape2: readonly [number, number, number]): number {
  const [I, n, m] = shape;
  const m2 = shape2[2];
  let worst = 0;
  for (let inst = 0; inst < I; inst++) {
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        let a = 0;
        let b = 0;
        for (let k = 0; k < m; k++) a += W[(inst * n + i) * m + k] * W[(inst * n + j) * m + k];
        for (let k = 0; k < m2; k++) b += W2[(inst * n + i) * m2 + k] * W2[(inst * n + j) * m2 + k];
        worst = Math.max(worst, Math.abs(Math.max(a, 0) - Math.max(b, 0)));
      }
    }
  }
  return worst;
}
