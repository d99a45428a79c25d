/**
 * Experiment A: one encoding under feature benefit and L1 only (SCIENCE.md §4). Two log-log
 * panels against flow time t: ‖w‖₁ and the number of surviving weights m′, simulation as
 * solid lines, the theory curves dashed, vertical rules at the measured t* and at 1/λ.
 *
 * @example
 *   sparsificationSpec(rows, { tStar: 1.4e5, lambda: 1e-5, title: 'A' });
 */
import { logTicks, topLevel, type VegaLiteSpec } from './theme.js';

export const SPARSIFY_QUANTITIES = ['‖w‖₁', 'm′ (surviving weights)'] as const;

export interface SparsifyRow {
  [key: string]: number | string | null;
  quantity: (typeof SPARSIFY_QUANTITIES)[number];
  /** 'simulation' or 'theory', or any other label (drawn dotted, e.g. a median over seeds) */
  kind: string;
  /** flow time t = Euler step × step size */
  t: number;
  value: number;
}

export interface SparsificationOptions {
  title: string;
  subtitle?: string;
  /** measured time when one weight is left (null if not reached) */
  tStar: number | null;
  lambda: number;
  width?: number;
  height?: number;
}

export function sparsificationSpec(rows: SparsifyRow[], o: SparsificationOptions): VegaLiteSpec {
  const ts = rows.map((r) => r.t).filter((t) => t > 0);
  const tLo = Math.min(...ts);
  const tHi = Math.max(...ts, 1 / o.lambda);
  // labels at different heights so they never overlap when t* is close to 1/λ
  const markers = [{ t: 1 / o.lambda, label: '1/λ', ypix: 4 }];
  if (o.tStar !== null) markers.push({ t: o.tStar, label: 't* measured', ypix: 20 });
  const kinds = [...new Set(rows.map((r) => r.kind))];
  const extra = kinds.filter((k) => k !== 'simulation' && k !== 'theory');
  const color = {
    field: 'kind',
    type: 'nominal',
    title: 'curve',
    scale: { domain: ['simulation', 'theory', ...extra], range: ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'] },
  };
  const panel = (quantity: string, yTitle: string) => {
    const vals = rows.filter((r) => r.quantity === quantity && r.value > 0).map((r) => r.value);
    const yLo = Math.min(...vals, 1) / 1.3;
    const yHi = Math.max(...vals) * 1.3;
    const x = {
      field: 't',
      type: 'quantitative',
      title: 'flow time t (Euler steps × step size, log scale)',
      scale: { type: 'log', domain: [tLo, tHi * 1.5], nice: false },
      axis: { values: logTicks(tLo, tHi * 1.5, [1]), format: '~s' },
    };
    const y = {
      field: 'value',
      type: 'quantitative',
      title: yTitle,
      scale: { type: 'log', domain: [yLo, yHi], nice: false },
      axis: { values: logTicks(yLo, yHi, [1]), format: '~s' },
    };
    const curve = (kind: string, dash: number[]) => ({
      data: { values: rows },
      transform: [{ filter: { field: 'quantity', equal: quantity } }, { filter: { field: 'kind', equal: kind } }, { filter: 'datum.t > 0 && datum.value > 0' }],
      mark: { type: 'line', strokeWidth: 2, strokeDash: dash },
      encoding: { x, y, color },
    });
    return {
      width: o.width ?? 330,
      height: o.height ?? 300,
      title: { text: quantity, fontSize: 12, fontWeight: 'normal', anchor: 'middle' },
      layer: [
        curve('simulation', [1, 0]),
        curve('theory', [7, 4]),
        ...extra.map((k) => curve(k, [2, 2])),
        {
          data: { values: markers },
          mark: { type: 'rule', strokeWidth: 1, strokeDash: [3, 3], color: '#555' },
          encoding: { x: { field: 't', type: 'quantitative' } },
        },
        {
          data: { values: markers },
          mark: { type: 'text', align: 'left', dx: 3, dy: 0, baseline: 'top', fontSize: 11, color: '#333' },
          encoding: { x: { field: 't', type: 'quantitative' }, y: { field: 'ypix', type: 'quantitative', scale: null }, text: { field: 'label' } },
        },
      ],
    };
  };
  return topLevel(
    {
      hconcat: [panel(SPARSIFY_QUANTITIES[0], '‖w‖₁ (sum of weights, log scale)'), panel(SPARSIFY_QUANTITIES[1], 'm′ (weights > 0, log scale)')],
      resolve: { legend: { color: 'shared' } },
    },
    o.title,
    o.subtitle,
  );
}
