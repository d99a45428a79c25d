/**
 * The weight matrix W as a heatmap: one row per feature, one column per neuron (in the
 * order of neuron-order.ts), diverging colours for the sign. Polysemantic neurons get a
 * gold frame; a small ring marks each feature's initial winner argmax_k |W0_ik|. Knows
 * nothing about training: it draws whatever weights and analysis it is given.
 */
import type { InstanceAnalysis } from '../../analysis/neurons.js';
import type { NeuronOrder } from '../state.js';
import { COLORS, weightRgb } from './colors.js';
import { layoutNeurons, type NeuronGroup, type NeuronLayout } from './neuron-order.js';
import { fmtWeight, type Tooltip } from './tooltip.js';

export interface HeatmapData {
  /** weights [n, m] of the instance shown (a view into the frame) */
  W: Float32Array;
  /** initial weights [n, m] of the same instance */
  W0: Float32Array;
  n: number;
  m: number;
  analysis: InstanceAnalysis;
  order: NeuronOrder;
  selectedFeature: number;
}

const LEFT = 38;
const TOP = 30;
const MAX_HEIGHT = 460;
const GROUP_COLORS: Record<NeuronGroup, string> = {
  polysemantic: COLORS.polysemantic,
  contested: '#666',
  single: '#bbb',
  unused: '#eee',
};
const GROUP_TEXT: Record<NeuronGroup, string> = {
  polysemantic: 'polysemantic: ≥ 2 features with |W| in the band',
  contested: 'strongest neuron of several features, none in the band yet',
  single: 'serves one feature',
  unused: 'unused: no feature is on it',
};

export class WeightHeatmap {
  private readonly canvas: HTMLCanvasElement;
  private data: HeatmapData | null = null;
  private layout: NeuronLayout | null = null;
  private cell = { w: 10, h: 10 };
  /** outline of the cell under the pointer (a div, so hovering needs no redraw) */
  private readonly hoverBox: HTMLDivElement;

  constructor(
    private readonly container: HTMLElement,
    private readonly tooltip: Tooltip,
    private readonly onSelectFeature: (feature: number) => void,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'heatmap-canvas';
    this.canvas.setAttribute('aria-label', 'weight matrix heatmap: rows are features, columns are neurons');
    container.appendChild(this.canvas);
    this.canvas.addEventListener('pointermove', (e) => this.hover(e));
    this.canvas.addEventListener('pointerleave', () => {
      this.tooltip.hide();
      this.hoverBox.hidden = true;
    });
    this.hoverBox = document.createElement('div');
    this.hoverBox.className = 'heatmap-hover';
    this.hoverBox.hidden = true;
    container.appendChild(this.hoverBox);
    this.canvas.addEventListener('click', (e) => {
      const hit = this.hit(e);
      if (hit) this.onSelectFeature(hit.feature);
    });
  }

  render(data: HeatmapData): void {
    this.data = data;
    this.layout = layoutNeurons(data.analysis, data.order);
    const { n, m } = data;
    const width = Math.max(200, this.container.clientWidth);
    const cw = Math.max(1, Math.min(26, Math.floor((width - LEFT - 4) / m)));
    // rows may be taller than columns are wide (many neurons), up to the height budget
    const ch = Math.max(1, Math.min(26, Math.max(cw, 12), Math.floor(MAX_HEIGHT / n)));
    this.cell = { w: cw, h: ch };
    const cssW = LEFT + cw * m + 4;
    const cssH = TOP + ch * n + 4;
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(cssW * dpr) || this.canvas.height !== Math.round(cssH * dpr)) {
      this.canvas.width = Math.round(cssW * dpr);
      this.canvas.height = Math.round(cssH * dpr);
      this.canvas.style.width = `${cssW}px`;
      this.canvas.style.height = `${cssH}px`;
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    this.drawCells(ctx, data, this.layout);
    this.drawMarks(ctx, data, this.layout);
  }

  private drawCells(ctx: CanvasRenderingContext2D, d: HeatmapData, layout: NeuronLayout): void {
    const { n, m, W } = d;
    const { w: cw, h: ch } = this.cell;
    // one pixel per weight, scaled up without smoothing: fast for any n·m we allow
    const image = new ImageData(m, n);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < m; c++) {
        const [r, g, b] = weightRgb(W[i * m + layout.order[c]]);
        const p = (i * m + c) * 4;
        image.data[p] = r;
        image.data[p + 1] = g;
        image.data[p + 2] = b;
        image.data[p + 3] = 255;
      }
    }
    const bitmap = document.createElement('canvas');
    bitmap.width = m;
    bitmap.height = n;
    bitmap.getContext('2d')?.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(bitmap, LEFT, TOP, cw * m, ch * n);
    if (cw >= 6 && ch >= 6) {
      ctx.strokeStyle = 'rgba(255,255,255,0.6)';
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let c = 1; c < m; c++) {
        ctx.moveTo(LEFT + c * cw + 0.5, TOP);
        ctx.lineTo(LEFT + c * cw + 0.5, TOP + n * ch);
      }
      for (let i = 1; i < n; i++) {
        ctx.moveTo(LEFT, TOP + i * ch + 0.5);
        ctx.lineTo(LEFT + m * cw, TOP + i * ch + 0.5);
      }
      ctx.stroke();
    }
  }

  private drawMarks(ctx: CanvasRenderingContext2D, d: HeatmapData, layout: NeuronLayout): void {
    const { n, m, analysis } = d;
    const { w: cw, h: ch } = this.cell;
    const columnOf = new Int32Array(m);
    layout.order.forEach((k, c) => (columnOf[k] = c));

    // group strip and neuron numbers above the columns
    ctx.font = '9px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
    for (let c = 0; c < m; c++) {
      const k = layout.order[c];
      ctx.fillStyle = GROUP_COLORS[layout.groups[k]];
      ctx.fillRect(LEFT + c * cw, TOP - 8, Math.max(1, cw - (cw >= 4 ? 1 : 0)), 6);
      if (cw >= 13) {
        ctx.fillStyle = '#555';
        ctx.fillText(String(k), LEFT + (c + 0.5) * cw, TOP - 12);
      }
    }
    if (cw < 13) {
      ctx.fillStyle = '#555';
      ctx.textAlign = 'left';
      ctx.fillText('neurons →', LEFT, TOP - 12);
    }

    // row labels, the selected feature marked
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const every = ch >= 10 ? 1 : Math.ceil(10 / ch);
    for (let i = 0; i < n; i++) {
      const selected = i === d.selectedFeature;
      if (i % every !== 0 && !selected) continue;
      ctx.fillStyle = selected ? '#000' : '#555';
      ctx.font = `${selected ? 'bold ' : ''}${Math.min(11, Math.max(8, ch - 2))}px system-ui, sans-serif`;
      ctx.fillText(`${selected ? '▸ ' : ''}f${i}`, LEFT - 4, TOP + (i + 0.5) * ch);
    }

    // initial winners: a ring in cell (i, argmax_k |W0_ik|)
    if (cw >= 5 && ch >= 5) {
      const r = Math.max(1.5, Math.min(cw, ch) * 0.2);
      ctx.lineWidth = 1.3;
      for (const f of analysis.fates) {
        const x = LEFT + (columnOf[f.initialWinner] + 0.5) * cw;
        const y = TOP + (f.feature + 0.5) * ch;
        ctx.beginPath();
        ctx.arc(x, y, r, 0, 2 * Math.PI);
        ctx.strokeStyle = '#000';
        ctx.stroke();
        ctx.fillStyle = '#fff';
        ctx.fill();
      }
    }

    // polysemantic neurons: a gold frame around the column
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = COLORS.polysemantic;
    for (const k of analysis.polysemanticNeurons) {
      const c = columnOf[k];
      ctx.strokeRect(LEFT + c * cw - 1, TOP - 9, cw + 2, n * ch + 10);
    }

    // selected feature: a thin dark outline around its row
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = 'rgba(0,0,0,0.75)';
    ctx.strokeRect(LEFT - 0.5, TOP + d.selectedFeature * ch - 0.5, m * cw + 1, ch + 1);
  }

  private hit(e: MouseEvent): { feature: number; neuron: number } | null {
    if (!this.data || !this.layout) return null;
    const rect = this.canvas.getBoundingClientRect();
    const x = e.clientX - rect.left - LEFT;
    const y = e.clientY - rect.top - TOP;
    const c = Math.floor(x / this.cell.w);
    const i = Math.floor(y / this.cell.h);
    if (c < 0 || c >= this.data.m || i < 0 || i >= this.data.n) return null;
    return { feature: i, neuron: this.layout.order[c] };
  }

  private hover(e: PointerEvent): void {
    const hit = this.hit(e);
    if (!hit || !this.data || !this.layout) {
      this.hoverBox.hidden = true;
      return this.tooltip.hide();
    }
    const { feature: i, neuron: k } = hit;
    const { w: cw, h: ch } = this.cell;
    const column = this.layout.order.indexOf(k);
    Object.assign(this.hoverBox.style, {
      left: `${this.canvas.offsetLeft + LEFT + column * cw - 1}px`,
      top: `${this.canvas.offsetTop + TOP + i * ch - 1}px`,
      width: `${cw + 2}px`,
      height: `${ch + 2}px`,
    });
    this.hoverBox.hidden = false;
    const { m, W, W0, analysis } = this.data;
    const fate = analysis.fates[i];
    const on = analysis.neuronFeatures[k];
    const holds = on.length ? on.map((e) => `f${e.feature} (${e.sign > 0 ? '+' : '−'})`).join(', ') : 'no feature';
    this.tooltip.show(e, [
      `feature ${i} · neuron ${k}`,
      `W = ${fmtWeight(W[i * m + k])}   (at init ${fmtWeight(W0[i * m + k])})`,
      `neuron ${k}: ${GROUP_TEXT[this.layout.groups[k]]}; holds ${holds}`,
      `feature ${i}: initial winner n${fate.initialWinner}, now strongest on n${fate.finalNeuron}`,
      'click: show this feature in the sparsification race',
    ]);
  }
}
