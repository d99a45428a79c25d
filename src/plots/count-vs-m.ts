/**
 * Polysemantic-neuron count against the number of hidden neurons m, log-log (experiments
 * B, C, F): each instance as a faint dot, the mean over instances with its spread (error
 * bars or a band), the theory n²/4m as dashed lines and an optional fitted line.
 *
 * Data: one flat table (also written as the figure's CSV), one row per drawn value.
 *
 * @example
 *   countVsMSpec([{ kind: 'mean', series: 'n=64', m: 128, value: 7.5, lo: 6, hi: 9 }, …], { title: 'B' });
 */
import { logTicks, topLevel, type VegaLiteSpec } from './theme.js';

/** Line kinds, in legend order; 'instance' rows are dots, 'mean' rows carry the spread. */
export const COUNT_KINDS = ['instance', 'mean', 'n²/4m', 'exact expectation', 'OLS fit'] as const;
export type CountKind = (typeof COUNT_KINDS)[number];

export interface CountRow {
  [key: string]: number | string | null;
  kind: CountKind;
  /** the group a colour stands for, e.g. "n=64" or "λ=0.01" */
  series: string;
  m: number;
  value: number;
  /** spread around a 'mean' row (null elsewhere) */
  lo: number | null;
  hi: number | null;
}

export interface CountVsMOptions {
  title: string;
  subtitle?: string;
  /** 'errorbar' (mean ± spread as bars) or 'band' (shaded percentile band) */
  spread?: 'errorbar' | 'band';
  /** legend title of the colours */
  seriesTitle?: string;
  /** explicit colours per series (others take the category palette) */
  colors?: Record<string, string>;
  width?: number;
  height?: number;
}

const DASHES: Record<string, number[]> = {
  mean: [1, 0],
  'n²/4m': [7, 4],
  'exact expectation': [2, 3],
  'OLS fit': [12, 3, 2, 3],
};

export function countVsMSpec(rows: CountRow[], o: CountVsMOptions): VegaLiteSpec {
  // the axis spans the drawn values; spreads reaching 0 (or below the smallest value) are cut at the floor
  const positive = rows.map((r) => r.value).filter((v) => v > 0 && Number.isFinite(v));
  const yMin = positive.length ? Math.min(...positive) : 1;
  const yMax = Math.max(...rows.flatMap((r) => [r.value, r.hi ?? 0]), 1);
  const floor = Number((Math.min(yMin, 1) / 2).toPrecision(2));
  const ms = [...new Set(rows.filter((r) => r.kind === 'mean').map((r) => r.m))].sort((a, b) => a - b);
  const mLo = Math.min(...rows.map((r) => r.m));
  const mHi = Math.max(...rows.map((r) => r.m));
  const series = [...new Set(rows.map((r) => r.series))];
  const palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
  let next = 0;
  const range = series.map((s) => o.colors?.[s] ?? palette[next++ % palette.length]);
  const lineKinds = COUNT_KINDS.filter((k) => k !== 'instance' && rows.some((r) => r.kind === k));

  const x = {
    field: 'm',
    type: 'quantitative',
    title: 'hidden neurons m (log scale)',
    scale: { type: 'log', domain: [mLo / 1.15, mHi * 1.15], nice: false },
    axis: { values: ms.length ? ms : logTicks(mLo, mHi), format: 'd', labelOverlap: true },
  };
  const y = {
    field: 'value',
    type: 'quantitative',
    title: 'polysemantic neurons per model (log)',
    scale: { type: 'log', domain: [floor, yMax * 1.6], nice: false },
    axis: { values: logTicks(floor, yMax * 1.6), format: '~g' },
  };
  const color = { field: 'series', type: 'nominal', title: o.seriesTitle ?? 'series', scale: { domain: series, range } };
  const only = (...kinds: string[]) => ({ filter: { field: 'kind', oneOf: kinds } });

  const spreadLayer =
    o.spread === 'band'
      ? {
          transform: [only('mean'), { calculate: `max(datum.lo, ${floor})`, as: 'loDrawn' }],
          mark: { type: 'area', opacity: 0.15 },
          encoding: { x, y: { ...y, field: 'loDrawn' }, y2: { field: 'hi' }, color: { ...color, legend: null } },
        }
      : {
          transform: [only('mean'), { calculate: `max(datum.lo, ${floor})`, as: 'loDrawn' }],
          mark: { type: 'rule', strokeWidth: 1.5 },
          encoding: { x, y: { ...y, field: 'loDrawn' }, y2: { field: 'hi' }, color: { ...color, legend: null } },
        };

  const layer = [
    spreadLayer,
    {
      transform: [only('instance'), { filter: 'datum.value > 0' }],
      mark: { type: 'point', filled: true, size: 18, opacity: 0.3 },
      encoding: { x, y, color: { ...color, legend: null } },
    },
    {
      transform: [only(...lineKinds), { filter: 'datum.value > 0' }],
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x,
        y,
        color,
        detail: { field: 'kind' },
        strokeDash: {
          field: 'kind',
          type: 'nominal',
          title: 'line',
          scale: { domain: lineKinds, range: lineKinds.map((k) => DASHES[k]) },
          legend: { symbolStrokeColor: '#333', symbolType: 'stroke', symbolSize: 400 },
        },
      },
    },
    {
      transform: [only('mean'), { filter: 'datum.value > 0' }],
      mark: { type: 'point', filled: true, size: 45, opacity: 1 },
      encoding: {
        x,
        y,
        color: { ...color, legend: null },
        tooltip: [
          { field: 'series', type: 'nominal' },
          { field: 'm', type: 'quantitative' },
          { field: 'value', type: 'quantitative', title: 'mean', format: '.2f' },
          { field: 'lo', type: 'quantitative', format: '.2f' },
          { field: 'hi', type: 'quantitative', format: '.2f' },
        ],
      },
    },
  ];
  return topLevel(
    {
      width: o.width ?? 520,
      height: o.height ?? 340,
      data: { values: rows },
      layer,
      resolve: { legend: { color: 'independent', strokeDash: 'independent' } },
    },
    o.title,
    o.subtitle,
  );
}
