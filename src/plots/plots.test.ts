import { describe, expect, it } from 'vitest';
import { correlationHeatmapSpec } from './correlation-heatmap.js';
import { countVsMSpec, type CountRow } from './count-vs-m.js';
import { fourthNormSpec } from './fourth-norm.js';
import { renderSvg, svgToPng } from './render.js';
import { sparsificationSpec } from './sparsification.js';
import { logTicks } from './theme.js';

const countRows: CountRow[] = [
  { kind: 'instance', series: 'n=8', m: 8, value: 2, lo: null, hi: null },
  { kind: 'instance', series: 'n=8', m: 16, value: 0, lo: null, hi: null },
  { kind: 'mean', series: 'n=8', m: 8, value: 2, lo: 1, hi: 3 },
  { kind: 'mean', series: 'n=8', m: 16, value: 0.5, lo: 0, hi: 1 },
  { kind: 'n²/4m', series: 'n=8', m: 8, value: 2, lo: null, hi: null },
  { kind: 'n²/4m', series: 'n=8', m: 16, value: 1, lo: null, hi: null },
];

describe('chart specs render headless', () => {
  it('count vs m: log-log axes with their titles, zero counts left out', async () => {
    const spec = countVsMSpec(countRows, { title: 'Count title' });
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Count title');
    expect(svg).toContain('hidden neurons m (log scale)');
    expect(svg).toContain('polysemantic neurons per model (log)');
    const layers = spec.layer as Array<{ encoding: { x: { scale: { type: string } } } }>;
    expect(layers.every((l) => l.encoding.x.scale.type === 'log')).toBe(true);
    expect(JSON.stringify(spec)).toContain('datum.value > 0');
  });

  it('sparsification, fourth norm and heatmap', async () => {
    const a = await renderSvg(
      sparsificationSpec(
        [
          { quantity: '‖w‖₁', kind: 'simulation', t: 1, value: 80 },
          { quantity: '‖w‖₁', kind: 'theory', t: 1, value: 100 },
          { quantity: 'm′ (surviving weights)', kind: 'simulation', t: 1, value: 1000 },
          { quantity: 'm′ (surviving weights)', kind: 'theory', t: 10, value: 100 },
        ],
        { title: 'A title', tStar: 20, lambda: 0.1 },
      ),
    );
    expect(a).toContain('flow time t');
    expect(a).toContain('t* measured');
    const e = await renderSvg(fourthNormSpec([{ noise: 'bipolar', sigma: 'σ=0.1', step: 10, mean: 0.2, lo: 0.1, hi: 0.3 }], { title: 'E title' }));
    expect(e).toContain('training step (SGD updates, log scale)');
    const n = 4;
    const rows = Array.from({ length: n * n }, (_, k) => ({ i: Math.floor(k / n), j: k % n, c: k % (n + 1) === 0 ? 0.05 : 0.001 }));
    const d = await renderSvg(correlationHeatmapSpec(rows, { title: 'D title', n }));
    const cells = /class="mark-rect role-mark[^>]*>(.*?)<\/g>/.exec(d)?.[1] ?? '';
    expect(cells.match(/<path /g) ?? []).toHaveLength(n * n);
    expect(d).toContain('feature i: initial encoding');
    const png = svgToPng(d, 1);
    expect([...png.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]); // "PNG"
  });
});

it('logTicks lists 1-2-5 steps inside the range', () => {
  expect(logTicks(0.5, 60)).toEqual([0.5, 1, 2, 5, 10, 20, 50]);
  expect(logTicks(3, 3000, [1])).toEqual([10, 100, 1000]);
});

describe('measured-vs chart', () => {
  it('renders points with intervals and fitted lines, linear and log axes', async () => {
    const { measuredVsSpec } = await import('./measured-vs.js');
    const rows = [
      { series: 'a', kind: 'measured', x: 0.5, value: 0.4, lo: 0.3, hi: 0.5 },
      { series: 'a', kind: 'measured', x: 0.9, value: 0.2, lo: 0.1, hi: 0.3 },
      { series: 'a', kind: 'logistic fit', x: 0.5, value: 0.41, lo: null, hi: null },
      { series: 'a', kind: 'logistic fit', x: 0.9, value: 0.19, lo: null, hi: null },
    ];
    const svg = await renderSvg(measuredVsSpec(rows, { title: 'Rate title', xTitle: 'ratio r', yTitle: 'P(win)', yDomain: [0, 1] }));
    expect(svg).toContain('Rate title');
    expect(svg).toContain('ratio r');
    expect(svg).toContain('logistic fit');
    const logSvg = await renderSvg(measuredVsSpec(rows, { title: 'Log', xTitle: 'x', yTitle: 'y', xLog: true, yLog: true }));
    expect(logSvg.startsWith('<svg')).toBe(true);
  });
});
