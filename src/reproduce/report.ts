/**
 * Writes the report of a reproduce call into OUT:
 *   report.html                 self-contained (figures inlined as data: URIs, inline CSS)
 *   results.json                tables, checks, provenance
 *   figures/<id>.svg, .png      each figure
 *   figures/<id>.json, .csv     the data behind it (flat rows)
 *   figures/<id>.vl.json        its Vega-Lite spec (reusable in the explorer)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/run-dir.js';
import { renderSvg, svgToPng } from '../plots/render.js';
import { toCsv } from './csv.js';
import { buildReportHtml, type FigureAsset, type ReportModel } from './report-html.js';

/** Figures whose SVG is larger than this are inlined as PNG (a 256×256 heatmap is ~10 MB of SVG). */
const MAX_INLINE_SVG = 1_500_000;

export async function writeReport(out: string, model: ReportModel, o: { png: boolean; finalize?: () => void }): Promise<string> {
  const figDir = join(out, 'figures');
  mkdirSync(figDir, { recursive: true });
  const assets = new Map<string, FigureAsset>();
  for (const exp of model.experiments) {
    for (const fig of exp.figures) {
      const svg = await renderSvg(fig.spec);
      const base = join(figDir, fig.id);
      writeFileAtomic(`${base}.svg`, svg);
      writeFileAtomic(`${base}.json`, JSON.stringify(fig.rows) + '\n');
      writeFileAtomic(`${base}.csv`, toCsv(fig.rows));
      writeFileAtomic(`${base}.vl.json`, JSON.stringify(fig.spec, null, 1) + '\n');
      let png: Uint8Array | null = null;
      if (o.png || svg.length > MAX_INLINE_SVG) png = svgToPng(svg);
      if (png && o.png) writeFileAtomic(`${base}.png`, png);
      assets.set(fig.id, {
        inline: svg.length > MAX_INLINE_SVG && png ? { mime: 'image/png', base64: Buffer.from(png).toString('base64') } : { mime: 'image/svg+xml', base64: Buffer.from(svg).toString('base64') },
        files: [`${fig.id}.svg`, ...(o.png ? [`${fig.id}.png`] : []), `${fig.id}.json`, `${fig.id}.csv`, `${fig.id}.vl.json`].map((f) => `figures/${f}`),
      });
    }
  }
  o.finalize?.();
  const results = {
    experiments: model.experiments.map(({ figures, ...rest }) => ({ ...rest, figures: figures.map((f) => ({ id: f.id, title: f.title, caption: f.caption, files: assets.get(f.id)?.files })) })),
    checks: model.experiments.flatMap((e) => e.checks),
    provenance: model.provenance,
  };
  writeFileAtomic(join(out, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  const path = join(out, 'report.html');
  writeFileAtomic(path, buildReportHtml(model, assets));
  return path;
}
