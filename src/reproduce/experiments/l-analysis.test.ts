/**
 * L's analysis on synthetic runs (no training): per optimizer and λ, each instance's
 * polysemantic count is chosen, so the AdamW fit of count on log₁₀ λ that feeds the check is
 * known exactly; the check is made to pass (AdamW flat) and made to fail (AdamW loses one
 * polysemantic neuron per decade of λ), and the answer's reading of both fits and of
 * convergence (features one-hot at the end) is checked against the counts given.
 */
import { describe, expect, it } from 'vitest';
import type { ExperimentAnalysis, LoadRun } from '../types.js';
import { experimentL, proxSteps, type SlowParams } from './l-slow-regularization.js';

const p: SlowParams = { n: 8, m: 8, instances: 4, instancesPerRun: 2, lambdas: [0.1, 0.01, 0.001], adamw: { lr: 1e-3, steps: 10 }, prox: { lr: 0.1, minSteps: 5, tStars: 0.01 } };

/**
 * Weights [I, n, m] with `c` polysemantic neurons per instance (features 2j, 2j+1 on neuron j,
 * ±1) and, when `represented`, every other feature alone on a neuron of its own (one-hot);
 * otherwise those features' rows stay zero (not one-hot).
 */
function weights(counts: number[], represented: boolean): Float32Array {
  const { n, m } = p;
  const W = new Float32Array(counts.length * n * m);
  counts.forEach((c, inst) => {
    for (let j = 0; j < c; j++) {
      W[(inst * n + 2 * j) * m + j] = 1;
      W[(inst * n + 2 * j + 1) * m + j] = -1;
    }
    if (represented) for (let f = 2 * c; f < n; f++) W[(inst * n + f) * m + c + (f - 2 * c)] = 1;
  });
  return W;
}

type CountOf = (opt: 'adamw' | 'prox-sgd', lambda: number, instance: number) => number;

function analyze(count: CountOf, unconverged?: (opt: string, lambda: number) => boolean): ExperimentAnalysis {
  const load: LoadRun = (spec) => {
    const { optimizer, lambda, nInstances: I, seed } = spec.config;
    const first = (seed - 11_012) * p.instancesPerRun; // chunk c has seed SEED + c
    const counts = Array.from({ length: I }, (_, i) => count(optimizer as 'adamw' | 'prox-sgd', lambda, first + i));
    const W = weights(counts, !unconverged?.(optimizer, lambda));
    return { config: spec.config, shape: [I, p.n, p.m], W0: new Float32Array(W.length), W, snapshots: [], backend: 'synthetic', wallTimeSeconds: 0 };
  };
  const a = experimentL.analyze(p, load, 'test');
  if (a instanceof Promise) throw new Error('L analyzes synchronously');
  return a;
}

/** decades below 10⁻¹: 0, 1, 2 */
const decades = (lambda: number) => Math.round(-1 - Math.log10(lambda));

describe('L: the AdamW fit behind the check, from the runs', () => {
  it('the runs: both optimizers at every λ, in chunks of instancesPerRun, prox-SGD for max(minSteps, ⌈tStars/(λ·lr)⌉) steps', () => {
    const runs = experimentL.runs(p);
    // AdamW at its own lr, prox-SGD at its own; a snapshot every steps/40 (at least 1)
    expect(runs.map((r) => [r.config.lr, r.config.snapshotEvery])).toEqual([
      ...new Array(6).fill([1e-3, 1]),
      [0.1, 1], [0.1, 1], [0.1, 1], [0.1, 1], [0.1, 3], [0.1, 3],
    ]);
    expect(runs.map((r) => [r.config.optimizer, r.config.lambda, r.config.nInstances, r.config.seed, r.config.steps])).toEqual([
      ['adamw', 0.1, 2, 11_012, 10], ['adamw', 0.1, 2, 11_013, 10],
      ['adamw', 0.01, 2, 11_012, 10], ['adamw', 0.01, 2, 11_013, 10],
      ['adamw', 0.001, 2, 11_012, 10], ['adamw', 0.001, 2, 11_013, 10],
      ['prox-sgd', 0.1, 2, 11_012, 5], ['prox-sgd', 0.1, 2, 11_013, 5],
      ['prox-sgd', 0.01, 2, 11_012, 10], ['prox-sgd', 0.01, 2, 11_013, 10],
      ['prox-sgd', 0.001, 2, 11_012, 100], ['prox-sgd', 0.001, 2, 11_013, 100],
    ]);
    expect(proxSteps(p, 0.001)).toBe(100); // ⌈0.01 / (10⁻³ · 0.1)⌉
    expect(proxSteps(p, 0.05)).toBe(5); // ⌈2⌉ = 2, below minSteps
    // an instance count that does not divide: the last chunk holds the rest
    const odd = experimentL.runs({ ...p, instances: 5 }).filter((r) => r.config.optimizer === 'adamw' && r.config.lambda === 0.1);
    expect(odd.map((r) => r.config.nInstances)).toEqual([2, 2, 1]);
  });

  it('AdamW flat (2 at every λ), prox-SGD gaining one neuron per decade: the check passes; the answer reads both fits', () => {
    const a = analyze((opt, lambda) => (opt === 'adamw' ? 2 : 1 + decades(lambda)));
    expect(a.checks.length).toBe(1);
    expect(a.checks[0].pass).toBe(true);
    expect(a.checks[0].measured).toBe('change per decade of λ 0.00 [0.00, 0.00] polysemantic neurons, mean count 2.00');
    expect(a.answer).toContain('from 0.1 down to 10⁻³: AdamW 0.00 [0.00, 0.00] per decade of λ (mean count 2.00); prox-SGD −1.00 [−1.00, −1.00] per decade of λ (mean count 2.00)');
    expect(a.answer).toContain('At λ = 10⁻³ the counts are 2.00 (AdamW) and 3.00 (prox-SGD) against 2.00 and 1.00 at λ = 0.1');
    expect(a.answer).toContain('With prox-SGD the count does depend on λ (its interval excludes 0), so the paper\'s "λ does not matter" is at least partly Adam\'s doing. Every run converged');
    expect(a.answer).not.toContain('With AdamW the interval excludes 0 too');
    expect(a.answer).toContain('Every run converged');
  });

  it('AdamW losing one neuron per decade of λ fails the check; prox-SGD flat reads as "λ does not matter either"', () => {
    const a = analyze((opt, lambda) => (opt === 'adamw' ? 3 - decades(lambda) : 2));
    expect(a.checks[0].pass).toBe(false);
    expect(a.checks[0].measured).toBe('change per decade of λ 1.00 [1.00, 1.00] polysemantic neurons, mean count 2.00');
    expect(a.answer).toContain('Without Adam\'s rescaling λ does not matter either');
    expect(a.answer).toContain('With AdamW the interval excludes 0 too');
  });

  it('the fit is over single instances: instance spread widens the interval until the check fails', () => {
    // AdamW instances 0–3 count 1, 2, 3, 2 at every λ: slope 0, but the interval is ±0.61 (s² = 0.6, Sxx = 8, t₁₀ = 2.228) > 0.4
    const a = analyze((opt, _l, inst) => (opt === 'adamw' ? [1, 2, 3, 2][inst] : 2));
    expect(a.checks[0].measured).toBe('change per decade of λ 0.00 [−0.61, 0.61] polysemantic neurons, mean count 2.00');
    expect(a.checks[0].pass).toBe(false);
    // counts 2, 3, 3, 2: s² = 0.3, interval ±2.228·√(0.3/8) = ±0.43, inside the bound ±0.5 of the mean 2.5
    const b = analyze((opt, _l, inst) => (opt === 'adamw' ? [2, 3, 3, 2][inst] : 2));
    expect(b.checks[0].measured).toBe('change per decade of λ 0.00 [−0.43, 0.43] polysemantic neurons, mean count 2.50');
    expect(b.checks[0].pass).toBe(true);
  });

  it('exactly 90 % one-hot counts as converged; two unconverged runs are listed with a comma', () => {
    // n = 10, 4 instances: 40 features per (optimizer, λ); AdamW at 0.1 keeps 36 one-hot (90 %)
    const q: SlowParams = { ...p, n: 10, m: 10 };
    const load: LoadRun = (spec) => {
      const { optimizer, lambda, nInstances: I } = spec.config;
      const W = new Float32Array(I * 10 * 10);
      for (let i = 0; i < I; i++) {
        // features one-hot on their own neuron, except: AdamW λ = 0.1 leaves feature 9 of its first instance of each run out
        const out = (optimizer === 'adamw' && lambda === 0.1 ? [9] : []).concat(optimizer === 'prox-sgd' && lambda !== 0.1 ? [8, 9] : []);
        for (let f = 0; f < 10; f++) if (!(i === 0 && out.includes(f))) W[(i * 10 + f) * 10 + f] = 1;
      }
      return { config: spec.config, shape: [I, 10, 10], W0: new Float32Array(W.length), W, snapshots: [], backend: 'synthetic', wallTimeSeconds: 0 };
    };
    const a = experimentL.analyze(q, load, 'test');
    if (a instanceof Promise) throw new Error('L analyzes synchronously');
    // AdamW 0.1: 2 runs × 1 feature missing = 38/40 = 95 %; prox 0.01 and 0.001: 2 runs × 2 missing = 36/40 = 90 %: converged
    expect(a.answer).toContain('Every run converged');
    const b = experimentL.analyze({ ...q, instancesPerRun: 1 }, load, 'test');
    if (b instanceof Promise) throw new Error('L analyzes synchronously');
    // one instance per run: 4 runs × 2 missing = 32/40 = 80 %
    expect(b.answer).toContain('Not every run converged (fewer than 90 % of features one-hot): prox-SGD λ=0.01 (80 % one-hot), prox-SGD λ=10⁻³ (80 % one-hot)');
  });

  it('runs with fewer than 90 % of features one-hot are named in the answer', () => {
    const a = analyze((opt) => (opt === 'adamw' ? 2 : 1), (opt, lambda) => opt === 'prox-sgd' && lambda === 0.001);
    // prox-SGD at 10⁻³: only the 2 features of its polysemantic neuron are one-hot, 2 of 8 = 25 %
    expect(a.answer).toContain('Not every run converged (fewer than 90 % of features one-hot): prox-SGD λ=10⁻³ (25 % one-hot)');
    expect(a.answer).not.toContain('AdamW λ=');
  });
});
