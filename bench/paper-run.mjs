// What the whole-run comparisons (bench/compare-backends.mjs, bench/compare-stats.mjs) share:
// the paper's configuration as a TrainConfig, and the polysemantic-neuron statistics they
// report (neuron k polysemantic when ≥ 2 features have |W_ik| in [0.8, 1.2]; mean ± standard
// error over instances).
import { polysemanticCount } from '../dist/analysis/neurons.js';
import { parseConfig } from '../dist/core/config.js';

/** 16 × (n=256, m=1024), AdamW lr 1e-3, λ = 1e-3 (SCIENCE.md §6), snapshots every 500 steps. */
export const paperConfig = ({ steps, seed, threads }) =>
  parseConfig({ nFeatures: 256, nHidden: 1024, nInstances: 16, optimizer: 'adamw', lr: 1e-3, lambda: 1e-3, steps, seed, threads, snapshotEvery: 500 });

/** Per-instance polysemantic counts of W [I, n, m], their mean and its standard error. */
export function polysemanticStats(W, { nInstances: I, nFeatures: n, nHidden: m }) {
  const counts = Array.from({ length: I }, (_, i) => polysemanticCount(W, n, m, i));
  const mean = counts.reduce((a, b) => a + b, 0) / I;
  const sd = Math.sqrt(counts.reduce((a, c) => a + (c - mean) ** 2, 0) / (I - 1));
  return { counts, mean, se: sd / Math.sqrt(I) };
}

/** "mean ± se  (per instance: …)". */
export const showStats = (s) => `${s.mean.toFixed(2)} ± ${s.se.toFixed(2)}  (per instance: ${s.counts.join(' ')})`;
