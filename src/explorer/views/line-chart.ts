/**
 * A small SVG line chart over training steps: several named series, linear or log y,
 * optional horizontal reference lines (e.g. the theory n(n−1)/4m), a cursor at the step
 * the timeline shows, and a hover readout of every series at the nearest step.
 * Long series are strided to about two points per pixel before drawing.
 */
import { fmtNumber, type Tooltip } from './tooltip.js';

const SVG = 'http://www.w3.org/2000/svg';
const M = { left: 46, right: 16, top: 8, bottom: 22 };

export interface LineSeries {
  name: string;
  color: string;
  dash?: string;
  /** aligned with LineChartData.x; non-finite (or ≤ 0 on a log axis) values leave gaps */
  values: number[];
}

export interface LineChartData {
  x: number[];
  series: LineSeries[];
  /** step marked by a vertical line (the frame shown) */
  cursor?: number;
  hlines?: Array<{ y: number; label: string; color: string; dash?: string }>;
  /** extent the x axis covers at least (e.g. up to the stopping step) */
  xMax?: number;
}

export interface LineChartOptions {
  log: boolean;
  height: number;
  yLabel: string;
  /** lower y bound on linear axes (default 0) */
  yFloor?: number;
  /** integer ticks only (counts) */
  integer?: boolean;
}

export class LineChart {
  private readonly svg: SVGSVGElement;
  private data: LineChartData | null = null;
  private width = 400;
  private sx: (x: number) => number = (x) => x;
  private hoverLine: SVGLineElement;

  constructor(
    private readonly container: HTMLElement,
    private readonly tooltip: Tooltip,
    private readonly opts: LineChartOptions,
  ) {
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.classList.add('line-chart');
    this.hoverLine = el('line', { class: 'hover-line', y1: M.top, y2: opts.height - M.bottom }) as SVGLineElement;
    container.appendChild(this.svg);
    this.svg.addEventListener('pointermove', (e) => this.hover(e));
    this.svg.addEventListener('pointerleave', () => {
      this.tooltip.hide();
      this.hoverLine.setAttribute('visibility', 'hidden');
    });
  }

  render(data: LineChartData): void {
    this.data = data;
    const { height, log } = this.opts;
    this.width = Math.max(240, this.container.clientWidth);
    const W = this.width;
    this.svg.setAttribute('viewBox', `0 0 ${W} ${height}`);
    this.svg.setAttribute('width', String(W));
    this.svg.setAttribute('height', String(height));

    const xs = data.x;
    const x0 = xs.length ? xs[0] : 0;
    const x1 = Math.max(xs.length ? xs[xs.length - 1] : 1, data.xMax ?? 0, x0 + 1);
    const values: number[] = [];
    for (const s of data.series) for (const v of s.values) if (Number.isFinite(v) && (!log || v > 0)) values.push(v);
    for (const h of data.hlines ?? []) if (Number.isFinite(h.y) && (!log || h.y > 0)) values.push(h.y);
    let y0: number;
    let y1: number;
    if (log) {
      y0 = values.length ? Math.min(...values) : 1e-3;
      y1 = values.length ? Math.max(...values) : 1;
      y0 = 10 ** Math.floor(Math.log10(y0));
      y1 = 10 ** Math.ceil(Math.log10(y1));
      if (y1 <= y0) y1 = y0 * 10;
    } else {
      y0 = this.opts.yFloor ?? 0;
      y1 = Math.max(y0 + (this.opts.integer ? 4 : 1e-9), ...values) * 1.08;
    }
    const px0 = M.left;
    const px1 = W - M.right;
    const py0 = height - M.bottom;
    const py1 = M.top;
    const sx = (x: number) => px0 + ((x - x0) / (x1 - x0)) * (px1 - px0);
    const ty = log ? (y: number) => Math.log10(y) : (y: number) => y;
    const sy = (y: number) => py0 + ((ty(y) - ty(y0)) / (ty(y1) - ty(y0))) * (py1 - py0);
    this.sx = sx;

    const parts: SVGElement[] = [];
    // axes and ticks
    for (const t of log ? logTicks(y0, y1) : linearTicks(y0, y1, 4, this.opts.integer)) {
      parts.push(el('line', { x1: px0, x2: px1, y1: sy(t), y2: sy(t), class: 'grid' }));
      parts.push(txt(px0 - 4, sy(t) + 3, log ? fmtPow(t) : fmtNumber(t), 'end', 'tick'));
    }
    for (const t of linearTicks(x0, x1, 5, true)) {
      parts.push(txt(sx(t), height - 6, fmtNumber(t), 'middle', 'tick'));
    }
    parts.push(el('line', { x1: px0, x2: px1, y1: py0, y2: py0, class: 'axis' }));
    parts.push(txt(px0 + 2, py1 + 9, this.opts.yLabel, 'start', 'axis-title'));
    // reference lines
    for (const h of data.hlines ?? []) {
      if (!Number.isFinite(h.y) || (log && h.y <= 0)) continue;
      parts.push(el('line', { x1: px0, x2: px1, y1: sy(h.y), y2: sy(h.y), stroke: h.color, 'stroke-dasharray': h.dash ?? '5 4', 'stroke-width': 1.5 }));
      parts.push(txt(px1 - 2, sy(h.y) - 4, h.label, 'end', 'hline-label', undefined, h.color));
    }
    // series, strided to about two points per pixel
    const stride = Math.max(1, Math.floor(xs.length / ((px1 - px0) * 2)));
    const drawn: number[] = [];
    for (let i = 0; i < xs.length; i += stride) drawn.push(i);
    if (xs.length && drawn[drawn.length - 1] !== xs.length - 1) drawn.push(xs.length - 1);
    for (const s of data.series) {
      let d = '';
      let pen = false;
      for (const i of drawn) {
        const v = s.values[i];
        if (!Number.isFinite(v) || (log && v <= 0)) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${sx(xs[i]).toFixed(1)},${sy(Math.max(v, log ? y0 : -Infinity)).toFixed(1)}`;
        pen = true;
      }
      parts.push(el('path', { d, fill: 'none', stroke: s.color, 'stroke-width': 1.8, ...(s.dash ? { 'stroke-dasharray': s.dash } : {}) }));
      const v0 = s.values[0];
      if (xs.length === 1 && Number.isFinite(v0) && (!log || v0 > 0)) parts.push(el('circle', { cx: sx(xs[0]), cy: sy(v0), r: 3, fill: s.color })); // step 0 alone: a dot
    }
    if (data.cursor !== undefined && xs.length) {
      parts.push(el('line', { x1: sx(data.cursor), x2: sx(data.cursor), y1: py1, y2: py0, class: 'cursor' }));
    }
    this.hoverLine.setAttribute('y2', String(py0));
    parts.push(this.hoverLine);
    this.svg.replaceChildren(...parts);
  }

  private hover(e: PointerEvent): void {
    const d = this.data;
    if (!d || d.x.length === 0) return;
    const rect = this.svg.getBoundingClientRect();
    const px = e.clientX - rect.left;
    // nearest recorded step to the pointer
    let lo = 0;
    let hi = d.x.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.sx(d.x[mid]) < px) lo = mid;
      else hi = mid;
    }
    const i = Math.abs(this.sx(d.x[lo]) - px) <= Math.abs(this.sx(d.x[hi]) - px) ? lo : hi;
    const x = this.sx(d.x[i]);
    this.hoverLine.setAttribute('x1', String(x));
    this.hoverLine.setAttribute('x2', String(x));
    this.hoverLine.setAttribute('visibility', 'visible');
    this.tooltip.show(e, [
      `step ${d.x[i]}`,
      ...d.series.map((s) => `${s.name}: ${this.opts.integer ? String(s.values[i]) : fmtNumber(s.values[i])}`),
      ...(d.hlines ?? []).map((h) => `${h.label}`),
    ]);
  }
}

function linearTicks(a: number, b: number, count: number, integer = false): number[] {
  const span = b - a;
  if (!(span > 0)) return [a];
  let step = 10 ** Math.floor(Math.log10(span / count));
  const err = span / count / step;
  if (err >= 5) step *= 5;
  else if (err >= 2) step *= 2;
  if (integer) step = Math.max(1, Math.round(step));
  const out: number[] = [];
  for (let t = Math.ceil(a / step) * step; t <= b + 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

function logTicks(a: number, b: number): number[] {
  const out: number[] = [];
  const lo = Math.round(Math.log10(a));
  const hi = Math.round(Math.log10(b));
  const every = Math.max(1, Math.ceil((hi - lo) / 5));
  for (let p = lo; p <= hi; p += every) out.push(10 ** p);
  return out;
}

function fmtPow(t: number): string {
  const p = Math.round(Math.log10(t));
  if (p >= -2 && p <= 3) return String(Number(t.toPrecision(3)));
  return `1e${p}`.replace('-', '−');
}

function el(name: string, attrs: Record<string, string | number>): SVGElement {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function txt(x: number, y: number, content: string, anchor: string, cls: string, size?: number, color?: string): SVGElement {
  const node = el('text', { x, y, 'text-anchor': anchor, class: cls, ...(size ? { 'font-size': size } : {}), ...(color ? { fill: color } : {}) });
  node.textContent = content;
  return node;
}
