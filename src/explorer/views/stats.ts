/**
 * The summary row above the views: polysemantic neurons now, the theory next to it,
 * collisions at init, the step and the loss, and the equivalent command line.
 */
import type { InstanceAnalysis } from '../../analysis/neurons.js';
import { fmtNumber } from './tooltip.js';
import { mean } from '../../core/metrics.js';

export interface StatsData {
  analysis: InstanceAnalysis;
  instance: number;
  /** polysemantic neurons of every instance, when there are several */
  perInstance: number[];
  theory: number;
  step: number;
  /** 'finished', 'paused', '812 steps/s', ... */
  status: string;
  /** loss at this step, or NaN when not recorded */
  loss: number;
  backend: string;
  command: string;
}

const byId = (id: string) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`explorer: #${id} is missing from index.html`);
  return el;
};

export class StatsPanel {
  private readonly el = {
    poly: byId('stat-poly'),
    polyNote: byId('stat-poly-note'),
    theory: byId('stat-theory'),
    collisions: byId('stat-collisions'),
    collisionsNote: byId('stat-collisions-note'),
    step: byId('stat-step'),
    status: byId('stat-rate'),
    loss: byId('stat-loss'),
    backend: byId('stat-backend'),
    command: byId('cli-command'),
  };

  render(d: StatsData): void {
    const { analysis: a, perInstance } = d;
    const el = this.el;
    el.poly.textContent = String(a.counts.polysemantic);
    if (perInstance.length > 1) {
      el.polyNote.textContent = `instance ${d.instance}; mean over ${perInstance.length}: ${fmtNumber(mean(perInstance))}`;
    } else {
      el.polyNote.textContent = a.counts.polysemantic ? `neurons ${a.polysemanticNeurons.join(', ')}` : 'none yet';
    }
    el.theory.textContent = fmtNumber(d.theory);
    el.collisions.textContent = String(a.counts.collisions);
    el.collisionsNote.textContent = `${a.counts.benignCollisions} benign, ${a.counts.malignCollisions} malign`;
    el.step.textContent = String(d.step);
    el.status.textContent = d.status;
    el.loss.textContent = Number.isFinite(d.loss) ? fmtNumber(d.loss) : '–';
    el.backend.textContent = d.backend ? `backend ${d.backend}` : '';
    el.command.textContent = d.command;
  }
}
