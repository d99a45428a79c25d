/**
 * I's analysis on synthetic runs: per m each instance's polysemantic count is chosen
 * (features 2j, 2j+1 at ±1 on neuron j; every other weight 0), so the check, the mean count
 * at every m < n against the forced minimum min(m, n − m), is made to pass (4 and 4 at
 * m = 4, n = 8: forced 4) and made to fail (4 and 2: mean 3), and the answer's reading
 * follows. At m = 4 all neurons hold a pair, so no split has a spare neuron: every one is
 * necessary without retraining. The split test's retraining runs on the reference backend.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.js';
import { weightsWithPolysemantic } from '../../test-support/synthetic-runs.js';
import type { LoadRun } from '../types.js';
import { experimentI, type NecessaryParams } from './i-necessary.js';

const p: NecessaryParams = { n: 8, ms: [4, 8, 16], instances: 2, steps: 10, retrainSteps: 3 };

const loadCounts = (counts: (m: number) => number[]): LoadRun => (spec) => {
  const m = spec.config.nHidden;
  const W = weightsWithPolysemantic(counts(m), p.n, m);
  return { config: parseConfig({ ...spec.config, backend: 'reference' }), shape: [p.instances, p.n, m], W0: new Float32Array(W.length), W, snapshots: [], backend: 'synthetic', wallTimeSeconds: 0 };
};

describe('I: the forced minimum, from the runs', () => {
  it('4 and 4 polysemantic neurons at m = 4 < n = 8 (forced 4): pass; all 8 necessary', async () => {
    const a = await experimentI.analyze(p, loadCounts((m) => (m === 4 ? [4, 4] : [1, 1])), 'test');
    expect(a.checks.length).toBe(1);
    expect(a.checks[0].pass).toBe(true);
    expect(a.checks[0].measured).toBe('m=4: 4.00 vs 4');
    expect(a.answer).toContain('For m < n the count 4.00 [4.00, 4.00] at m/n = 1/2 reaches the forced minimum min(m, n − m) = 4; ');
    expect(a.answer).toContain('for m ≥ n it is 1.00 (n²/4m = 2.00), 1.00 (n²/4m = 1.00).');
    expect(a.answer).toContain('calls 100 % of 8 polysemantic neurons necessary for m < n');
    expect(a.answer).not.toContain('contradicting');
  });

  it('4 and 2 at m = 4 (mean 3 < 4): fail, read as features not all represented (75 % one-hot)', async () => {
    const a = await experimentI.analyze(p, loadCounts((m) => (m === 4 ? [4, 2] : [1, 1])), 'test');
    expect(a.checks[0].pass).toBe(false);
    expect(a.checks[0].measured).toBe('m=4: 3.00 vs 4');
    expect(a.answer).toContain('does not reach the forced minimum min(m, n − m) = 4 — contradicting our pigeonhole prediction');
    // features one-hot: 8 of 8 and 4 of 8; the share rule counts the same 4 and 2
    expect(a.answer).toContain('only 75 % of them end one-hot (the share rule, which needs no unit weights, counts 3.00 polysemantic neurons)');
  });
});
