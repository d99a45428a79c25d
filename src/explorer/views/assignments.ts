/**
 * Who wins each feature: features on the left, neurons on the right; a dashed line to each
 * feature's initial winner argmax_k |W0_ik|, a solid line to the neuron now strongest for it
 * (colour: sign, width: |W|). Neurons that were the initial winner of two features (a
 * collision at init) get a ring coloured benign (opposite signs) or malign (same sign);
 * polysemantic neurons are filled gold. Below, the list of colliding pairs and their fate.
 */
import type { Collision, InstanceAnalysis } from '../../analysis/neurons.js';
import { COLORS, signColor } from './colors.js';
import { fmtWeight, type Tooltip } from './tooltip.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 340;
const X_FEATURE = 44;
const X_NEURON = WIDTH - 44;
const MAX_HEIGHT = 440;
/** Above this many neurons, unused neurons are not drawn (an axis line stands for them). */
const MAX_ALL_NEURONS = 96;

export interface AssignmentData {
  /** weights [n, m] of the instance shown */
  W: Float32Array;
  n: number;
  m: number;
  analysis: InstanceAnalysis;
  selectedFeature: number;
}

export class AssignmentView {
  private readonly svg: SVGSVGElement;
  private readonly list: HTMLElement;

  constructor(
    container: HTMLElement,
    private readonly tooltip: Tooltip,
    private readonly onSelectFeature: (feature: number) => void,
  ) {
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.classList.add('assign-svg');
    this.list = document.createElement('div');
    this.list.className = 'collision-list';
    container.append(this.svg, this.list);
    this.svg.addEventListener('pointerleave', () => this.tooltip.hide());
  }

  render(d: AssignmentData): void {
    const { n, m, analysis: a } = d;
    const height = Math.min(MAX_HEIGHT, Math.max(n * 22, 160));
    const fy = (i: number) => 14 + ((i + 0.5) * (height - 28)) / n;
    const ny = (k: number) => 14 + ((k + 0.5) * (height - 28)) / m;
    this.svg.setAttribute('viewBox', `0 0 ${WIDTH} ${height}`);
    this.svg.setAttribute('height', String(height));
    const collisionKind = new Map<number, Collision['kind'] | 'both'>();
    for (const c of a.collisions) {
      const prev = collisionKind.get(c.neuron);
      collisionKind.set(c.neuron, prev && prev !== c.kind ? 'both' : c.kind);
    }
    const poly = new Set(a.polysemanticNeurons);
    const parts: SVGElement[] = [];

    parts.push(text(X_FEATURE - 16, 9, 'features', 'end', 'axis-label'), text(X_NEURON + 16, 9, 'neurons', 'start', 'axis-label'));
    // with many features, the lines of the feature in the race stand out from a faded rest
    const fade = n > 24 ? 0.35 : 1;
    for (const f of a.fates) {
      const i = f.feature;
      const w = d.W[i * m + f.finalNeuron];
      const dim = i === d.selectedFeature ? 1 : fade;
      const group = el('g', { class: `feature-lines${i === d.selectedFeature ? ' selected' : ''}` });
      group.append(
        el('line', { x1: X_FEATURE, y1: fy(i), x2: X_NEURON, y2: ny(f.initialWinner), stroke: signColor(f.initialSign), 'stroke-width': 1, 'stroke-dasharray': '3 3', opacity: 0.55 * dim }),
        el('line', { x1: X_FEATURE, y1: fy(i), x2: X_NEURON, y2: ny(f.finalNeuron), stroke: signColor(f.finalSign), 'stroke-width': (0.8 + 2.5 * Math.min(1, Math.abs(w))) * (dim < 1 ? 0.6 : 1), opacity: 0.85 * dim }),
      );
      const hit = el('line', { x1: X_FEATURE, y1: fy(i), x2: X_NEURON, y2: ny(f.finalNeuron), stroke: 'transparent', 'stroke-width': 8 });
      group.append(hit);
      group.addEventListener('pointermove', (e) =>
        this.tooltip.show(e, [
          `feature ${i}`,
          `initial winner: neuron ${f.initialWinner} (${f.initialSign > 0 ? '+' : '−'}), dashed`,
          `now strongest: neuron ${f.finalNeuron}, W = ${fmtWeight(w)}, solid`,
          f.endedOnInitialWinner ? 'still on its initial winner' : `moved: rank ${f.initialRank} in its initial ordering`,
        ]),
      );
      group.addEventListener('click', () => this.onSelectFeature(i));
      parts.push(group);
    }
    const fontF = Math.min(11, Math.max(7, (height - 28) / n - 2));
    for (let i = 0; i < n; i++) {
      const dot = el('circle', { cx: X_FEATURE, cy: fy(i), r: Math.min(4, (height - 28) / n / 2.5), class: 'feature-dot' });
      dot.addEventListener('click', () => this.onSelectFeature(i));
      parts.push(dot);
      if (n <= 40 || i % Math.ceil(n / 40) === 0) parts.push(text(X_FEATURE - 8, fy(i) + 3.5, `f${i}`, 'end', i === d.selectedFeature ? 'label selected' : 'label', fontF));
    }
    const rN = Math.max(1.5, Math.min(5, (height - 28) / m / 2.4));
    const fontN = Math.min(10, Math.max(7, (height - 28) / m - 1));
    // with many neurons only those some line or mark touches are drawn (bounded by 2n + marks)
    const involved = new Set<number>([...a.fates.flatMap((f) => [f.initialWinner, f.finalNeuron]), ...poly, ...collisionKind.keys()]);
    if (m > MAX_ALL_NEURONS) parts.push(el('line', { x1: X_NEURON, x2: X_NEURON, y1: ny(0), y2: ny(m - 1), stroke: '#ddd', 'stroke-width': 2 }));
    for (let k = 0; k < m; k++) {
      if (m > MAX_ALL_NEURONS && !involved.has(k)) continue;
      const kind = collisionKind.get(k);
      const ring = kind === 'benign' ? COLORS.benign : kind === 'malign' ? COLORS.malign : kind === 'both' ? '#000' : '#999';
      const c = el('circle', {
        cx: X_NEURON,
        cy: ny(k),
        r: kind ? rN + 1 : rN,
        fill: poly.has(k) ? COLORS.polysemantic : '#fff',
        stroke: ring,
        'stroke-width': kind ? 2.2 : 1,
      });
      c.addEventListener('pointermove', (e) => this.tooltip.show(e, neuronLines(k, a, kind)));
      parts.push(c);
      if (m <= 48 || ((poly.has(k) || kind) && m <= MAX_ALL_NEURONS)) parts.push(text(X_NEURON + rN + 5, ny(k) + 3, `n${k}`, 'start', poly.has(k) ? 'label poly' : 'label', fontN));
    }
    this.svg.replaceChildren(...parts);
    this.renderList(d);
  }

  private renderList(d: AssignmentData): void {
    const a = d.analysis;
    const items: HTMLElement[] = [];
    const head = document.createElement('div');
    head.className = 'collision-head';
    const benign = a.collisions.filter((c) => c.kind === 'benign').length;
    head.textContent = a.collisions.length
      ? `Collisions at init: ${a.collisions.length} pair${a.collisions.length > 1 ? 's' : ''} (${benign} benign, ${a.collisions.length - benign} malign)`
      : 'No collisions at init: every feature started on its own neuron.';
    items.push(head);
    for (const c of a.collisions) items.push(collisionItem(c, d));
    for (const t of a.triples) {
      const div = document.createElement('div');
      div.className = 'collision-item';
      div.textContent = `n${t.neuron} was the initial winner of ${t.features.length} features (${t.features.map((f, j) => `f${f}${t.signs[j] > 0 ? '+' : '−'}`).join(' ')}): at most 2 can stay.`;
      items.push(div);
    }
    this.list.replaceChildren(...items);
  }
}

/** One pair: "n17 ← f3 (+) & f11 (−)  benign → still shared: polysemantic". */
function collisionItem(c: Collision, d: AssignmentData): HTMLElement {
  const [i, j] = c.features;
  const fi = d.analysis.fates[i];
  const fj = d.analysis.fates[j];
  const sign = (s: number) => (s > 0 ? '+' : '−');
  const div = document.createElement('div');
  div.className = 'collision-item';
  div.dataset.kind = c.kind;
  const badge = document.createElement('span');
  badge.className = `badge ${c.kind}`;
  badge.textContent = c.kind;
  const pair = document.createElement('span');
  pair.textContent = ` n${c.neuron} ← f${i} (${sign(fi.initialSign)}) & f${j} (${sign(fj.initialSign)}) `;
  const fate = document.createElement('span');
  fate.className = 'fate';
  if (c.fate === 'shared') {
    fate.textContent = `→ shared on n${c.sharedOn}: polysemantic`;
    fate.classList.add('shared');
  } else if (fi.finalNeuron === c.neuron && fj.finalNeuron === c.neuron) {
    fate.textContent = '→ both still racing on it';
  } else {
    const moved = [fi, fj].filter((f) => f.finalNeuron !== c.neuron).map((f) => `f${f.feature} → n${f.finalNeuron}`);
    fate.textContent = `→ separated (${moved.join(', ')})`;
  }
  div.append(badge, pair, fate);
  return div;
}

function neuronLines(k: number, a: InstanceAnalysis, kind: string | undefined): string[] {
  const initial = a.fates.filter((f) => f.initialWinner === k).map((f) => `f${f.feature}${f.initialSign > 0 ? '+' : '−'}`);
  const now = a.neuronFeatures[k].map((e) => `f${e.feature}${e.sign > 0 ? '+' : '−'}`);
  return [
    `neuron ${k}${a.polysemanticNeurons.includes(k) ? ' — polysemantic' : ''}`,
    `initial winner of: ${initial.join(', ') || 'no feature'}${kind ? ` (collision: ${kind})` : ''}`,
    `holds now (|W| in [${a.band[0]}, ${a.band[1]}]): ${now.join(', ') || 'no feature'}`,
  ];
}

function el(name: string, attrs: Record<string, string | number>): SVGElement {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function text(x: number, y: number, content: string, anchor: string, cls: string, size?: number): SVGElement {
  const node = el('text', { x, y, 'text-anchor': anchor, class: cls, ...(size ? { 'font-size': size } : {}) });
  node.textContent = content;
  return node;
}
