/**
 * The grid shared by experiments B, C, D and F: its runs (sizes, chunks, seeds), the
 * per-instance polysemantic counts read back from them, and the log-log fit behind B's
 * slope check (log₁₀ on both axes: points with mean K/m give slope −1, intercept log₁₀ K).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../core/config.js';
import { loadWithCounts } from '../../test-support/synthetic-runs.js';
import { fitLogLog, fitRows, gridRuns, nSquaredOver4m, pointCounts, pointRuns, summarize, theoryRows, measuredRows, type CountGrid } from './count-grid.js';

describe('log-log fit', () => {
  it('points with mean K/m give slope −1 and intercept log₁₀ K (base 10 on both axes)', () => {
    for (const K of [5000, 64 * 64 / 4, 7]) {
      const fit = fitLogLog([10, 100, 1000, 3000].map((m) => summarize(m, [K / m])))!;
      expect(fit.slope).toBeCloseTo(-1, 12);
      expect(fit.intercept).toBeCloseTo(Math.log10(K), 12);
      expect(fit.points).toBe(4);
      expect(fit.excluded).toEqual([]);
      expect(fit.rSquared).toBeCloseTo(1, 12);
    }
  });

  it('mean K/m² gives slope −2; a constant gives slope 0', () => {
    expect(fitLogLog([2, 20, 200].map((m) => summarize(m, [1e6 / (m * m)])))!.slope).toBeCloseTo(-2, 12);
    const flat = fitLogLog([2, 20, 200].map((m) => summarize(m, [3])))!;
    expect(flat.slope).toBeCloseTo(0, 12);
    expect(flat.intercept).toBeCloseTo(Math.log10(3), 12);
  });

  it('fits the mean over instances, leaves out m whose mean is 0, and needs two points', () => {
    const fit = fitLogLog([summarize(10, [50, 150]), summarize(100, [0, 0]), summarize(1000, [1, 1])])!;
    expect(fit.excluded).toEqual([100]);
    expect(fit.points).toBe(2);
    expect(fit.slope).toBeCloseTo(-1, 12); // log10(100) at m=10 to log10(1) at m=1000
    expect(fitLogLog([summarize(10, [5]), summarize(100, [0])])).toBeNull();
    expect(fitLogLog([summarize(10, [5])])).toBeNull();
  });

  it('the fitted line drawn at the ends of the grid', () => {
    const fit = fitLogLog([10, 1000].map((m) => summarize(m, [500 / m])))!;
    const rows = fitRows('n=8', fit, 10, 1000);
    expect(rows.map((r) => r.m)).toEqual([10, 1000]);
    expect(rows[0].value).toBeCloseTo(50, 10);
    expect(rows[1].value).toBeCloseTo(0.5, 10);
    expect(rows.every((r) => r.kind === 'OLS fit' && r.series === 'n=8')).toBe(true);
  });
});

describe('grid runs', () => {
  const grid: CountGrid = { n: 8, ms: [16, 32], instances: 5, instancesPerRun: 2, steps: 100 };

  it('splits each point into runs of instancesPerRun (the last one shorter), all AdamW, lr 10⁻³, weight decay 0.01, at λ', () => {
    const runs = pointRuns(grid, 16, 0.01, 'B');
    expect(runs.map((r) => r.config.nInstances)).toEqual([2, 2, 1]);
    expect(runs.map((r) => r.label)).toEqual(['B n=8 m=16 part 1/3', 'B n=8 m=16 part 2/3', 'B n=8 m=16 part 3/3']);
    for (const r of runs) {
      expect(r.config).toMatchObject({ nFeatures: 8, nHidden: 16, lambda: 0.01, optimizer: 'adamw', lr: 1e-3, weightDecay: 0.01, steps: 100, snapshotEvery: 2 });
      expect(Object.keys(r.config).sort()).toEqual(Object.keys(DEFAULTS).sort());
    }
    expect(pointRuns({ ...grid, instancesPerRun: undefined }, 32, 0.01, 'C').map((r) => [r.label, r.config.nInstances])).toEqual([['C n=8 m=32', 5]]);
  });

  it('seeds 2²⁵·chunk + 2¹⁶·n + m: distinct for every run of every grid', () => {
    expect(pointRuns(grid, 16, 0.01, 'B').map((r) => r.config.seed)).toEqual([8 * 65536 + 16, 2 ** 25 + 8 * 65536 + 16, 2 ** 26 + 8 * 65536 + 16]);
    const seeds = [8, 16, 64, 256].flatMap((n) => gridRuns({ ...grid, n, ms: [n, 2 * n, 4096] }, 1e-3, 'x').map((r) => r.config.seed));
    expect(new Set(seeds).size).toBe(seeds.length);
  });

  it('snapshots every steps/50 steps, at least every step', () => {
    expect(pointRuns({ ...grid, steps: 10_000 }, 16, 1e-3, '')[0].config.snapshotEvery).toBe(200);
    expect(pointRuns({ ...grid, steps: 20 }, 16, 1e-3, '')[0].config.snapshotEvery).toBe(1);
  });

  it('gridRuns lists every m in order', () => {
    expect(gridRuns(grid, 1e-3, 'B').map((r) => r.config.nHidden)).toEqual([16, 16, 16, 32, 32, 32]);
  });

  it('pointCounts reads the polysemantic count of every instance of every chunk, in order', () => {
    const { load, loaded } = loadWithCounts((m, inst) => (m === 16 ? inst : 4 - inst));
    expect(pointCounts(grid, 16, 0.01, load)).toEqual([0, 1, 2, 3, 4]);
    expect(pointCounts(grid, 32, 0.01, load)).toEqual([4, 3, 2, 1, 0]);
    expect(loaded.map((s) => s.config.seed)).toEqual([...pointRuns(grid, 16, 0.01, ''), ...pointRuns(grid, 32, 0.01, '')].map((r) => r.config.seed));
  });
});

describe('summaries and rows', () => {
  it('summarize: mean, sample sd, min, max', () => {
    expect(summarize(64, [1, 2, 6])).toEqual({ m: 64, counts: [1, 2, 6], mean: 3, sd: Math.sqrt(7), min: 1, max: 6 });
  });

  it('n²/4m (the paper first-order law, not n(n−1)/4m)', () => {
    expect(nSquaredOver4m(64, 256)).toBe(4);
    expect(nSquaredOver4m(256, 1024)).toBe(16);
  });

  it('measured rows: one dot per instance and the mean with its spread', () => {
    const rows = measuredRows('s', [summarize(8, [1, 3])], (p) => [p.min, p.max]);
    expect(rows).toEqual([
      { kind: 'instance', series: 's', m: 8, value: 1, lo: null, hi: null },
      { kind: 'instance', series: 's', m: 8, value: 3, lo: null, hi: null },
      { kind: 'mean', series: 's', m: 8, value: 2, lo: 1, hi: 3 },
    ]);
  });

  it('theory rows: n²/4m on 33 log-spaced m from mLo to mHi, and the exact expectation at integer m', () => {
    const rows = theoryRows('s', 16, 16, 256);
    const law = rows.filter((r) => r.kind === 'n²/4m');
    expect(law.length).toBe(33);
    expect(law[0].m).toBe(16);
    expect(law[32].m).toBeCloseTo(256, 9);
    expect(law[16].m).toBeCloseTo(64, 9);
    for (const r of law) expect(r.value).toBeCloseTo((16 * 16) / (4 * r.m), 12);
    const exact = rows.filter((r) => r.kind === 'exact expectation');
    expect(exact.length).toBeGreaterThan(20);
    expect(exact.every((r) => Number.isInteger(r.m))).toBe(true);
    expect(theoryRows('s', 16, 16, 256, false).filter((r) => r.kind === 'exact expectation')).toEqual([]);
  });
});
