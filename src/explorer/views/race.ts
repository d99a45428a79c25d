/**
 * The sparsification race of one feature (SCIENCE.md §4): its m weights as bars sorted by
 * |w|, and the threshold τ = 1/‖w‖₁ of the winner-take-all law dw_k/dt ≈ λ(‖w‖₁ w_k − 1):
 * weights above τ grow, weights below die ("rich get richer"), until one is left. Grey
 * ticks show where each weight started; a triangle marks the feature's initial winner.
 */
import { DEFAULT_BAND } from '../../analysis/neurons.js';
import { COLORS, signColor } from './colors.js';
import { fmtNumber, fmtWeight, type Tooltip } from './tooltip.js';

export interface RaceData {
  feature: number;
  /** this feature's weights [m] now and at init */
  w: Float32Array;
  w0: Float32Array;
  initialWinner: number;
}

const M = { left: 40, right: 10, top: 12, bottom: 26 };
const HEIGHT = 230;

export class RaceView {
  private readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private data: RaceData | null = null;
  private sorted: number[] = [];
  private tau = Infinity;
  private barWidth = 1;

  constructor(
    private readonly container: HTMLElement,
    private readonly tooltip: Tooltip,
  ) {
    this.caption = document.createElement('div');
    this.caption.className = 'race-caption';
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'race-canvas';
    container.append(this.caption, this.canvas);
    this.canvas.addEventListener('pointermove', (e) => this.hover(e));
    this.canvas.addEventListener('pointerleave', () => this.tooltip.hide());
  }

  render(d: RaceData): void {
    this.data = d;
    const m = d.w.length;
    let l1 = 0;
    let sq = 0;
    let maxAbs = 0;
    for (let k = 0; k < m; k++) {
      const a = Math.abs(d.w[k]);
      l1 += a;
      sq += a * a;
      maxAbs = Math.max(maxAbs, a, Math.abs(d.w0[k]));
    }
    this.tau = l1 > 0 ? 1 / l1 : Infinity;
    this.sorted = Array.from({ length: m }, (_, k) => k).sort((a, b) => Math.abs(d.w[b]) - Math.abs(d.w[a]) || a - b);
    const above = this.sorted.filter((k) => Math.abs(d.w[k]) >= this.tau).length;
    this.caption.innerHTML = '';
    this.caption.append(
      `feature ${d.feature}:  ‖w‖₁ = ${fmtNumber(l1)},  ‖w‖² = ${fmtNumber(sq)},  τ = 1/‖w‖₁ = ${fmtNumber(this.tau)},  `,
      strong(`${above} of ${m}`),
      ' weights above τ',
    );

    const width = Math.max(260, this.container.clientWidth);
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(HEIGHT * dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${HEIGHT}px`;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const px0 = M.left;
    const px1 = width - M.right;
    const py0 = HEIGHT - M.bottom;
    const yMax = Math.max(1.3, maxAbs * 1.05);
    const sy = (v: number) => py0 - (v / yMax) * (py0 - M.top);
    const bw = (px1 - px0) / m;
    this.barWidth = bw;

    // the counting band [0.8, 1.2]
    ctx.fillStyle = COLORS.band;
    ctx.fillRect(px0, sy(DEFAULT_BAND[1]), px1 - px0, sy(DEFAULT_BAND[0]) - sy(DEFAULT_BAND[1]));
    // y axis
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillStyle = '#666';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.strokeStyle = '#e5e5e5';
    ctx.lineWidth = 1;
    for (const t of [0, 0.25, 0.5, 0.75, 1, 1.25].filter((t) => t <= yMax)) {
      ctx.beginPath();
      ctx.moveTo(px0, sy(t) + 0.5);
      ctx.lineTo(px1, sy(t) + 0.5);
      ctx.stroke();
      ctx.fillText(String(t), px0 - 4, sy(t));
    }
    ctx.save();
    ctx.translate(10, (M.top + py0) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText('|w|', 0, 0);
    ctx.restore();

    // bars: full colour above τ (growing), faded below (dying)
    const gap = bw >= 4 ? 1 : 0;
    this.sorted.forEach((k, r) => {
      const v = Math.abs(d.w[k]);
      ctx.globalAlpha = v >= this.tau ? 1 : 0.32;
      ctx.fillStyle = signColor(d.w[k]);
      ctx.fillRect(px0 + r * bw, sy(v), Math.max(0.6, bw - gap), py0 - sy(v));
    });
    ctx.globalAlpha = 1;
    // where each weight started
    ctx.strokeStyle = COLORS.initial;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    this.sorted.forEach((k, r) => {
      const y = sy(Math.abs(d.w0[k]));
      ctx.moveTo(px0 + r * bw + (bw >= 3 ? 0.5 : 0), y);
      ctx.lineTo(px0 + (r + 1) * bw - gap, y);
    });
    ctx.stroke();
    // the initial winner
    const rw = this.sorted.indexOf(d.initialWinner);
    const xw = px0 + (rw + 0.5) * bw;
    ctx.fillStyle = '#000';
    ctx.beginPath();
    ctx.moveTo(xw, py0 + 3);
    ctx.lineTo(xw - 5, py0 + 11);
    ctx.lineTo(xw + 5, py0 + 11);
    ctx.closePath();
    ctx.fill();
    ctx.textAlign = rw < m / 2 ? 'left' : 'right';
    ctx.textBaseline = 'top';
    ctx.fillText(`initial winner n${d.initialWinner}`, xw + (rw < m / 2 ? 8 : -8), py0 + 8);
    // the threshold
    if (Number.isFinite(this.tau) && this.tau <= yMax) {
      ctx.strokeStyle = COLORS.threshold;
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(px0, sy(this.tau));
      ctx.lineTo(px1, sy(this.tau));
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.textAlign = 'right';
      ctx.textBaseline = 'bottom';
      ctx.fillStyle = COLORS.threshold;
      ctx.fillText('τ = 1/‖w‖₁', px1 - 2, sy(this.tau) - 2);
    }
    ctx.fillStyle = '#666';
    ctx.textAlign = rw < m / 2 ? 'right' : 'left';
    ctx.textBaseline = 'top';
    ctx.fillText('neurons, sorted by |w| →', rw < m / 2 ? px1 : px0, py0 + 8);
  }

  private hover(e: PointerEvent): void {
    const d = this.data;
    if (!d) return;
    const rect = this.canvas.getBoundingClientRect();
    const r = Math.floor((e.clientX - rect.left - M.left) / this.barWidth);
    if (r < 0 || r >= this.sorted.length) return this.tooltip.hide();
    const k = this.sorted[r];
    const v = d.w[k];
    this.tooltip.show(e, [
      `feature ${d.feature} · neuron ${k} (rank ${r + 1})`,
      `w = ${fmtWeight(v)}   (at init ${fmtWeight(d.w0[k])})`,
      Math.abs(v) >= this.tau ? `above τ = ${fmtNumber(this.tau)}: growing` : `below τ = ${fmtNumber(this.tau)}: shrinking`,
      ...(k === d.initialWinner ? ['the initial winner (largest |w| at init)'] : []),
    ]);
  }
}

function strong(text: string): HTMLElement {
  const b = document.createElement('strong');
  b.textContent = text;
  return b;
}
