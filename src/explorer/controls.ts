/**
 * The control panel, built from a list of specs: each names a state field, its label, a
 * one-line help text and its input kind. The training controls are derived from the core's
 * config table (src/core/config.ts: fields with an `explorer` entry; label, help, group and
 * limits come from there, dropdown options from the field's choices), so a new config field
 * appears here by adding one line to the table. A change is reported as (field, value); the
 * page validates it and may call `showError`.
 */
import { CONFIG_FIELDS, type ConfigField } from '../core/config.js';
import { NOISE_KINDS } from '../core/noise.js';
import { OPTIMIZERS } from '../core/optimizers.js';
import { NEURON_ORDERS, SPEEDS, TRAINING_KEYS, type ExplorerState } from './state.js';

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
  /** element id suffix (`ctl-<id>`): the URL key for config fields, else the state key */
  id?: string;
}

/** Tooltips for the options of registry-backed dropdowns. */
const OPTION_TITLES: Partial<Record<Key, (name: string) => string>> = {
  optimizer: (name) => OPTIMIZERS[name as keyof typeof OPTIMIZERS]?.summary ?? '',
  noise: (name) => NOISE_KINDS[name as keyof typeof NOISE_KINDS]?.summary ?? '',
};

/** The control of a config field, from its table entry. */
function configControl(key: (typeof TRAINING_KEYS)[number]): ControlSpec {
  const f = CONFIG_FIELDS[key] as ConfigField<unknown>;
  const e = f.explorer!;
  const base = { key, id: e.url, label: e.label, help: f.help };
  if (f.kind === 'boolean') return { ...base, kind: 'checkbox' };
  if (f.kind === 'choice') {
    const title = OPTION_TITLES[key];
    return { ...base, kind: 'select', options: (e.choices ?? f.choices!).map((name) => ({ value: name, label: name, title: title?.(name) })) };
  }
  return { ...base, kind: 'number', step: e.step ?? 'any', min: e.min };
}

const groupOf = (title: string): { title: string; specs: ControlSpec[] } => ({ title, specs: TRAINING_KEYS.filter((k) => CONFIG_FIELDS[k].explorer!.group === title).map(configControl) });

export const CONTROL_GROUPS: Array<{ title: string; specs: ControlSpec[] }> = [
  groupOf('Model'),
  groupOf('Data'),
  groupOf('Training'),
  {
    title: 'View',
    specs: <ControlSpec[]>[
      {
        key: 'instance',
        label: 'instance shown',
        help: 'which of the trained models the views show',
        kind: 'select',
        options: (s: ExplorerState) => Array.from({ length: Math.max(1, s.nInstances) }, (_, i) => ({ value: String(i), label: String(i) })),
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
].filter((g) => g.specs.length > 0);

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
    const id = `ctl-${spec.id ?? spec.key}`;
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
