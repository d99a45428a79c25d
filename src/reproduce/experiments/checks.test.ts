/**
 * Every acceptance check of every experiment, fed synthetic results made to pass it and
 * results made to fail it, close to each edge of its window: a check whose window is
 * widened, narrowed or inverted fails here. (reproduce.test.ts only sees that a PASS/FAIL
 * cell exists.) The experiments are driven through `analyze` with a synthetic LoadRun.
 * Experiments C, D and F report tables and figures but no checks.
 */
import { describe, expect, it } from 'vitest';
import type { SparsifyPoint, SparsifyResult } from '../../analysis/sparsify.js';
import { loadWithCounts, loadWithSnapshots, snapshot } from '../../test-support/synthetic-runs.js';
import { EXPERIMENTS } from '../registry.js';
import type { CheckResult, ExperimentAnalysis } from '../types.js';
import { experimentA, L1_TOLERANCE, maxL1Deviation } from './a-sparsification.js';
import { experimentB } from './b-count-vs-m.js';
import type { CountGrid } from './count-grid.js';
import { experimentE, type NoiseParams } from './e-noise.js';

const check = (a: ExperimentAnalysis, prefix: string): CheckResult => {
  const found = a.checks.filter((c) => c.name.startsWith(prefix));
  expect(found.length, `one check named "${prefix}…"`).toBe(1);
  return found[0];
};

describe('A: ‖w‖₁ follows the prediction (within 35 % until t*)', () => {
  // The check runs the paper's single simulation; at m = 10⁴, λ = 10⁻⁴ the largest deviation
  // (the late stall between the last weights) is 31.0 % for seed 4 and 35.5 % for seed 0.
  const analyzeA = (seed: number) => experimentA.analyze({ ...experimentA.params.test, seed }, () => { throw new Error('A trains nothing'); }, 'test');
  it('passes where the largest deviation is 31.0 % (seed 4)', () => {
    const c = check(analyzeA(4), 'A: ‖w‖₁ follows');
    expect(c.pass).toBe(true);
    expect(c.measured).toMatch(/^max deviation 31\.0 % over \d+ recorded times up to t\*$/);
    expect(c.criterion).toBe('within 35 % of 1/(1/√m + λt) until t*');
  });

  it('fails where it is 35.5 % (seed 0), just outside', () => {
    const c = check(analyzeA(0), 'A: ‖w‖₁ follows');
    expect(c.pass).toBe(false);
    expect(c.measured).toMatch(/^max deviation 35\.5 % /);
  });

  /** A synthetic result whose recorded points have ‖w‖₁/prediction − 1 = dev at times ts. */
  function result(points: Array<[t: number, dev: number]>, tStar: number | null): SparsifyResult {
    const pts = points.map(([t, dev]): SparsifyPoint => ({ step: t * 2, t, mPrime: 1, l1: 2 * (1 + dev), normSq: 1, relativeVariance: 0, l1Theory: 2, mPrimeTheory: 4 }));
    return { points: pts, tStar } as SparsifyResult;
  }

  it('maxL1Deviation: the largest |‖w‖₁/prediction − 1| over 0 < t ≤ t*, both signs', () => {
    expect(maxL1Deviation(result([[0, 5], [1, 0.1], [2, -0.3], [3, 0.2], [4, 9]], 3))).toEqual({ deviation: 0.30000000000000004, at: 2 });
    // t* itself is included, t = 0 and t > t* are not
    expect(maxL1Deviation(result([[0, 5], [1, 0.1], [3, 0.25], [3.5, 9]], 3)).deviation).toBeCloseTo(0.25, 15);
    // no t*: every point with t > 0
    expect(maxL1Deviation(result([[0, 5], [1, 0.1], [7, -0.6]], null))).toEqual({ deviation: 0.6, at: 7 });
    // first maximum wins a tie
    expect(maxL1Deviation(result([[1, 0.5], [2, -0.5]], null)).at).toBe(1);
    expect(maxL1Deviation(result([], null))).toEqual({ deviation: 0, at: 0 });
  });

  it('the tolerance is 35 %', () => {
    expect(L1_TOLERANCE).toBe(0.35);
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
  it('A has one check, B two, E two; C, D and F none (on synthetic test-scale results)', () => {
    const { load } = loadWithCounts(() => 1);
    const snaps = loadWithSnapshots(() => [snapshot(0, [0.2, 0.2]), snapshot(1000, [0.2, 0.2])]);
    const counts: Record<string, number> = {};
    for (const [id, e] of Object.entries(EXPERIMENTS)) {
      const a = e.analyze(e.params.test, id === 'E' ? snaps : load, 'test');
      counts[id] = a.checks.length;
      for (const c of a.checks) expect(c.name.startsWith(`${id}: `)).toBe(true);
    }
    expect(counts).toEqual({ A: 1, B: 2, C: 0, D: 0, E: 2, F: 0 });
  });
});
