/**
 * The control panel, built from a list of specs: each names a state field, its label, a
 * one-line help text and its input kind; dropdowns are filled from the core's registries
 * (OPTIMIZERS, NOISE_KINDS), so a new optimizer appears here without touching this file.
 * A change is reported as (field, value); the page validates it and may call `showError`.
 */
import { NOISE_KINDS, NOISE_NAMES } from '../core/noise.js';
import { OPTIMIZERS, OPTIMIZER_NAMES } from '../core/optimizers.js';
import { NEURON_ORDERS, SPEEDS, type ExplorerState } from './state.js';

type Key = keyof ExplorerState;
interface Option {
  value: string;
  label: string;
  title?: string;
}
export interface ControlSpec {
  key: Key;
  label: string;
  help: string;
  kind: 'number' | 'select' | 'checkbox';
  /** select options; a function when they depend on the state (e.g. instance shown) */
  options?: Option[] | ((s: ExplorerState) => Option[]);
  step?: string;
  min?: number;
}

export const CONTROL_GROUPS: Array<{ title: string; specs: ControlSpec[] }> = [
  {
    title: 'Model',
    specs: [
      { key: 'n', label: 'features n', help: 'inputs = outputs; one-hot data e₁…eₙ', kind: 'number', step: '1', min: 1 },
      { key: 'm', label: 'neurons m', help: 'hidden width; m ≥ n means no neuron has to be shared', kind: 'number', step: '1', min: 1 },
      { key: 'instances', label: 'instances', help: 'independent models, each with its own seed stream', kind: 'number', step: '1', min: 1 },
    ],
  },
  {
    title: 'Training',
    specs: [
      {
        key: 'optimizer',
        label: 'optimizer',
        help: 'the same optimizers as incidental train',
        kind: 'select',
        options: OPTIMIZER_NAMES.map((name) => ({ value: name, label: name, title: OPTIMIZERS[name].summary })),
      },
      { key: 'lr', label: 'learning rate', help: 'step size', kind: 'number', step: 'any', min: 0 },
      { key: 'lambda', label: 'L1 penalty λ', help: 'λ‖W‖₁ drives the winner-take-all race', kind: 'number', step: 'any', min: 0 },
      { key: 'initScale', label: 'init scale', help: 'init std = scale/√m, so ‖W_i‖ ≈ scale', kind: 'number', step: 'any', min: 0 },
      { key: 'seed', label: 'seed', help: 'same seed and settings ⇒ same weights as the CLI', kind: 'number', step: '1', min: 0 },
      { key: 'interference', label: 'interference', help: 'off: drop the force that separates same-sign features', kind: 'checkbox' },
      {
        key: 'noise',
        label: 'hidden noise',
        help: 'noise added to the hidden layer each step',
        kind: 'select',
        options: NOISE_NAMES.map((name) => ({ value: name, label: name, title: NOISE_KINDS[name].summary })),
      },
      { key: 'sigma', label: 'noise σ', help: 'standard deviation of the hidden noise', kind: 'number', step: 'any', min: 0 },
      { key: 'steps', label: 'train until step', help: 'raising it continues the run', kind: 'number', step: '1', min: 0 },
    ],
  },
  {
    title: 'View',
    specs: [
      {
        key: 'instance',
        label: 'instance shown',
        help: 'which of the trained models the views show',
        kind: 'select',
        options: (s) => Array.from({ length: Math.max(1, s.instances) }, (_, i) => ({ value: String(i), label: String(i) })),
      },
      { key: 'feature', label: 'feature in race', help: 'or click a row of the heatmap', kind: 'number', step: '1', min: 0 },
      {
        key: 'order',
        label: 'neuron order',
        help: 'grouped: shared neurons first, then one per feature',
        kind: 'select',
        options: NEURON_ORDERS.map((o) => ({ value: o, label: o === 'grouped' ? 'grouped' : 'by index' })),
      },
    ],
  },
];

export class ControlPanel {
  private readonly inputs = new Map<Key, HTMLInputElement | HTMLSelectElement>();
  private readonly errors = new Map<Key, HTMLElement>();
  private readonly specs = new Map<Key, ControlSpec>();

  constructor(
    container: HTMLElement,
    private readonly onChange: (key: Key, value: number | string | boolean) => void,
  ) {
    for (const group of CONTROL_GROUPS) {
      const fieldset = document.createElement('fieldset');
      const legend = document.createElement('legend');
      legend.textContent = group.title;
      fieldset.appendChild(legend);
      for (const spec of group.specs) fieldset.appendChild(this.build(spec));
      container.appendChild(fieldset);
    }
  }

  private build(spec: ControlSpec): HTMLElement {
    this.specs.set(spec.key, spec);
    const row = document.createElement('div');
    row.className = `control control-${spec.kind}`;
    const id = `ctl-${spec.key}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = spec.label;
    let input: HTMLInputElement | HTMLSelectElement;
    if (spec.kind === 'select') {
      input = document.createElement('select');
    } else {
      input = document.createElement('input');
      input.type = spec.kind === 'checkbox' ? 'checkbox' : 'number';
      if (spec.step) input.step = spec.step;
      if (spec.min !== undefined) input.min = String(spec.min);
    }
    input.id = id;
    input.name = spec.key;
    input.title = spec.help;
    input.addEventListener('change', () => this.commit(spec));
    this.inputs.set(spec.key, input);
    const help = document.createElement('div');
    help.className = 'help';
    help.textContent = spec.help;
    const error = document.createElement('div');
    error.className = 'field-error';
    error.setAttribute('role', 'alert');
    error.hidden = true;
    this.errors.set(spec.key, error);
    if (spec.kind === 'checkbox') {
      const line = document.createElement('div');
      line.className = 'checkbox-line';
      line.append(input, label);
      row.append(line, help, error);
    } else {
      row.append(label, input, help, error);
    }
    return row;
  }

  private commit(spec: ControlSpec): void {
    const input = this.inputs.get(spec.key);
    if (!input) return;
    this.clearError(spec.key);
    if (spec.kind === 'checkbox') return this.onChange(spec.key, (input as HTMLInputElement).checked);
    if (spec.kind === 'select') {
      const numeric = spec.key === 'instance';
      return this.onChange(spec.key, numeric ? Number(input.value) : input.value);
    }
    const text = input.value.trim();
    const value = text === '' ? NaN : Number(text);
    if (!Number.isFinite(value)) return this.showError(spec.key, `${spec.label}: must be a number (got "${input.value}")`);
    this.onChange(spec.key, value);
  }

  /** Shows the state in the inputs (not the ones holding an error the user is fixing). */
  set(state: ExplorerState): void {
    for (const [key, input] of this.inputs) {
      const spec = this.specs.get(key);
      if (!spec || !this.errors.get(key)?.hidden) continue;
      if (spec.kind === 'select') fillOptions(input as HTMLSelectElement, typeof spec.options === 'function' ? spec.options(state) : (spec.options ?? []));
      if (spec.kind === 'checkbox') (input as HTMLInputElement).checked = Boolean(state[key]);
      else if (input.value !== String(state[key]) && document.activeElement !== input) input.value = String(state[key]);
    }
  }

  showError(key: Key, message: string): void {
    const error = this.errors.get(key);
    const input = this.inputs.get(key);
    if (!error || !input) return;
    error.textContent = message;
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
  }

  clearError(key: Key): void {
    const error = this.errors.get(key);
    if (error) error.hidden = true;
    this.inputs.get(key)?.removeAttribute('aria-invalid');
  }

  clearAllErrors(): void {
    for (const key of this.errors.keys()) this.clearError(key);
  }
}

/** Replaces a select's options only when they changed (keeps focus and scroll otherwise). */
function fillOptions(select: HTMLSelectElement, options: Option[]): void {
  if (Array.from(select.options, (o) => o.value).join() === options.map((o) => o.value).join()) return;
  select.replaceChildren(
    ...options.map((o) => {
      const opt = document.createElement('option');
      opt.value = o.value;
      opt.textContent = o.label;
      if (o.title) opt.title = o.title;
      return opt;
    }),
  );
}

export const SPEED_OPTIONS = SPEEDS.map((s) => ({ value: String(s), label: `${s} step${s > 1 ? 's' : ''} / update` }));
