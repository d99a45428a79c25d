/**
 * The experiments' analyses end to end on small inputs, beyond the checks' decision rules
 * (checks.test.ts): A's restated check computed from its 16 simulations (recomputed here
 * independently), E's log-spaced thinning of the snapshots for its figure, B's notes on
 * zero counts and on m left out of the fit.
 */
import { describe, expect, it } from 'vitest';
import { simulateSparsification } from '../../analysis/sparsify.js';
import { loadWithCounts, loadWithSnapshots, snapshot } from '../../test-support/synthetic-runs.js';
import type { ExperimentAnalysis } from '../types.js';
import { percentile } from '../stats.js';
import { CHECK_SEEDS, experimentA, L1_TOLERANCE, maxL1Deviation, MEAN_FIELD_MIN, type SparsifyParams } from './a-sparsification.js';
import { experimentB } from './b-count-vs-m.js';
import { experimentE } from './e-noise.js';

const sync = (a: ExperimentAnalysis | Promise<ExperimentAnalysis>): ExperimentAnalysis => {
  if (a instanceof Promise) throw new Error('expected a synchronous analysis');
  return a;
};

describe('A: the check from its simulations', () => {
  it.each([0, 3])('figure seed %i: 16 seeds 0–15, each its max deviation while m′ ≥ 10, the median against 35 %', (seed) => {
    const p: SparsifyParams = { m: 1000, lambda: 1e-3, step: 0.5, initScale: 0.9, seed };
    const sims = Array.from({ length: CHECK_SEEDS }, (_, k) => simulateSparsification({ ...p, seed: k, record: { pointsPerDecade: 40 } }));
    const devs = sims.map((s) => maxL1Deviation(s, MEAN_FIELD_MIN).deviation);
    const med = percentile(devs, 50);
    const a = sync(experimentA.analyze(p, () => { throw new Error('A trains nothing'); }, 'test'));
    expect(a.checks.length).toBe(1);
    const c = a.checks[0];
    expect(c.pass).toBe(med <= L1_TOLERANCE);
    expect(c.measured).toContain(`median of the per-seed max deviation ${(100 * med).toFixed(1)} % over seeds 0–15`);
    // the figure's median curve: the pointwise median over the 16 seeds at the steps all of them recorded
    const median = a.figures[0].rows.filter((r) => r.kind === `median of ${CHECK_SEEDS} seeds` && r.quantity === a.figures[0].rows[0].quantity);
    const common = sims[0].points.filter((q) => sims.every((s) => s.points.some((o) => o.step === q.step)));
    expect(median.map((r) => r.t)).toEqual(common.map((q) => q.t));
    const at = common[Math.floor(common.length / 2)];
    const want = percentile(sims.map((s) => s.points.find((o) => o.step === at.step)!.l1), 50);
    expect(median[Math.floor(common.length / 2)].value).toBe(want);
  });
});

describe('E: the figure thins snapshots to about 40 per decade', () => {
  it('every step 1…1000 recorded: the first step of each bin ⌊40·log₁₀ step⌋ (88 of them), step 0 left out, the last step kept', () => {
    const p = { n: 8, m: 16, instances: 2, steps: 1000, sigmas: [0.1], snapshotEvery: 1 };
    const load = loadWithSnapshots(() => Array.from({ length: 1001 }, (_, s) => snapshot(s, [0.1, 0.3])));
    const a = sync(experimentE.analyze(p, load, 'test'));
    const rows = a.figures[0].rows.filter((r) => r.noise === 'bipolar');
    const steps = rows.map((r) => r.step as number);
    expect(steps[0]).toBe(1);
    expect(steps[steps.length - 1]).toBe(1000);
    const firsts = new Map<number, number>();
    for (let st = 1000; st >= 1; st--) firsts.set(Math.floor(40 * Math.log10(st)), st);
    expect(steps).toEqual([...firsts.values()].sort((x, y) => x - y));
    expect(steps.length).toBe(88);
    for (let k = 1; k < steps.length; k++) expect(steps[k]).toBeGreaterThan(steps[k - 1]);
    expect(rows[0]).toMatchObject({ mean: 0.2, lo: 0.1, hi: 0.3 });
  });

  it('the last snapshot is kept even inside a bin already drawn', () => {
    const p = { n: 8, m: 16, instances: 1, steps: 101, sigmas: [0.1], snapshotEvery: 1 };
    const load = loadWithSnapshots(() => [snapshot(0, [0]), snapshot(100, [0.2]), snapshot(101, [0.4])]);
    const rows = sync(experimentE.analyze(p, load, 'test')).figures[0].rows.filter((r) => r.noise === 'gaussian');
    expect(rows.map((r) => r.step)).toEqual([100, 101]);
  });

  it('the table reads the snapshot at step 10⁴ when the run goes past it', () => {
    const p = { n: 8, m: 16, instances: 1, steps: 20_000, sigmas: [0.1], snapshotEvery: 5000 };
    const load = loadWithSnapshots(() => [snapshot(0, [0]), snapshot(5000, [0.5]), snapshot(10_000, [0.25]), snapshot(20_000, [0.75])]);
    const row = sync(experimentE.analyze(p, load, 'test')).table.find((r) => r.quantity === 'fourth norm, bipolar σ=0.1')!;
    expect(row.measured).toBe('0.750 at step 20000 (instances 0.75–0.75); 0.250 at step 10000');
  });
});

describe('B: notes', () => {
  it('counts zero instance counts and names the m left out of the fit', () => {
    const grid = { n: 8, ms: [8, 16, 32], instances: 2, steps: 10 };
    const { load } = loadWithCounts((m, inst) => (m === 32 ? 0 : m === 16 ? inst : 2));
    const a = sync(experimentB.analyze(grid, load, 'test'));
    expect(a.notes).toContain('3 instance counts of 0 cannot be drawn on the log axis (they are included in the means).');
    expect(a.notes).toContain('The fit leaves out m = 32, whose mean count is 0.');
    const { load: none } = loadWithCounts(() => 1);
    expect(sync(experimentB.analyze(grid, none, 'test')).notes.length).toBe(1);
  });
});
