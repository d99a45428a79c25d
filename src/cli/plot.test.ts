/**
 * `incidental plot`: a figure from a run store, SVG or PNG by extension, option names as
 * well as column names, one-line errors for unknown columns and empty selections.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.js';
import { storePlotSpec } from '../plots/store-plot.js';
import { RunStore } from '../store/run-store.js';
import { runCapture } from './test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'incidental-plot-'));
const store = join(dir, 'runs.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  const s = RunStore.open(store);
  let k = 0;
  for (const m of [16, 32, 64, 128])
    for (const lambda of [1e-3, 1e-2])
      for (const seed of [0, 1, 2]) s.insert(`k${k++}`, 'finished', parseConfig({ nFeatures: 8, nHidden: m, lambda, seed, initScale: 0.5 + seed }), { polysemantic: (64 / m) * (1 + seed / 10) });
  s.insert('diverged', 'diverged', parseConfig({ nFeatures: 8, nHidden: 999 }), { polysemantic: null });
  s.close();
});

describe('incidental plot', () => {
  it('draws polysemantic against m by lambda as SVG: runs, means, error bars, log m axis', async () => {
    const out = join(dir, 'fig.svg');
    const r = await runCapture(['plot', store, '--x', 'm', '--y', 'polysemantic', '--color', 'lambda', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`wrote ${out} (24 runs)\n`);
    const svg = readFileSync(out, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['polysemantic against m by lambda', 'm (log scale)', '0.001', '0.01']) expect(svg).toContain(text);
    expect(svg).toContain('m (log scale): 128;');
    expect(svg).not.toContain('m (log scale): 999;'); // the diverged run is left out by default
  });

  it('PNG by extension; option names work as column names', async () => {
    const out = join(dir, 'fig.png');
    const r = await runCapture(['plot', store, '--x', 'init-scale', '--y', 'polysemantic', '--out', out]);
    expect(r.code).toBe(0);
    expect([...readFileSync(out).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('one-line errors: unknown column, empty selection, bad extension', async () => {
    const bad = await runCapture(['plot', store, '--x', 'mm', '--y', 'polysemantic', '--out', join(dir, 'x.svg')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^incidental: invalid --x: "mm" is not a column of .*runs\.db; choose among key, status, .*\n$/);
    const none = await runCapture(['plot', store, '--x', 'm', '--y', 'polysemantic', '--where', 'm > 1000', '--out', join(dir, 'y.svg')]);
    expect(none.stderr).toBe(`incidental: nothing to plot: no runs in ${store} match --where "m > 1000"\n`);
    const ext = await runCapture(['plot', store, '--x', 'm', '--y', 'polysemantic', '--out', join(dir, 'z.pdf')]);
    expect(ext.stderr).toMatch(/invalid --out: .*z\.pdf must end in \.svg or \.png/);
    expect(existsSync(join(dir, 'y.svg'))).toBe(false);
  });

  it('the spec aggregates mean and standard deviation per x and colour', () => {
    const spec = storePlotSpec([{ x: 1, y: 2, color: 'a' }, { x: 1, y: 4, color: 'a' }], { x: 'm', y: 'p', color: 'c' });
    const layers = spec.layer as Array<{ mark: { type: string; extent?: string }; encoding: { y: { aggregate?: string } } }>;
    expect(layers.map((l) => l.mark.type)).toEqual(['point', 'errorbar', 'line']);
    expect(layers[1].mark.extent).toBe('stdev');
    expect(layers[2].encoding.y.aggregate).toBe('mean');
  });
});
