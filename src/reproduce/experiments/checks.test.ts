/**
 * Every acceptance check of every experiment, fed synthetic results made to pass it and
 * results made to fail it, close to each edge of its window: a check whose window is
 * widened, narrowed or inverted fails here. (reproduce.test.ts only sees that a PASS/FAIL
 * cell exists.) The experiments are driven through `analyze` with a synthetic LoadRun.
 * Experiments C, D and F report tables and figures but no checks; J, K and L's checks are
 * tested on made-up results in beyond-checks.test.ts (with G, H and I) and k-check.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { SparsifyPoint, SparsifyResult } from '../../analysis/sparsify.js';
import { loadWithCounts, loadWithSnapshots, snapshot } from '../../test-support/synthetic-runs.js';
import { EXPERIMENTS } from '../registry.js';
import type { CheckResult, ExperimentAnalysis } from '../types.js';
import { CHECK_SEEDS, checkSeedRobustL1, L1_TOLERANCE, maxL1Deviation } from './a-sparsification.js';
import { percentile } from '../stats.js';
import { experimentB } from './b-count-vs-m.js';
import type { CountGrid } from './count-grid.js';
import { experimentE, type NoiseParams } from './e-noise.js';

const check = (a: ExperimentAnalysis | Promise<ExperimentAnalysis>, prefix: string): CheckResult => {
  if (a instanceof Promise) throw new Error('analyze is synchronous for the experiments tested here');
  const found = a.checks.filter((c) => c.name.startsWith(prefix));
  expect(found.length, `one check named "${prefix}…"`).toBe(1);
  return found[0];
};

describe('A: median over ≥ 16 seeds of the per-seed max ‖w‖₁ deviation, within 35 %', () => {
  /** 16 per-seed deviations whose two middle values (so the median) are `median`; the rest well below and far above. */
  const seeds = (median: number) => Array.from({ length: CHECK_SEEDS }, (_, k) => (k < 7 ? median - 0.1 : k < 9 ? median : median + 0.5));
  it.each([
    ['median exactly 35 %', L1_TOLERANCE, true],
    ['median just above', L1_TOLERANCE + 1e-9, false],
    ['median 20 %, half the seeds far off', 0.2, true],
  ])('%s: pass %s', (_label, median, pass) => {
    const devs = seeds(median);
    expect(percentile(devs, 50)).toBeCloseTo(median, 12);
    expect(checkSeedRobustL1(devs).pass).toBe(pass);
  });

  it('needs at least 16 seeds: 15 good ones fail, 16 pass', () => {
    expect(checkSeedRobustL1(new Array(CHECK_SEEDS - 1).fill(0.1)).pass).toBe(false);
    expect(checkSeedRobustL1(new Array(CHECK_SEEDS).fill(0.1)).pass).toBe(true);
    expect(CHECK_SEEDS).toBe(16);
    expect(L1_TOLERANCE).toBe(0.35);
  });

  it('says what it measured: the median, the seeds, the range and how many seeds are within', () => {
    const c = checkSeedRobustL1([0.1, 0.2, 0.3, 0.5], 3);
    expect(c.name).toBe('A: ‖w‖₁ follows the prediction (median of 4 seeds)');
    expect(c.measured).toBe('median of the per-seed max deviation 25.0 % over seeds 3–6 (range 10–50 %; 3 of 4 seeds within 35 %)');
  });

  /** A synthetic result whose recorded points have ‖w‖₁/prediction − 1 = dev at times ts, with m′ survivors. */
  function result(points: Array<[t: number, dev: number, mPrime?: number]>, tStar: number | null): SparsifyResult {
    const pts = points.map(([t, dev, mPrime = 100]): SparsifyPoint => ({ step: t * 2, t, mPrime, l1: 2 * (1 + dev), normSq: 1, relativeVariance: 0, l1Theory: 2, mPrimeTheory: 4 }));
    return { points: pts, tStar } as SparsifyResult;
  }

  it('maxL1Deviation: the largest |‖w‖₁/prediction − 1| over 0 < t ≤ t* while m′ ≥ the minimum, both signs', () => {
    expect(maxL1Deviation(result([[0, 5], [1, 0.1], [2, -0.3], [3, 0.2], [4, 9]], 3))).toEqual({ deviation: 0.30000000000000004, at: 2 });
    // t* itself is included, t = 0 and t > t* are not
    expect(maxL1Deviation(result([[0, 5], [1, 0.1], [3, 0.25], [3.5, 9]], 3)).deviation).toBeCloseTo(0.25, 15);
    // no t*: every point with t > 0
    expect(maxL1Deviation(result([[0, 5], [1, 0.1], [7, -0.6]], null))).toEqual({ deviation: 0.6, at: 7 });
    // first maximum wins a tie
    expect(maxL1Deviation(result([[1, 0.5], [2, -0.5]], null)).at).toBe(1);
    expect(maxL1Deviation(result([], null))).toEqual({ deviation: 0, at: 0 });
    // points with fewer survivors than asked are left out; exactly the minimum is kept
    const late = result([[1, 0.1], [2, 0.2, 10], [3, 0.9, 9]], null);
    expect(maxL1Deviation(late, 10)).toEqual({ deviation: 0.19999999999999996, at: 2 });
    expect(maxL1Deviation(late).deviation).toBeCloseTo(0.9, 12);
  });
});

describe('B: log-log slope in [−1.3, −0.7]', () => {
  // n = 200 and m ∈ {100, 1000}: one decade, so slope = log10(count(1000) / count(100))
  const grid: CountGrid = { n: 200, ms: [100, 1000], instances: 1, steps: 10 };
  const slopeCheck = (hi: number) => {
    const { load } = loadWithCounts((m) => (m === 100 ? 100 : hi));
    return check(experimentB.analyze(grid, load, 'test'), 'B: log-log slope');
  };
  it.each([
    [10, -1, true],
    [19, -0.721, true], // just inside the upper edge
    [20, -0.699, false], // just outside it
    [6, -1.222, true], // just inside the lower edge
    [5, -1.301, false], // just outside it
    [50, -0.301, false],
    [1, -2, false],
  ])('counts 100 → %i over a decade (slope %f): pass %s', (hi, slope, pass) => {
    const c = slopeCheck(hi);
    expect(c.pass).toBe(pass);
    expect(c.measured).toMatch(new RegExp(`^slope ${slope.toFixed(2).replace('-', '−')} `));
    expect(c.criterion).toBe('slope in [−1.3, −0.7]');
  });

  it('fails without a fit (fewer than two m with a positive mean count)', () => {
    const { load } = loadWithCounts((m) => (m === 100 ? 100 : 0));
    const c = check(experimentB.analyze(grid, load, 'test'), 'B: log-log slope');
    expect(c.pass).toBe(false);
    expect(c.measured).toBe('no fit (fewer than 2 positive means)');
  });
});

describe('B: counts within a factor 2 of n²/4m wherever n²/4m ≥ 2', () => {
  // n = 40: n²/4m = 4 at m = 100, 2 at m = 200 (judged, the edge), 1 at m = 400 (not judged)
  const grid: CountGrid = { n: 40, ms: [100, 200, 400], instances: 2, steps: 10 };
  const run = (counts: Record<number, [number, number]>) => {
    const { load } = loadWithCounts((m, inst) => counts[m][inst]);
    return check(experimentB.analyze(grid, load, 'test'), 'B: counts vs n²/4m');
  };
  it.each([
    ['on the prediction', { 100: [4, 4], 200: [2, 2], 400: [1, 1] }, true],
    ['at half of it (means 2 and 1)', { 100: [2, 2], 200: [1, 1], 400: [1, 1] }, true],
    ['at twice it (means 8 and 4)', { 100: [7, 9], 200: [4, 4], 400: [1, 1] }, true],
    ['below half at m = 100 (mean 1.5)', { 100: [1, 2], 200: [2, 2], 400: [1, 1] }, false],
    ['above twice at m = 100 (mean 8.5)', { 100: [8, 9], 200: [2, 2], 400: [1, 1] }, false],
    ['below half at the edge m = 200 (mean 0.5)', { 100: [4, 4], 200: [0, 1], 400: [1, 1] }, false],
    ['above twice at the edge m = 200 (mean 4.5)', { 100: [4, 4], 200: [4, 5], 400: [1, 1] }, false],
    ['far off only where n²/4m < 2 (m = 400, not judged)', { 100: [4, 4], 200: [2, 2], 400: [9, 9] }, true],
    ['zero at m = 400 (not judged)', { 100: [4, 4], 200: [2, 2], 400: [0, 0] }, true],
  ] as Array<[string, Record<number, [number, number]>, boolean]>)('%s: pass %s', (_label, counts, pass) => {
    const c = run(counts);
    expect(c.pass).toBe(pass);
    expect(c.measured.split(', ').map((s) => s.split(':')[0])).toEqual(['m=100', 'm=200']);
  });

  it('fails when no m has n²/4m ≥ 2 (nothing to judge)', () => {
    const { load } = loadWithCounts(() => 1);
    const c = check(experimentB.analyze({ n: 4, ms: [8, 16], instances: 1, steps: 10 }, load, 'test'), 'B: counts vs n²/4m');
    expect(c.pass).toBe(false);
    expect(c.measured).toBe('no m with n²/4m ≥ 2');
  });
});

describe('E: bipolar noise sparsifies (final fourth norm above 0.5 at the largest σ); Gaussian does not (below 0.25 at every recorded step)', () => {
  const p: NoiseParams = { n: 8, m: 16, instances: 2, steps: 100, sigmas: [0.07, 0.15, 0.1], snapshotEvery: 10 };
  /** fourth norms per run: bipolar finals, and for each Gaussian σ its history. */
  function analyze(bipolarFinal: (sigma: number) => number[], gaussian: (sigma: number, step: number) => number[]) {
    const load = loadWithSnapshots((spec) => {
      const sigma = spec.config.noiseStd;
      const steps = [0, 10, 50, 100];
      if (spec.config.noise === 'bipolar') return steps.map((s) => snapshot(s, s === 100 ? bipolarFinal(sigma) : [0.2, 0.2]));
      return steps.map((s) => snapshot(s, gaussian(sigma, s)));
    });
    const a = experimentE.analyze(p, load, 'test');
    return { bipolar: check(a, 'E: bipolar'), gaussian: check(a, 'E: Gaussian') };
  }
  const quiet = () => [0.18, 0.2];

  it('passes when the largest σ ends above 0.5 (smaller σ may not) and every Gaussian run stays below 0.25', () => {
    const r = analyze((s) => (s === 0.15 ? [0.4, 0.61] : [0.1, 0.1]), quiet);
    expect(r.bipolar.name).toBe('E: bipolar σ=0.15 sparsifies');
    expect(r.bipolar.pass).toBe(true);
    expect(r.gaussian.pass).toBe(true);
  });

  it.each([
    ['mean exactly 0.5', [0.5, 0.5], false],
    ['mean just above 0.5', [0.4, 0.6000001], true],
    ['mean 0.45', [0.3, 0.6], false],
  ])('bipolar at the largest σ, %s: pass %s', (_label, final, pass) => {
    expect(analyze((s) => (s === 0.15 ? (final as number[]) : [0.9, 0.9]), quiet).bipolar.pass).toBe(pass);
  });

  it('bipolar uses the final snapshot, not the best one', () => {
    const load = loadWithSnapshots((spec) =>
      spec.config.noise === 'bipolar' ? [snapshot(0, [0]), snapshot(50, [0.9, 0.9]), snapshot(100, [0.3, 0.3])] : [snapshot(0, [0]), snapshot(100, [0.1, 0.1])],
    );
    expect(check(experimentE.analyze(p, load, 'test'), 'E: bipolar').pass).toBe(false);
  });

  it.each([
    ['one σ touching 0.25 mid-run', (s: number, t: number) => (s === 0.1 && t === 50 ? [0.25, 0.25] : [0.1, 0.1]), false],
    ['one σ just below 0.25 mid-run', (s: number, t: number) => (s === 0.07 && t === 10 ? [0.2, 0.2999999] : [0.1, 0.1]), true],
    ['the smallest σ above at the end', (s: number, t: number) => (s === 0.07 && t === 100 ? [0.3, 0.3] : [0.1, 0.1]), false],
    ['only the initial snapshot (step 0) above', (_s: number, t: number) => (t === 0 ? [0.9, 0.9] : [0.1, 0.1]), true],
  ])('Gaussian, %s: pass %s', (_label, gaussian, pass) => {
    expect(analyze(() => [0.9, 0.9], gaussian).gaussian.pass).toBe(pass);
  });
});

describe('the checks each experiment reports', () => {
  it('A–F on synthetic test-scale results: B two, E two, C, D and F none (A: a-check; G–L: beyond-checks and k-check tests)', async () => {
    const { load } = loadWithCounts(() => 1);
    const snaps = loadWithSnapshots(() => [snapshot(0, [0.2, 0.2]), snapshot(1000, [0.2, 0.2])]);
    const counts: Record<string, number> = {};
    for (const id of ['B', 'C', 'D', 'E', 'F'] as const) {
      const e = EXPERIMENTS[id];
      const a = await e.analyze(e.params.test, id === 'E' ? snaps : load, 'test');
      counts[id] = a.checks.length;
      for (const c of a.checks) expect(c.name.startsWith(`${id}: `)).toBe(true);
    }
    expect(counts).toEqual({ B: 2, C: 0, D: 0, E: 2, F: 0 });
  });
});
