/**
 * The "over time" charts of the shown instance: polysemantic neurons against the theory
 * n(n−1)/4m, the loss, and the three force magnitudes (Snapshot.forces), each with a cursor
 * at the step the timeline shows.
 */
import type { SeriesPoint } from '../protocol.js';
import { COLORS } from './colors.js';
import { LineChart } from './line-chart.js';
import { fmtNumber, type Tooltip } from './tooltip.js';

export interface ChartsData {
  points: readonly SeriesPoint[];
  instance: number;
  /** step shown */
  cursor: number;
  /** expected polysemantic neurons n(n−1)/4m */
  theory: number;
  /** the x axis reaches at least this step (the stopping step) */
  xMax: number;
}

export class OverTimeCharts {
  private readonly poly: LineChart;
  private readonly loss: LineChart;
  private readonly forces: LineChart;

  constructor(containers: { poly: HTMLElement; loss: HTMLElement; forces: HTMLElement }, tooltip: Tooltip) {
    this.poly = new LineChart(containers.poly, tooltip, { log: false, height: 150, yLabel: 'neurons', integer: true });
    this.loss = new LineChart(containers.loss, tooltip, { log: true, height: 150, yLabel: 'loss' });
    this.forces = new LineChart(containers.forces, tooltip, { log: true, height: 150, yLabel: '‖force‖' });
  }

  render(d: ChartsData): void {
    const { points, instance, cursor, xMax } = d;
    const x = points.map((p) => p.step);
    const pick = (f: (p: SeriesPoint) => number[]) => points.map((p) => f(p)[instance]);
    this.poly.render({
      x,
      xMax,
      cursor,
      series: [{ name: 'polysemantic neurons', color: COLORS.polysemantic, values: pick((p) => p.polysemantic) }],
      hlines: [{ y: d.theory, label: `n(n−1)/4m = ${fmtNumber(d.theory)}`, color: COLORS.theory }],
    });
    this.loss.render({ x, xMax, cursor, series: [{ name: 'loss', color: COLORS.loss, values: pick((p) => p.loss) }] });
    this.forces.render({
      x,
      xMax,
      cursor,
      series: [
        { name: 'feature benefit', color: COLORS.benefit, values: pick((p) => p.benefit) },
        { name: 'interference', color: COLORS.interference, values: pick((p) => p.interference) },
        { name: 'regularization', color: COLORS.regularization, values: pick((p) => p.regularization) },
      ],
    });
  }
}
