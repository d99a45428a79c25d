/**
 * The one hover box every view shares: exact values under the pointer. Views call
 * `show(event, lines)` on pointer move and `hide()` on leave.
 */
export class Tooltip {
  readonly element: HTMLDivElement;

  constructor(parent: HTMLElement = document.body) {
    this.element = document.createElement('div');
    this.element.className = 'tooltip';
    this.element.setAttribute('role', 'tooltip');
    this.element.hidden = true;
    parent.appendChild(this.element);
  }

  /** Shows lines of text (the first in bold) next to the pointer. */
  show(event: { clientX: number; clientY: number }, lines: string[]): void {
    const el = this.element;
    el.replaceChildren(
      ...lines.map((line, i) => {
        const div = document.createElement('div');
        if (i === 0) div.className = 'tooltip-title';
        div.textContent = line;
        return div;
      }),
    );
    el.hidden = false;
    const pad = 14;
    const { innerWidth, innerHeight } = window;
    const rect = el.getBoundingClientRect();
    const x = event.clientX + pad + rect.width > innerWidth ? event.clientX - pad - rect.width : event.clientX + pad;
    const y = event.clientY + pad + rect.height > innerHeight ? event.clientY - pad - rect.height : event.clientY + pad;
    el.style.left = `${Math.max(0, x)}px`;
    el.style.top = `${Math.max(0, y)}px`;
  }

  hide(): void {
    this.element.hidden = true;
  }
}

/** Formats a weight with its sign, e.g. +0.9812 / −0.0031. */
export function fmtWeight(w: number): string {
  return (w < 0 ? '−' : '+') + Math.abs(w).toFixed(4);
}

/** Compact number for readouts: 3 significant digits, scientific for tiny or huge values. */
export function fmtNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (Number.isInteger(x) && a < 1e5) return String(x).replace(/-/g, '−');
  const text = a < 1e-3 || a >= 1e5 ? x.toExponential(2) : a < 100 ? x.toPrecision(3) : x.toFixed(0);
  return text.replace(/-/g, '−');
}
