/**
 * Experiment E: sparsity from hidden-layer noise without L1. Mean over features of the
 * fourth norm Σ_k W_ik⁴ (1 for a one-hot unit encoding, about 3/m for a dense random one)
 * against training steps on a log axis, one panel per noise kind, one colour per σ, the
 * line the mean over instances and the band their min–max.
 *
 * @example
 *   fourthNormSpec([{ noise: 'bipolar', sigma: 'σ=0.15', step: 1000, mean: 0.4, lo: 0.3, hi: 0.5 }], { title: 'E' });
 */
import { logTicks, topLevel, type VegaLiteSpec } from './theme.js';

export interface FourthNormRow {
  [key: string]: number | string | null;
  noise: string;
  /** label such as "σ=0.15" */
  sigma: string;
  step: number;
  mean: number;
  lo: number;
  hi: number;
}

export interface FourthNormOptions {
  title: string;
  subtitle?: string;
  width?: number;
  height?: number;
}

export function fourthNormSpec(rows: FourthNormRow[], o: FourthNormOptions): VegaLiteSpec {
  const steps = rows.map((r) => r.step).filter((s) => s > 0);
  const lo = Math.min(...steps);
  const hi = Math.max(...steps);
  const sigmas = [...new Set(rows.map((r) => r.sigma))].sort();
  const x = {
    field: 'step',
    type: 'quantitative',
    title: 'training step (SGD updates, log scale)',
    scale: { type: 'log', domain: [lo, hi], nice: false },
    axis: { values: logTicks(lo, hi, [1]), format: '~s' },
  };
  const y = { field: 'mean', type: 'quantitative', title: 'fourth norm mean_i Σ_k W_ik⁴', scale: { domain: [0, 1] } };
  const color = {
    field: 'sigma',
    type: 'nominal',
    title: 'noise std σ',
    scale: { domain: sigmas, range: ['#2ca02c', '#1f77b4', '#d62728'] },
    // the legend is taken from the first (band) layer: draw its symbols as opaque lines
    legend: { symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1, symbolSize: 300 },
  };
  return topLevel(
    {
      data: { values: rows },
      transform: [{ filter: 'datum.step > 0' }],
      facet: { column: { field: 'noise', type: 'nominal', title: 'hidden-layer noise', sort: ['bipolar', 'gaussian'] } },
      spec: {
        width: o.width ?? 300,
        height: o.height ?? 280,
        layer: [
          { mark: { type: 'area', opacity: 0.18 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } },
          { mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y, color } },
        ],
      },
    },
    o.title,
    o.subtitle,
  );
}
