/**
 * G's analysis on synthetic runs (no training): per data condition each instance's
 * polysemantic count is chosen (features 2j, 2j+1 at ±1 on neuron j: polysemantic by the
 * share rule), so the check, the smallest p's counts against the one-hot counts by Welch's
 * interval, is made to pass (equal means) and made to fail (all zero, or higher), and the
 * answer's reading follows. Interval numbers by hand: one-hot counts 1, 2, 1, 2 have
 * variance 1/3, so against four zeros se = √(1/12), Welch df = 3, t = 3.182: the interval
 * is −1.5 ± 0.92, below 0.
 */
import { describe, expect, it } from 'vitest';
import { snapshot, weightsWithPolysemantic } from '../../test-support/synthetic-runs.js';
import type { ExperimentAnalysis, LoadRun } from '../types.js';
import { batchFor, experimentG, type CooccurrenceParams } from './g-cooccurrence.js';

const p: CooccurrenceParams = { n: 8, m: 8, instances: 4, instancesPerRun: 2, pn: [0.1, 1, 2], batchTimesP: 1, steps: 10 };

/** counts[condition] per instance 0–3; condition 'onehot' or the p·n value; fourth: final fourth norm per condition. */
function analyze(counts: Record<string, number[]>, fourth: (cond: string) => number = () => 0.95, q: CooccurrenceParams = p): ExperimentAnalysis {
  const load: LoadRun = (spec) => {
    const c = spec.config;
    const cond = c.data === 'onehot' ? 'onehot' : String(Math.round(c.featureProbability * q.n * 1000) / 1000);
    const first = (c.seed - 11_014) * q.instancesPerRun;
    const mine = counts[cond].slice(first, first + c.nInstances);
    const W = weightsWithPolysemantic(mine, q.n, q.m);
    const f = mine.map(() => fourth(cond));
    return { config: c, shape: [c.nInstances, q.n, q.m], W0: new Float32Array(W.length), W, snapshots: [snapshot(0, f.map(() => 0.1)), snapshot(10, f)], backend: 'synthetic', wallTimeSeconds: 0 };
  };
  const a = experimentG.analyze(q, load, 'test');
  if (a instanceof Promise) throw new Error('G analyzes synchronously');
  return a;
}

describe('G: the one-hot limit, from the runs', () => {
  it('the runs: one-hot, then each p·n with p = p·n/n and B = round(B·p·n/p·n), in chunks', () => {
    const runs = experimentG.runs(p);
    expect(runs.map((r) => [r.config.data, r.config.featureProbability, r.config.batch, r.config.nInstances, r.config.seed])).toEqual([
      ['onehot', 0.1, null, 2, 11_014], ['onehot', 0.1, null, 2, 11_015],
      ['bernoulli', 0.1 / 8, 80, 2, 11_014], ['bernoulli', 0.1 / 8, 80, 2, 11_015],
      ['bernoulli', 1 / 8, 8, 2, 11_014], ['bernoulli', 1 / 8, 8, 2, 11_015],
      ['bernoulli', 2 / 8, 4, 2, 11_014], ['bernoulli', 2 / 8, 4, 2, 11_015],
    ]);
    expect(batchFor({ ...p, n: 8 }, 100)).toBe(1); // never below one row
  });

  it('the smallest p with the one-hot counts (means equal): pass, read as the one-hot limit', () => {
    const a = analyze({ onehot: [1, 2, 1, 2], '0.1': [2, 1, 2, 1], '1': [1, 1, 1, 1], '2': [0, 0, 0, 0] });
    expect(a.checks.length).toBe(1);
    expect(a.checks[0].pass).toBe(true);
    expect(a.answer).toContain('against 1.50 [0.58, 2.42] for one-hot data: the same within the uncertainty');
    expect(a.answer).toContain('the counts are 1.50, 1.00, 0.00 (one-hot 1.50, n²/4m = 2.00), exactly 0 in every model at p·n = 2');
    expect(a.answer).toContain('the final fourth norms 0.95, 0.95, 0.95 (one-hot 0.95) show the encodings are one-hot at small p');
    expect(a.answer).toContain('polysemanticity falls with co-occurrence');
  });

  it('all zero at the smallest p: fail, lower, and polysemanticity vanishes already there', () => {
    const a = analyze({ onehot: [1, 2, 1, 2], '0.1': [0, 0, 0, 0], '1': [0, 0, 0, 0], '2': [0, 0, 0, 0] }, (c) => (c === '0.1' ? 0.5 : 0.95));
    expect(a.checks[0].pass).toBe(false);
    expect(a.checks[0].measured).toBe('p·n=0.1: 0.00 vs one-hot 1.50; difference 95 % CI [−2.42, −0.58]');
    expect(a.answer).toContain('for one-hot data: lower, contradicting our prediction');
    expect(a.answer).toContain('exactly 0 in every model at p·n = 0.1, 1, 2');
    expect(a.answer).toContain('are not all one-hot yet');
    expect(a.answer).toContain('vanishes already at the rarest co-occurrence we trained');
  });

  it('more polysemantic neurons at the smallest p than one-hot: fail, higher', () => {
    const a = analyze({ onehot: [1, 2, 1, 2], '0.1': [4, 4, 4, 4], '1': [2, 2, 2, 2], '2': [1, 1, 1, 1] });
    expect(a.checks[0].pass).toBe(false);
    expect(a.answer).toContain('for one-hot data: higher, contradicting');
    // T·B·p² co-occurring rows per pair: 10 · 80 · (0.1/8)² = 0.125 → "0", 10 · 8 · (1/8)² = 1.25 → "1", 10 · 4 · (2/8)² = 2.5 → "3"
    expect(a.answer).toContain('about T·B·p² = 0, 1, 3 rows over the 10 steps');
  });

  it('the exponential fit is drawn over the p·n it was fitted on (the positive counts), not out to where the data are 0', () => {
    const a = analyze({ onehot: [1, 2, 1, 2], '0.1': [4, 4, 4, 4], '1': [2, 2, 2, 2], '2': [1, 1, 1, 1], '4': [0, 0, 0, 0] }, undefined, { ...p, pn: [0.1, 1, 2, 4] });
    const fit = a.figures[0].rows.filter((r) => r.kind === 'exponential fit');
    expect(fit.length).toBe(41);
    expect(Math.min(...fit.map((r) => Number(r.x)))).toBeCloseTo(0.1, 12);
    expect(Math.max(...fit.map((r) => Number(r.x)))).toBeCloseTo(2, 12);
    // counts 4, 2, 1 at p·n 0.1, 1, 2: the fit's value at its right end is near 1, not extrapolated to p·n = 4
    expect(fit[fit.length - 1].value).toBeGreaterThan(0.5);
    expect(a.answer).toContain('the exponential fit over the p with a positive count is not informative here');
  });
});

describe('G: the exponential fit, the zeros and the figure', () => {
  // p·n = 1, 2, 3, 4 (the check's p is 1): mean counts 4, 2, 1 fall exactly as 8·2^(−p·n),
  // so log(count) = ln 8 − ln 2·p·n = 2.08 − 0.69·p·n, halving at p·n = 1; 0 at p·n = 4 is left out of the fit
  const q: CooccurrenceParams = { ...p, pn: [1, 2, 3, 4], steps: 100 };

  it('three positive means: the fit is stated with its slope and halving, over exactly the positive p', () => {
    const a = analyze({ onehot: [4, 4, 4, 4], '1': [4, 4, 4, 4], '2': [2, 2, 2, 2], '3': [2, 0, 2, 0], '4': [0, 0, 0, 0] }, () => 0.9, q);
    expect(a.checks[0].pass).toBe(true);
    expect(a.answer).toContain('; the exponential fit over the p with a positive count is not informative here (log(count) = 2.08 − 0.69·p·n (slope 95 % CI −0.69 [−0.69, −0.69], 3 values of p)).');
    expect(a.answer).toContain('exactly 0 in every model at p·n = 4;'); // not at 3, where two of four models are 0
    expect(a.answer).toContain('(one-hot 0.90) show the encodings are not all one-hot yet'); // 0.9 is not above 0.9
    expect(a.answer).toContain('each co-occurrence costs a benign pair loss, and 13 of them at the smallest p are apparently enough'); // T·B·p² = 100 · 8 · (1/8)² = 12.5
    expect(a.table.find((t) => t.quantity.startsWith('fit:'))?.measured).toBe('−0.69 [−0.69, −0.69]; 1.00');
    const curve = a.figures[0].rows.filter((r) => r.kind === 'exponential fit');
    expect(curve.length).toBe(41);
    expect(curve[0].x).toBe(1);
    expect(curve[0].value).toBeCloseTo(4, 10);
    // drawn over the positive p·n only (1 to 3), in even steps on the log axis: not out to p·n = 4, where every count is 0
    expect(curve[20].x).toBeCloseTo(Math.sqrt(3), 12);
    expect(curve[20].value).toBeCloseTo(8 * 2 ** -Math.sqrt(3), 10);
    expect(curve[40].x).toBeCloseTo(3, 12);
    expect(curve[40].value).toBeCloseTo(1, 10);
  });

  it('a rising fit is written with +; a flat one (no halving) and fewer than three positive means are not stated', () => {
    const rising = analyze({ onehot: [1, 1, 1, 1], '1': [1, 1, 1, 1], '2': [2, 2, 2, 2], '3': [4, 4, 4, 4], '4': [0, 0, 0, 0] }, undefined, q);
    expect(rising.answer).toContain('(log(count) = −0.69 + 0.69·p·n (slope 95 % CI 0.69 [0.69, 0.69], 3 values of p))');
    const flat = analyze({ onehot: [2, 2, 2, 2], '1': [2, 2, 2, 2], '2': [2, 2, 2, 2], '3': [2, 2, 2, 2], '4': [0, 0, 0, 0] }, undefined, q);
    expect(flat.table.find((t) => t.quantity.startsWith('fit:'))?.measured).toBe('0.00 [0.00, 0.00]; does not fall');
    expect(flat.answer).not.toContain('exponential fit');
    const two = analyze({ onehot: [2, 2, 2, 2], '1': [2, 2, 2, 2], '2': [1, 1, 1, 1], '3': [0, 0, 0, 0], '4': [0, 0, 0, 0] }, undefined, q);
    expect(two.table.some((t) => t.quantity.startsWith('fit:'))).toBe(false);
    expect(two.answer).not.toContain('exponential fit');
    expect(two.answer).toMatch(/falls with co-occurrence\.$/);
  });

  it('the figure: each p·n with its 95 % interval and batch, the one-hot mean and n²/4m at both ends', () => {
    const a = analyze({ onehot: [1, 2, 1, 2], '0.1': [2, 1, 2, 1], '1': [1, 1, 1, 1], '2': [0, 0, 0, 0] });
    const measured = a.figures[0].rows.filter((r) => r.kind === 'measured');
    expect(measured.map((r) => [r.x, r.value, r.batch])).toEqual([[0.1, 1.5, 80], [1, 1, 8], [2, 0, 4]]);
    expect(measured[0].lo).toBeCloseTo(1.5 - 0.9187, 3); // t₀.₉₇₅(3) · √(1/3) / 2 = 3.182 · 0.2887
    expect(measured[0].hi).toBeCloseTo(1.5 + 0.9187, 3);
    const refs = a.figures[0].rows.filter((r) => r.kind === 'one-hot mean' || r.kind === 'n²/4m');
    expect(refs.map((r) => [r.kind, r.x, r.value])).toEqual([['one-hot mean', 0.1, 1.5], ['n²/4m', 0.1, 2], ['one-hot mean', 2, 1.5], ['n²/4m', 2, 2]]);
  });

  it('runs: the last chunk holds the remaining instances; a snapshot every steps/20', () => {
    const runs = experimentG.runs({ ...p, instances: 3, steps: 100 });
    expect(runs.map((r) => [r.label, r.config.nInstances, r.config.snapshotEvery])).toEqual([
      ['G one-hot part 1/2', 2, 5], ['G one-hot part 2/2', 1, 5],
      ['G p·n=0.1 part 1/2', 2, 5], ['G p·n=0.1 part 2/2', 1, 5],
      ['G p·n=1 part 1/2', 2, 5], ['G p·n=1 part 2/2', 1, 5],
      ['G p·n=2 part 1/2', 2, 5], ['G p·n=2 part 2/2', 1, 5],
    ]);
  });
});
