/**
 * The report as one self-contained HTML string: inline CSS, figures as data: URIs, no
 * script and no network access, so it opens from disk and can be mailed or archived.
 * Pure string building (no I/O), so it is testable and could run in a browser too.
 */
import { setAsideLine } from '../jobs/backend-keys.js';
import type { ExperimentResult } from './types.js';
import type { Provenance } from './runner.js';

export interface ReportModel {
  experiments: ExperimentResult[];
  provenance: Provenance;
}

export interface FigureAsset {
  /** what is inlined into the HTML */
  inline: { mime: 'image/svg+xml' | 'image/png'; base64: string };
  /** files next to the report, relative to it */
  files: string[];
}

const PAPER = 'Lecomte, Thaman, Schaeffer, Bashkansky, Chow, Koyejo: “What Causes Polysemanticity? An Alternative Origin Story of Mixed Selectivity from Incidental Causes”, arXiv 2312.03096';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `
body { font: 15px/1.5 -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; margin: 0; background: #fafafa; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 60px; background: white; }
h1 { font-size: 26px; margin: 0 0 6px; } h2 { font-size: 20px; margin-top: 40px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 22px 0 6px; }
.lead { color: #555; margin: 4px 0; } .small { font-size: 13px; color: #555; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; margin: 8px 0 14px; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; font-weight: 600; } tr.group td { background: #f7f7fb; font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.pass { color: #176c2e; font-weight: 700; } .fail { color: #b1231b; font-weight: 700; }
.verdict { font-size: 17px; margin: 12px 0; padding: 10px 14px; border-radius: 6px; background: #f1f7f2; border: 1px solid #cfe5d3; }
.verdict.bad { background: #fbf1f0; border-color: #efcdc9; }
figure { margin: 18px 0 26px; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 14px; color: #333; max-width: 900px; } .files { display: block; font-size: 12.5px; color: #666; margin-top: 4px; }
nav a { margin-right: 12px; } code { font-size: 13px; background: #f4f4f4; padding: 1px 4px; border-radius: 3px; }
.params { font-size: 14px; } .params dt { font-weight: 600; } .params dd { margin: 0 0 6px 18px; }
ul.notes { font-size: 14px; color: #444; }
.answer { background: #f4f7fb; border-left: 4px solid #1f77b4; padding: 8px 12px; }
section.part h1 { margin-top: 56px; border-bottom: 2px solid #333; }
`;

export function buildReportHtml(model: ReportModel, assets: ReadonlyMap<string, FigureAsset>): string {
  const { experiments, provenance: p } = model;
  const checks = experiments.flatMap((e) => e.checks);
  const passed = checks.filter((c) => c.pass).length;
  const e = escapeHtml;
  const parts: string[] = [];
  parts.push(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>incidental reproduce: ${e(p.scale)} scale</title><style>${CSS}</style></head><body><main>
<header>
<h1>Incidental polysemanticity: the paper's experiments, reproduced</h1>
<p class="lead">${e(PAPER)}.</p>
<p class="lead">Scale <strong>${e(p.scale)}</strong>${p.scale === 'paper' ? ' (the published parameters)' : p.scale === 'quick' ? ' (scaled down to run in minutes; each section says what changed)' : ' (test scale: numbers are meaningless)'}; experiments ${e(p.experiments.join(', '))};
generated ${e(p.startedAt)} by incidental ${e(p.version)} in ${fmtSeconds(p.wallTimeSeconds)}.</p>
<nav>${['checks', 'table', ...experiments.map((x) => `exp-${x.id}`), 'provenance'].map((id) => `<a href="#${id}">${id.startsWith('exp-') ? id.slice(4) : id}</a>`).join('')}</nav>
</header>`);

  parts.push(`<section id="checks"><h2>Acceptance checks</h2>`);
  if (checks.length) {
    parts.push(`<p class="verdict${passed === checks.length ? '' : ' bad'}">${passed} of ${checks.length} checks pass.</p>`);
    parts.push(`<table id="checks-table"><thead><tr><th>check</th><th>criterion</th><th>measured</th><th>outcome</th></tr></thead><tbody>`);
    for (const c of checks) {
      parts.push(`<tr><td>${e(c.name)}</td><td>${e(c.criterion)}</td><td>${e(c.measured)}</td><td class="${c.pass ? 'pass' : 'fail'}">${c.pass ? 'PASS' : 'FAIL'}</td></tr>`);
    }
    parts.push(`</tbody></table>`);
  } else {
    parts.push(`<p id="checks-table">The chosen experiments have no acceptance checks (they are in A, B, E and G–L).</p>`);
  }
  parts.push(`<p class="small">These are checks of the science, not tuned numbers: parameters and seeds are fixed in the experiment registry in advance and were never changed to make a check pass.</p></section>`);

  parts.push(`<section id="table"><h2>Measured vs predicted vs published</h2>
<table id="results-table"><thead><tr><th>quantity</th><th>measured</th><th>predicted (theory)</th><th>published (paper)</th></tr></thead><tbody>`);
  for (const x of experiments) {
    parts.push(`<tr class="group"><td colspan="4">${e(x.id)}: ${e(x.title)}</td></tr>`);
    for (const r of x.table) {
      parts.push(`<tr><td>${e(r.quantity)}</td><td class="num">${e(r.measured)}</td><td>${e(r.predicted)}</td><td>${e(r.published)}</td></tr>`);
    }
  }
  parts.push(`</tbody></table><p class="small">“Published” values are the paper's (SCIENCE.md §6); they apply at paper scale, so most are “—” where this scale uses other sizes.</p></section>`);

  let beyondOpened = false;
  for (const x of experiments) {
    if (x.part === 'beyond' && !beyondOpened) {
      beyondOpened = true;
      parts.push(`<section id="beyond" class="part"><h1>Beyond the paper</h1><p class="lead">The questions the paper leaves open (SCIENCE.md §7), each answered by a measurement ` +
        `that can be rerun and extended: the question, a figure, the answer in one paragraph with its uncertainty, and a check where a prediction exists.</p></section>`);
    }
    parts.push(`<section id="exp-${e(x.id)}"><h2>${e(x.id)}. ${e(x.title)}</h2><p>${e(x.claim)}</p><dl class="params">
<dt>Parameters used</dt><dd>${e(x.parameters)}</dd>`);
    if (p.scale !== 'paper') parts.push(`<dt>Paper's parameters</dt><dd>${e(x.paperParameters)}</dd><dt>What this scale changes</dt><dd>${e(x.scaleNote || '—')}</dd>`);
    parts.push(`</dl>`);
    for (const f of x.figures) {
      const a = assets.get(f.id);
      parts.push(`<figure id="fig-${e(f.id)}" data-figure="${e(f.id)}">`);
      if (a) parts.push(`<img alt="${e(f.title)}" src="data:${a.inline.mime};base64,${a.inline.base64}">`);
      parts.push(`<figcaption><strong>${e(f.title)}.</strong> ${e(f.caption)}`);
      if (a) parts.push(`<span class="files">Files: ${a.files.map((file) => `<a href="${e(file)}">${e(file.split('/').pop()!)}</a>`).join(' · ')}</span>`);
      parts.push(`</figcaption></figure>`);
    }
    if (x.answer) parts.push(`<p class="answer" id="answer-${e(x.id)}"><strong>Answer.</strong> ${e(x.answer)}</p>`);
    if (x.notes.length) parts.push(`<ul class="notes">${x.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>`);
    parts.push(`</section>`);
  }

  parts.push(`<section id="provenance"><h2>Provenance</h2><table id="provenance-table"><tbody>
<tr><th>tool</th><td>incidental ${e(p.version)}</td></tr>
<tr><th>command</th><td><code>${e(p.command)}</code></td></tr>
<tr><th>scale / experiments</th><td>${e(p.scale)} / ${e(p.experiments.join(', '))}</td></tr>
<tr><th>started</th><td>${e(p.startedAt)}</td></tr>
<tr><th>wall time</th><td>${fmtSeconds(p.wallTimeSeconds)} in all, ${fmtSeconds(p.trainingSeconds)} training</td></tr>
<tr><th>machine</th><td>${e(p.cpu)}, ${p.cores} cores, ${e(p.platform)}, Node ${e(p.node)}</td></tr>
<tr><th>parallelism</th><td>${e(p.scheduler)}; backend threads per run: ${p.threadsPerRun === 0 ? 'automatic' : p.threadsPerRun}</td></tr>
</tbody></table>
<h3>Runs</h3><p class="small">Every training run, cached under <code>runs/&lt;key&gt;/</code> (config.json holds its full config; W0.npy, W.npy, metrics.jsonl, summary.json). Runs with the same config are shared between experiments. Seeds are fixed in the experiment registry: count grids (B, C, D, F) use seed 2²⁵·part + 2¹⁶·n + m so that no two runs start from related draws, E uses seed 8 and A seeds 0–15; the experiments beyond the paper use fixed seeds from 11 011 (K), 11 012 (L), 11 013 (J's noise), 11 014 (G), 11 015 + m (H), and I the count grids' rule.</p>
<table id="runs-table"><thead><tr><th>run</th><th>key</th><th>experiments</th><th>n</th><th>m</th><th>instances</th><th>steps</th><th>seed</th><th>backend</th><th>wall time</th><th>this call</th></tr></thead><tbody>`);
  for (const r of p.runs) {
    parts.push(
      `<tr><td>${e(r.labels[0])}</td><td><code>${e(r.key)}</code></td><td>${e(r.experiments.join(', '))}</td><td class="num">${r.nFeatures}</td><td class="num">${r.nHidden}</td>` +
        `<td class="num">${r.nInstances}</td><td class="num">${r.steps}</td><td class="num">${r.seed}</td><td>${e(r.backend)}</td><td class="num">${fmtSeconds(r.wallTimeSeconds)}</td><td>${r.cached ? 'cached' : 'trained'}</td></tr>`,
    );
  }
  parts.push(`</tbody></table>`);
  if (p.setAside?.length) parts.push(`<p class="small" id="set-aside">${e(setAsideLine(p.setAside, 'runs/'))}</p>`);
  parts.push(`</section></main></body></html>\n`);
  return parts.join('\n');
}

export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return '—';
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - 60 * m)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
