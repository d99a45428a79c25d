/**
 * J's analysis on a synthetic source run: instances with 2, 0 and 1 polysemantic neurons
 * (features 2j, 2j+1 at ±1 on neuron j). Every one of the 3 is duplicated; at σ = 0 the
 * outputs are unchanged up to float32 rounding of 1/√2, so the check passes over 3
 * duplicated neurons, and identical copies never split. With no polysemantic neuron nothing
 * is duplicated and the check fails. The continued training runs on the reference backend.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.js';
import { weightsWithPolysemantic } from '../../test-support/synthetic-runs.js';
import type { LoadRun } from '../types.js';
import { experimentJ, J_OUTPUT_TOLERANCE, type DuplicationParams } from './j-duplication.js';

const p: DuplicationParams = { source: { n: 6, m: 6, instances: 3, steps: 10 }, sigmas: [0, 0.1], Ks: [5, 10], seed: 7 };

const loadCounts = (counts: number[]): { load: LoadRun; labels: string[] } => {
  const labels: string[] = [];
  const load: LoadRun = (spec) => {
    labels.push(spec.label);
    const config = parseConfig({ ...spec.config, backend: 'reference' });
    const W = weightsWithPolysemantic(counts, p.source.n, p.source.m);
    return { config, shape: [counts.length, p.source.n, p.source.m], W0: new Float32Array(W.length), W, snapshots: [], backend: 'synthetic', wallTimeSeconds: 0 };
  };
  return { load, labels };
};

describe('J: the check from the duplication of the source run', () => {
  it('3 polysemantic neurons duplicated, outputs kept to float32 rounding: pass; at σ = 0 none split', async () => {
    const { load, labels } = loadCounts([2, 0, 1]);
    const a = await experimentJ.analyze(p, load, 'test');
    expect(labels).toEqual(['J source n=6 m=6']);
    expect(a.checks.length).toBe(1);
    const c = a.checks[0];
    expect(c.pass).toBe(true);
    expect(c.measured).toMatch(/ over 3 duplicated neurons$/);
    const change = Number(/= (\S+) over/.exec(c.measured)![1]);
    expect(change).toBeGreaterThan(0); // 1/√2 is not exact in float32
    expect(change).toBeLessThanOrEqual(J_OUTPUT_TOLERANCE);
    expect(a.answer).toContain(`Duplicating a neuron preserved the model's outputs to ${change.toExponential(1)}`);
    // identical copies get identical updates: 0 of 3 split; Wilson upper end z²/(3 + z²) = 56 %
    expect(a.answer).toContain('Without noise none can split — 0 of 3 (0 %, 95 % CI 0–56 %) did after 10 steps');
    expect(a.answer).toContain('the best split rate after 10 steps was at σ = 0.1: ');
    // one figure row per (σ, K), each over the 3 duplicated neurons
    const rows = a.figures[0].rows;
    expect(rows.map((r) => [r.x, r.series, r.neurons])).toEqual([
      [0, 'K = 5 steps', 3], [0, 'K = 10 steps', 3], [0.1, 'K = 5 steps', 3], [0.1, 'K = 10 steps', 3],
    ]);
    expect(rows.filter((r) => r.x === 0).map((r) => r.value)).toEqual([0, 0]);
    // the table: at σ = 0 identical copies keep both features on the pair (still shared), none moves;
    // at every σ each of the 3 duplicated neurons is split, shared or moved
    const row = (q: string) => a.table.find((r) => r.quantity.startsWith(q))!.measured;
    expect(row('σ=0, K=10:')).toBe('0 of 3 = 0 % [0, 56]; 3; 0');
    const [split, shared, moved] = /^(\d+) of 3 = .*; (\d+); (\d+)$/.exec(row('σ=0.1, K=10:'))!.slice(1).map(Number);
    expect(split + shared + moved).toBe(3);
    expect(row('split after K=5 steps')).toMatch(/^σ=0: 0 %, σ=0\.1: \d+ %$/);
    expect(a.table.some((r) => r.quantity.startsWith('split after K=10'))).toBe(false); // the last K is in the rows above
  });

  it('no polysemantic neuron in the source run: nothing duplicated, the check fails', async () => {
    const { load } = loadCounts([0, 0, 0]);
    const a = await experimentJ.analyze(p, load, 'test');
    expect(a.checks[0].pass).toBe(false);
    expect(a.checks[0].measured).toMatch(/over 0 duplicated neurons$/);
    expect(a.answer).toBe('No neuron was polysemantic in the source runs at this scale, so nothing was duplicated.');
    expect(a.figures[0].rows).toEqual([]);
  });
});
