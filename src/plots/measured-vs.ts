/**
 * One generic chart for the "Beyond the paper" experiments: a measured quantity against a
 * parameter, one colour per series. Measured points carry an interval (error bars);
 * fitted curves and predictions are lines without points, told apart by their dash.
 * Axes may be logarithmic; a fixed y domain suits probabilities.
 *
 * Data: one flat table (also written as the figure's CSV), one row per drawn value.
 *
 * @example
 *   measuredVsSpec([{ series: 'AdamW', kind: 'measured', x: 0.9, value: 0.4, lo: 0.3, hi: 0.5 }],
 *     { title: 'K', xTitle: 'ratio', yTitle: 'P(win)', yDomain: [0, 1] });
 */
import { logTicks, topLevel, type VegaLiteSpec } from './theme.js';

export interface MeasuredRow {
  [key: string]: number | string | null;
  /** the colour group, e.g. "AdamW" or "λ = 0.01" */
  series: string;
  /** 'measured' rows are points with bars; any other kind (e.g. 'fit', 'prediction') is a line */
  kind: string;
  x: number;
  value: number;
  /** interval around a measured value (null for lines) */
  lo: number | null;
  hi: number | null;
}

export interface MeasuredVsOptions {
  title: string;
  subtitle?: string;
  xTitle: string;
  yTitle: string;
  xLog?: boolean;
  yLog?: boolean;
  /** fixed y range, e.g. [0, 1] for probabilities */
  yDomain?: [number, number];
  seriesTitle?: string;
  /** connect the measured points of a series with a thin line (default true) */
  connect?: boolean;
  /** facet column field (a row field present in every row) */
  column?: { field: string; title: string };
  width?: number;
  height?: number;
}

const DASHES = [[7, 4], [2, 3], [12, 3, 2, 3], [4, 2]];

export function measuredVsSpec(rows: MeasuredRow[], o: MeasuredVsOptions): VegaLiteSpec {
  const xs = rows.map((r) => r.x).filter((v) => Number.isFinite(v) && (!o.xLog || v > 0));
  const xLo = Math.min(...xs);
  const xHi = Math.max(...xs);
  const series = [...new Set(rows.map((r) => r.series))];
  const lineKinds = [...new Set(rows.map((r) => r.kind))].filter((k) => k !== 'measured');
  const ys = rows.flatMap((r) => [r.value, r.lo ?? r.value, r.hi ?? r.value]).filter((v) => Number.isFinite(v) && (!o.yLog || v > 0));
  const yLo = o.yDomain ? o.yDomain[0] : o.yLog ? Math.min(...ys) / 1.5 : Math.min(0, ...ys);
  const yHi = o.yDomain ? o.yDomain[1] : o.yLog ? Math.max(...ys) * 1.5 : Math.max(...ys) * 1.08;
  const x = {
    field: 'x',
    type: 'quantitative',
    title: o.xTitle,
    scale: o.xLog ? { type: 'log', domain: [xLo / 1.2, xHi * 1.2], nice: false } : { domain: [xLo, xHi], nice: true, zero: false },
    ...(o.xLog ? { axis: { values: logTicks(xLo / 1.2, xHi * 1.2), format: '~g' } } : {}),
  };
  const y = {
    field: 'value',
    type: 'quantitative',
    title: o.yTitle,
    scale: o.yLog ? { type: 'log', domain: [yLo, yHi], nice: false } : { domain: [yLo, yHi], nice: !o.yDomain },
    ...(o.yLog ? { axis: { values: logTicks(yLo, yHi), format: '~g' } } : {}),
  };
  const color = { field: 'series', type: 'nominal', title: o.seriesTitle ?? 'series', scale: { domain: series } };
  const clip = (f: string) => (o.yLog ? `max(datum.${f}, ${yLo})` : `min(max(datum.${f}, ${yLo}), ${yHi})`);
  const measured = { filter: { field: 'kind', equal: 'measured' } };
  // a log axis cannot show 0 or less: those measured values are left out of the drawing (they stay in the data)
  const drawable = o.yLog ? [measured, { filter: 'datum.value > 0' }] : [measured];
  const layer: Record<string, unknown>[] = [
    {
      transform: [...drawable, { filter: 'isValid(datum.lo) && isValid(datum.hi)' }, { calculate: clip('lo'), as: 'loDrawn' }, { calculate: clip('hi'), as: 'hiDrawn' }],
      mark: { type: 'rule', strokeWidth: 1.5 },
      encoding: { x, y: { ...y, field: 'loDrawn' }, y2: { field: 'hiDrawn' }, color: { ...color, legend: null } },
    },
    {
      transform: drawable,
      mark: { type: 'point', filled: true, size: 50, opacity: 1 },
      encoding: {
        x,
        y,
        color,
        tooltip: [
          { field: 'series', type: 'nominal' },
          { field: 'x', type: 'quantitative', format: '.4~g' },
          { field: 'value', type: 'quantitative', format: '.3~g' },
          { field: 'lo', type: 'quantitative', format: '.3~g' },
          { field: 'hi', type: 'quantitative', format: '.3~g' },
        ],
      },
    },
  ];
  if (o.connect !== false) {
    layer.push({ transform: drawable, mark: { type: 'line', strokeWidth: 1, opacity: 0.6 }, encoding: { x, y, color: { ...color, legend: null } } });
  }
  if (lineKinds.length) {
    layer.push({
      transform: [{ filter: { field: 'kind', oneOf: lineKinds } }, ...(o.yLog ? [{ filter: 'datum.value > 0' }] : [])],
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x,
        y,
        color: { ...color, legend: null },
        detail: { field: 'kind' },
        strokeDash: {
          field: 'kind',
          type: 'nominal',
          title: 'line',
          scale: { domain: lineKinds, range: lineKinds.map((_, k) => DASHES[k % DASHES.length]) },
          legend: { symbolStrokeColor: '#333', symbolType: 'stroke', symbolSize: 400 },
        },
      },
    });
  }
  const inner = { width: o.width ?? 460, height: o.height ?? 320, layer };
  const body = o.column
    ? { data: { values: rows }, facet: { column: { field: o.column.field, type: 'nominal', title: o.column.title } }, spec: { ...inner, width: o.width ?? 300 }, resolve: { scale: { x: 'shared' } } }
    : { data: { values: rows }, ...inner };
  return topLevel({ ...body, resolve: { ...((body as { resolve?: object }).resolve ?? {}), legend: { color: 'independent', strokeDash: 'independent' } } }, o.title, o.subtitle);
}
