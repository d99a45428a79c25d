/**
 * Necessary or incidental, from the final weights alone (SCIENCE.md §7.4, §8): a
 * polysemantic neuron k holding features i and j is *incidental* when the model has spare
 * capacity to separate them at no cost: a dead neuron d exists, and moving feature j's
 * weight from k to d (W_jd ← W_jk, W_jk ← 0) gives a model whose loss, after brief
 * retraining, is no higher than the unmodified model retrained the same way, with the
 * split still in place. It is *necessary* when no dead neuron is left to split into, or the
 * split costs loss or undoes itself. (A benign pair costs nothing where it is, so a split
 * into a spare neuron is free; with m < n every neuron is needed and a split must evict
 * another feature.)
 *
 * This module prepares the splits and judges them; the retraining is the caller's.
 * Pure maths. Shapes: W Float32Array [instances, n, m].
 */
import { featuresOf } from './duplicate.js';
import type { Band } from './neurons.js';
import { DEFAULT_BAND } from './neurons.js';

/** Largest |W_ik| below this for every feature i: neuron k is dead (spare capacity). */
export const DEAD_BELOW = 0.1;

export interface PlannedSplit {
  instance: number;
  neuron: number;
  /** the two features on the neuron (the first two in the band, by index) */
  features: [number, number];
  /** the dead neuron feature[1] is moved to, or −1 when none is left */
  target: number;
}

export function deadNeurons(W: ArrayLike<number>, n: number, m: number, instance: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < m; k++) {
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(W[(instance * n + i) * m + k]));
    if (max < DEAD_BELOW) out.push(k);
  }
  return out;
}

/** Every polysemantic neuron of each instance, each paired with a distinct dead neuron while any is left. */
export function planSplits(W: ArrayLike<number>, shape: readonly [number, number, number], band: Band = DEFAULT_BAND): PlannedSplit[] {
  const [I, n, m] = shape;
  const out: PlannedSplit[] = [];
  for (let inst = 0; inst < I; inst++) {
    const spare = deadNeurons(W, n, m, inst);
    for (let k = 0; k < m; k++) {
      const f = featuresOf(W, n, m, inst, k, band);
      if (f.length < 2) continue;
      out.push({ instance: inst, neuron: k, features: [f[0], f[1]], target: spare.length ? spare.shift()! : -1 });
    }
  }
  return out;
}

/** A copy of W with the given splits applied (splits without a target are skipped). */
export function applySplits(W: Float32Array, shape: readonly [number, number, number], splits: readonly PlannedSplit[]): Float32Array {
  const [, n, m] = shape;
  const out = Float32Array.from(W);
  for (const s of splits) {
    if (s.target < 0) continue;
    const j = (s.instance * n + s.features[1]) * m;
    out[j + s.target] = out[j + s.neuron];
    out[j + s.neuron] = 0;
  }
  return out;
}

/** Whether a split held after retraining: each feature still has its largest weight on its own neuron. */
export function splitHeld(W: ArrayLike<number>, shape: readonly [number, number, number], s: PlannedSplit): boolean {
  const [, n, m] = shape;
  const lead = (i: number) => {
    let best = 0;
    for (let k = 1; k < m; k++) if (Math.abs(W[(s.instance * n + i) * m + k]) > Math.abs(W[(s.instance * n + i) * m + best])) best = k;
    return best;
  };
  return s.target >= 0 && lead(s.features[0]) === s.neuron && lead(s.features[1]) === s.target;
}

/** Both features' largest initial weights were on the same neuron: the paper's incidental mechanism, read from W0. */
export function collidedAtInit(W0: ArrayLike<number>, shape: readonly [number, number, number], instance: number, features: readonly [number, number]): boolean {
  const [, n, m] = shape;
  const lead = (i: number) => {
    let best = 0;
    for (let k = 1; k < m; k++) if (Math.abs(W0[(instance * n + i) * m + k]) > Math.abs(W0[(instance * n + i) * m + best])) best = k;
    return best;
  };
  return lead(features[0]) === lead(features[1]);
}
