/**
 * Headless rendering for the report: Vega-Lite spec → Vega → SVG string (vega's own SVG
 * renderer, no canvas or browser needed), SVG → PNG with resvg (a native binary shipped
 * inside its npm package). Node only; the spec builders next to this file stay pure.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { VegaLiteSpec } from './theme.js';

/** Renders a Vega-Lite spec to a standalone SVG document. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  // vega-lite's TopLevelSpec type is stricter than our plain-JSON specs; compile() validates at runtime
  const compiled = compile(spec as unknown as Parameters<typeof compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterizes an SVG at `scale` × its size (2 = crisp on high-DPI screens). */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
