/**
 * Experiment D: the start/end correlation C = W_start · W_endᵀ (n×n, averaged over
 * instances) as a heatmap. Row i is feature i's initial encoding, column j feature j's
 * final one; a bright diagonal on a neutral background means each feature ends where its
 * own initialization pointed. Diverging colours centred at 0, symmetric range.
 *
 * @example
 *   correlationHeatmapSpec([{ i: 0, j: 0, c: 0.03 }, …], { title: 'D', n: 64 });
 */
import { topLevel, type VegaLiteSpec } from './theme.js';

export interface CorrelationRow {
  [key: string]: number | string | null;
  /** initial feature (row) */
  i: number;
  /** final feature (column) */
  j: number;
  c: number;
}

export interface CorrelationOptions {
  title: string;
  subtitle?: string;
  n: number;
  size?: number;
}

export function correlationHeatmapSpec(rows: CorrelationRow[], o: CorrelationOptions): VegaLiteSpec {
  const a = Math.max(...rows.map((r) => Math.abs(r.c)), 1e-12);
  const step = o.n <= 16 ? 1 : o.n <= 64 ? 8 : 32;
  const ticks = Array.from({ length: Math.ceil(o.n / step) }, (_, k) => k * step);
  const axis = (title: string) => ({ title, values: ticks, labelAngle: 0, grid: false, ticks: true });
  return topLevel(
    {
      width: o.size ?? 420,
      height: o.size ?? 420,
      data: { values: rows },
      // no per-cell aria labels: at n = 256 they would add megabytes to the SVG
      mark: { type: 'rect', aria: false },
      encoding: {
        x: { field: 'j', type: 'ordinal', axis: axis('feature j: final encoding W_end,j (index)'), scale: { paddingInner: 0 } },
        y: { field: 'i', type: 'ordinal', axis: axis('feature i: initial encoding W_start,i (index)'), scale: { paddingInner: 0 } },
        color: {
          field: 'c',
          type: 'quantitative',
          title: ['C_ij', '(dot product)'],
          scale: { scheme: 'redblue', reverse: true, domain: [-a, a] },
          legend: { format: '.2f', gradientLength: 240 },
        },
      },
    },
    o.title,
    o.subtitle,
  );
}
