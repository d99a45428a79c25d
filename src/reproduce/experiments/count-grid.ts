/**
 * What experiments B, C, D and F share: a grid of AdamW runs over m for one n and λ, the
 * polysemantic count of every instance (SCIENCE.md §5 rule, band [0.8, 1.2]), and the
 * figure rows for count-vs-m plots. Identical configs give identical cache keys, so B, C
 * (λ = 10⁻³), D and F reuse each other's runs.
 *
 * Seeds: seed = 2²⁵·chunk + 2¹⁶·n + m, so no two runs of any grid start from related
 * draws (the instance streams of one seed would make a smaller n or m a prefix of a larger one).
 */
import { polysemanticCount } from '../../analysis/neurons.js';
import { exactExpectedPolysemantic } from '../../analysis/theory.js';
import { parseConfig } from '../../core/config.js';
import type { CountRow } from '../../plots/count-vs-m.js';
import { fitLine, mean, sampleStd, type LineFit } from '../stats.js';
import type { LoadRun, RunSpec } from '../types.js';

export interface CountGrid {
  n: number;
  /** hidden sizes m, ascending */
  ms: number[];
  /** instances per m (split into runs of `instancesPerRun`) */
  instances: number;
  /** instances trained together in one run (default all): smaller runs resume at a finer grain */
  instancesPerRun?: number;
  steps: number;
}

/** The paper's optimizer settings for B, C, D and F (SCIENCE.md §6). */
const ADAMW = { optimizer: 'adamw', lr: 1e-3, weightDecay: 0.01 } as const;

/** Runs for one point (n, m) of a grid at L1 strength λ. */
export function pointRuns(grid: CountGrid, m: number, lambda: number, prefix: string): RunSpec[] {
  const per = grid.instancesPerRun ?? grid.instances;
  const chunks = Math.ceil(grid.instances / per);
  return Array.from({ length: chunks }, (_, chunk) => {
    const nInstances = Math.min(per, grid.instances - chunk * per);
    const config = parseConfig({
      ...ADAMW,
      nFeatures: grid.n,
      nHidden: m,
      nInstances,
      lambda,
      steps: grid.steps,
      seed: chunk * 2 ** 25 + grid.n * 2 ** 16 + m,
      snapshotEvery: Math.max(1, Math.round(grid.steps / 50)),
    });
    return { label: `${prefix} n=${grid.n} m=${m}${chunks > 1 ? ` part ${chunk + 1}/${chunks}` : ''}`, config };
  });
}

export function gridRuns(grid: CountGrid, lambda: number, prefix: string): RunSpec[] {
  return grid.ms.flatMap((m) => pointRuns(grid, m, lambda, prefix));
}

/** Polysemantic count of every instance at one grid point (all chunks, in order). */
export function pointCounts(grid: CountGrid, m: number, lambda: number, load: LoadRun): number[] {
  return pointRuns(grid, m, lambda, '').flatMap((spec) => {
    const run = load(spec);
    const [I, n, mm] = run.shape;
    return Array.from({ length: I }, (_, inst) => polysemanticCount(run.W, n, mm, inst));
  });
}

/** The paper's first-order prediction n²/4m (the issue's criterion uses it rather than n(n−1)/4m). */
export const nSquaredOver4m = (n: number, m: number) => (n * n) / (4 * m);

export interface PointSummary {
  m: number;
  counts: number[];
  mean: number;
  sd: number;
  min: number;
  max: number;
}

export function summarize(m: number, counts: number[]): PointSummary {
  return { m, counts, mean: mean(counts), sd: sampleStd(counts), min: Math.min(...counts), max: Math.max(...counts) };
}

/** Rows for one series: every instance as a dot, the mean with [lo, hi]. */
export function measuredRows(series: string, points: PointSummary[], spread: (p: PointSummary) => [number, number]): CountRow[] {
  const rows: CountRow[] = [];
  for (const p of points) {
    for (const c of p.counts) rows.push({ kind: 'instance', series, m: p.m, value: c, lo: null, hi: null });
    const [lo, hi] = spread(p);
    rows.push({ kind: 'mean', series, m: p.m, value: p.mean, lo, hi });
  }
  return rows;
}

/** n²/4m on a log-spaced grid over [mLo, mHi], and the exact random-assignment expectation at integer m. */
export function theoryRows(series: string, n: number, mLo: number, mHi: number, exact = true): CountRow[] {
  const rows: CountRow[] = [];
  const k = 32;
  const grid = Array.from({ length: k + 1 }, (_, j) => mLo * (mHi / mLo) ** (j / k));
  for (const m of grid) rows.push({ kind: 'n²/4m', series, m, value: nSquaredOver4m(n, m), lo: null, hi: null });
  if (exact) {
    for (const m of new Set(grid.map(Math.round))) {
      rows.push({ kind: 'exact expectation', series, m, value: exactExpectedPolysemantic(n, m), lo: null, hi: null });
    }
  }
  return rows;
}

export interface LogLogFit extends LineFit {
  /** m values left out because their mean count was 0 (log undefined) */
  excluded: number[];
}

/** OLS of log10(mean count) on log10(m) over grid points with a positive mean. */
export function fitLogLog(points: PointSummary[]): LogLogFit | null {
  const used = points.filter((p) => p.mean > 0);
  const excluded = points.filter((p) => !(p.mean > 0)).map((p) => p.m);
  if (used.length < 2) return null;
  const fit = fitLine(
    used.map((p) => Math.log10(p.m)),
    used.map((p) => Math.log10(p.mean)),
  );
  return { ...fit, excluded };
}

export function fitRows(series: string, fit: LogLogFit, mLo: number, mHi: number): CountRow[] {
  return [mLo, mHi].map((m) => ({ kind: 'OLS fit' as const, series, m, value: 10 ** (fit.intercept + fit.slope * Math.log10(m)), lo: null, hi: null }));
}
