/**
 * End to end at the `test` scale (seconds): every experiment, the report with every figure
 * and table, the files next to it; then an interrupted call and its resume.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXPERIMENTS } from './registry.js';
import { reproduce, ReproduceInterrupted } from './runner.js';
import { EXPERIMENT_IDS } from './types.js';

const dirs: string[] = [];
const tempOut = () => {
  const d = mkdtempSync(join(tmpdir(), 'incidental-reproduce-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const FIGURES = ['A-sparsification', 'B-count-vs-m', 'C-lambda', 'D-correlation', 'E-noise', 'F-small-n', 'G-cooccurrence', 'H-count-vs-m', 'H-fourth-norm', 'H-l1-norm', 'I-necessary-vs-incidental', 'J-duplication', 'K-race', 'L-slow-regularization'];

describe('reproduce --scale test', () => {
  it('writes a self-contained report with every figure, table and check', async () => {
    const out = tempOut();
    const result = await reproduce({ out, scale: 'test', workers: 0 });
    expect(result.experiments.map((e) => e.id)).toEqual([...EXPERIMENT_IDS]);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const id of FIGURES) {
      expect(html).toContain(`data-figure="${id}"`);
      for (const ext of ['svg', 'png', 'json', 'csv', 'vl.json']) expect(existsSync(join(out, 'figures', `${id}.${ext}`)), `${id}.${ext}`).toBe(true);
    }
    const figureIds = result.experiments.flatMap((e) => e.figures.map((f) => f.id));
    expect(figureIds.sort()).toEqual([...FIGURES].sort());
    for (const table of ['checks-table', 'results-table', 'provenance-table', 'runs-table']) expect(html).toContain(`id="${table}"`);
    // every table row of every experiment and every check outcome is in the HTML
    const checks = result.experiments.flatMap((e) => e.checks);
    expect(checks.map((c) => c.name)).toEqual([
      'A: ‖w‖₁ follows the prediction (median of 16 seeds)',
      'B: log-log slope',
      'B: counts vs n²/4m',
      'E: bipolar σ=0.15 sparsifies',
      'E: Gaussian noise does not',
      'G: the p → 0 end recovers the one-hot count',
      'H: the L1 reference keeps the n²/4m law',
      'I: with m < n the count reaches the forced minimum',
      'J: duplication at σ = 0 leaves every output unchanged',
      'K: the simulation agrees with training where both apply',
      'L: with AdamW, λ does not matter down to 10⁻⁴ (paper)',
    ]);
    // the second part: every "beyond" experiment after its heading, with an answer paragraph
    const beyond = result.experiments.filter((e) => e.part === 'beyond');
    expect(beyond.map((e) => e.id)).toEqual(['G', 'H', 'I', 'J', 'K', 'L']);
    expect(html.indexOf('<h1>Beyond the paper</h1>')).toBeGreaterThan(html.indexOf('id="exp-F"'));
    for (const e of beyond) {
      expect(e.answer, e.id).toMatch(/\d/);
      expect(e.answer, `${e.id}: a number with its uncertainty`).toMatch(/\d \[[^\]]+, [^\]]+\]|\d ± \d|95 % CI \d/);
      expect(html.indexOf(`id="answer-${e.id}"`)).toBeGreaterThan(html.indexOf('<h1>Beyond the paper</h1>'));
    }
    const passFail = html.match(/<td class="(pass|fail)">(PASS|FAIL)<\/td>/g) ?? [];
    expect(passFail).toHaveLength(checks.length);
    for (const e of result.experiments) for (const row of e.table) expect(html).toContain(escape(row.quantity));
    // self-contained: figures inline as data: URIs, no scripts, no network references
    expect((html.match(/<img [^>]*src="data:image\/(svg\+xml|png);base64,/g) ?? []).length).toBe(FIGURES.length);
    expect(html).not.toMatch(/<script|<link |src="http|url\(http/);
    // provenance
    expect(html).toContain('incidental 0.1.0');
    expect(result.provenance.runs.length).toBeGreaterThan(0);
    expect(result.provenance.runs.every((r) => ['native', 'wasm', 'reference'].includes(r.backend))).toBe(true);
    // the data files hold the rows behind the figure
    const rows = JSON.parse(readFileSync(join(out, 'figures', 'B-count-vs-m.json'), 'utf8')) as Array<{ kind: string }>;
    expect(rows.some((r) => r.kind === 'mean') && rows.some((r) => r.kind === 'n²/4m')).toBe(true);
    const csv = readFileSync(join(out, 'figures', 'B-count-vs-m.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(rows.length + 1);
    const png = readFileSync(join(out, 'figures', 'E-noise.png'));
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('resumes after an interruption, reusing every finished run', async () => {
    const out = tempOut();
    const controller = new AbortController();
    let finished = 0;
    const first = reproduce({
      out,
      scale: 'test',
      only: ['B', 'C'],
      workers: 0,
      png: false,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.message.startsWith('finished')) finished++;
        // stop in the middle of the fourth run, so a run in progress is lost
        if (finished === 3 && p.active.some((a) => a.step > 0 && a.step < a.steps)) controller.abort();
      },
    });
    await expect(first).rejects.toBeInstanceOf(ReproduceInterrupted);
    await expect(first).rejects.toThrow(/3 of 9 runs are finished and cached/);
    const runs = readdirSync(join(out, 'runs'));
    expect(runs).toHaveLength(3); // the run in progress left no partial directory behind
    const mtimes = new Map(runs.map((r) => [r, statSync(join(out, 'runs', r, 'summary.json')).mtimeMs]));

    const second = await reproduce({ out, scale: 'test', only: ['B', 'C'], workers: 0, png: false });
    const cached = second.provenance.runs.filter((r) => r.cached);
    expect(cached.map((r) => r.key).sort()).toEqual([...runs].sort());
    expect(second.provenance.runs.filter((r) => !r.cached)).toHaveLength(6);
    for (const [r, t] of mtimes) expect(statSync(join(out, 'runs', r, 'summary.json')).mtimeMs).toBe(t);

    // a third call trains nothing; --fresh retrains everything
    const third = await reproduce({ out, scale: 'test', only: ['B'], workers: 0, png: false });
    expect(third.provenance.runs.every((r) => r.cached)).toBe(true);

    // damaged cached runs (invalid config.json, W.npy a directory) are retrained, not a stack trace
    const [hurtConfig, hurtWeights] = third.provenance.runs.map((r) => join(out, 'runs', r.key));
    writeFileSync(join(hurtConfig, 'config.json'), '{"config": ');
    rmSync(join(hurtWeights, 'W.npy'));
    mkdirSync(join(hurtWeights, 'W.npy'));
    const repaired = await reproduce({ out, scale: 'test', only: ['B'], workers: 0, png: false });
    expect(repaired.provenance.runs.filter((r) => !r.cached).map((r) => join(out, 'runs', r.key)).sort()).toEqual([hurtConfig, hurtWeights].sort());
    expect(JSON.parse(readFileSync(join(hurtConfig, 'config.json'), 'utf8')).config.nFeatures).toBeGreaterThan(0);
    expect(statSync(join(hurtWeights, 'W.npy')).isFile()).toBe(true);
    const fresh = await reproduce({ out, scale: 'test', only: ['B'], workers: 0, png: false, fresh: true });
    expect(fresh.provenance.runs.every((r) => !r.cached)).toBe(true);
  });
});

describe('registry', () => {
  it('paper scale uses the published parameters', () => {
    const b = EXPERIMENTS.B.params.paper;
    expect(b).toMatchObject({ n: 256, instances: 16, steps: 7500 });
    expect(b.ms).toEqual(Array.from({ length: 16 }, (_, k) => 256 * (k + 1)));
    const config = EXPERIMENTS.B.runs(b)[0].config;
    expect(config).toMatchObject({ optimizer: 'adamw', lr: 1e-3, weightDecay: 0.01, lambda: 1e-3, nFeatures: 256 });
    expect(EXPERIMENTS.A.params.paper).toEqual({ m: 100_000, lambda: 1e-5, step: 0.5, initScale: 0.9, seed: 0 });
    const e = EXPERIMENTS.E.runs(EXPERIMENTS.E.params.paper);
    expect(e).toHaveLength(6);
    for (const { config: c } of e) expect(c).toMatchObject({ nFeatures: 8, nHidden: 16, nInstances: 5, lambda: 0, optimizer: 'sgd', lr: 0.02, steps: 100_000 });
    expect(EXPERIMENTS.F.params.paper).toMatchObject({ ns: [32, 64], steps: 10_000 });
  });
});

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

describe('reproduce: damaged stored runs', () => {
  it('retrains a stored run whose directory is damaged, whatever file is broken', async () => {
    const out = tempOut();
    const first = await reproduce({ out, scale: 'test', only: ['E'], workers: 0, png: false });
    const keys = first.provenance.runs.map((r) => r.key);
    const damage: Array<(dir: string) => void> = [
      (d) => writeFileSync(join(d, 'config.json'), '{"config": '),
      (d) => writeFileSync(join(d, 'summary.json'), '{'),
      (d) => writeFileSync(join(d, 'metrics.jsonl'), '{"step": 0, "loss": [1]}\nnot json\n'),
      (d) => writeFileSync(join(d, 'W.npy'), readFileSync(join(d, 'W.npy')).subarray(0, 100)),
      (d) => (rmSync(join(d, 'W.npy')), mkdirSync(join(d, 'W.npy'))),
    ];
    damage.forEach((hurt, i) => hurt(join(out, 'runs', keys[i % keys.length])));
    const hurtKeys = new Set(damage.map((_, i) => keys[i % keys.length]));
    const second = await reproduce({ out, scale: 'test', only: ['E'], workers: 0, png: false });
    for (const r of second.provenance.runs) expect(r.cached, r.key).toBe(!hurtKeys.has(r.key));
    expect(second.experiments[0].checks.length).toBeGreaterThan(0);
  });
});
