/**
 * A figure from a run store (`incidental plot`): one column against another, each run as
 * a faint dot, the mean over runs with the same x (and colour) as a line, and error bars
 * of one standard deviation — the spread over seeds when the other parameters are fixed.
 * Vega-Lite computes the aggregates from the raw rows, so the spec carries the data as
 * stored. Log axes when the values are positive and span a factor of 8 or more.
 *
 * @example
 *   storePlotSpec([{ x: 64, y: 15, color: '0.001' }, …], { x: 'm', y: 'polysemantic', color: 'lambda' });
 */
import { topLevel, type VegaLiteSpec } from './theme.js';

export interface StorePlotRow {
  [key: string]: number | string | null;
  x: number;
  y: number;
  /** the colour group as text (null without --color) */
  color: string | null;
}

export interface StorePlotOptions {
  x: string;
  y: string;
  color?: string;
  title?: string;
  subtitle?: string;
}

const spansDecade = (vs: number[]) => vs.length > 0 && Math.min(...vs) > 0 && Math.max(...vs) / Math.min(...vs) >= 8;

export function storePlotSpec(rows: StorePlotRow[], o: StorePlotOptions): VegaLiteSpec {
  const logX = spansDecade(rows.map((r) => r.x));
  const logY = spansDecade(rows.map((r) => r.y));
  const xs = [...new Set(rows.map((r) => r.x))].sort((a, b) => a - b);
  const x = {
    field: 'x',
    type: 'quantitative',
    title: `${o.x}${logX ? ' (log scale)' : ''}`,
    scale: logX ? { type: 'log', nice: false } : { type: 'linear', zero: false },
    ...(xs.length <= 12 ? { axis: { values: xs } } : {}),
  };
  const y = { field: 'y', type: 'quantitative', title: `${o.y}${logY ? ' (log scale)' : ''}`, scale: logY ? { type: 'log' } : { type: 'linear', zero: true } };
  const color = o.color ? { field: 'color', type: 'nominal', title: o.color } : { value: '#1f77b4' };
  return topLevel(
    {
      width: 480,
      height: 300,
      data: { values: rows },
      layer: [
        { mark: { type: 'point', filled: true, opacity: 0.35, size: 30 }, encoding: { x, y, color } },
        { mark: { type: 'errorbar', extent: 'stdev', ticks: true }, encoding: { x, y: { ...y, title: y.title }, color } },
        { mark: { type: 'line', point: true }, encoding: { x, y: { ...y, aggregate: 'mean' }, color } },
      ],
    },
    o.title ?? `${o.y} against ${o.x}${o.color ? ` by ${o.color}` : ''}`,
    o.subtitle ?? 'dots: runs; line: mean over runs with the same x; bars: ± one standard deviation',
  );
}
