/**
 * Number formatting for the report: typographic minus signs, confidence intervals,
 * powers of ten as superscripts (1e-5 → 10⁻⁵), short lists of sizes.
 */

/** Fixed digits with a typographic minus; 'n/a' for NaN and infinities. */
export const fmt = (v: number, digits = 2): string => (Number.isFinite(v) ? v.toFixed(digits).replace('-', '−') : 'n/a');

/** "−1.02 [−1.18, −0.86]" */
export function formatCI(value: number, ci: [number, number], digits = 2): string {
  return `${fmt(value, digits)} [${fmt(ci[0], digits)}, ${fmt(ci[1], digits)}]`;
}

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** 1e-5 → "10⁻⁵", 2e-3 → "2·10⁻³", 0.5 → "0.5", 100000 → "10⁵". */
export function sci(v: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v);
  const e = Math.floor(Math.log10(Math.abs(v)) + 1e-12);
  if (e >= -2 && e <= 3) return String(v);
  const mant = Number((v / 10 ** e).toPrecision(6));
  const pow = `10${String(e).split('').map((c) => SUPERSCRIPT[c]).join('')}`;
  return mant === 1 ? pow : `${mant}·${pow}`;
}

/** "{64, 128, 256}" or "{256, 512, 768, …, 4096}" for long lists. */
export function formatMs(ms: number[]): string {
  return ms.length <= 6 ? `{${ms.join(', ')}}` : `{${ms.slice(0, 3).join(', ')}, …, ${ms[ms.length - 1]}}`;
}
