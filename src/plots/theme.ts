/**
 * Shared look of every chart: one Vega-Lite config (fonts that exist both in browsers and
 * for the headless PNG renderer, sizes readable in a report), and the spec type. Specs are
 * plain JSON objects, so the browser explorer can hand the same spec to vega-embed.
 */

/** A Vega-Lite v6 top-level spec as plain JSON (checked by compiling it in the tests). */
export type VegaLiteSpec = Record<string, unknown>;

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Font stack: DejaVu/Liberation ship with most Linux systems, which the PNG renderer uses. */
export const FONT = 'DejaVu Sans, Liberation Sans, Helvetica, Arial, sans-serif';

export const CONFIG = {
  font: FONT,
  background: 'white',
  padding: 8,
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', grid: true, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 260 },
  title: { fontSize: 14, fontWeight: 'bold', anchor: 'start', subtitleFontSize: 11, subtitleColor: '#555' },
  header: { labelFontSize: 12, titleFontSize: 12 },
  range: { category: ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'] },
};

/** Wraps layers/marks into a top-level spec with the shared config. */
export function topLevel(spec: Record<string, unknown>, title: string, subtitle?: string): VegaLiteSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: subtitle ? { text: title, subtitle } : title,
    config: CONFIG,
    ...spec,
  };
}

/** Powers of ten (and 2·, 5·) inside [lo, hi]: tick values for log axes that stay readable. */
export function logTicks(lo: number, hi: number, mantissas: readonly number[] = [1, 2, 5]): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const k of mantissas) {
      const v = k * 10 ** e;
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(Number(v.toPrecision(6)));
    }
  }
  return out;
}
