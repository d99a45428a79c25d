/**
 * H's analysis on synthetic runs (no training): per mechanism and m each instance's
 * polysemantic count is chosen (features 2j, 2j+1 at ±1 on neuron j), and the snapshots of
 * the m = 2n runs carry chosen fourth norms with ‖W_i‖² = 1, so the check (the L1
 * reference's log-log slope in [−1.3, −0.7]) is made to pass (counts 4, 2, 1 at m = 4, 8,
 * 16: slope −1 exactly) and made to fail (flat counts: slope 0), and the answer's reading of
 * which mechanism sparsifies and which follows n²/m is checked against the inputs.
 */
import { describe, expect, it } from 'vitest';
import { snapshot, weightsWithPolysemantic } from '../../test-support/synthetic-runs.js';
import type { ExperimentAnalysis, LoadRun } from '../types.js';
import { experimentH, type MechanismParams } from './h-mechanisms.js';

const p: MechanismParams = { n: 8, ms: [4, 8, 16], instances: 2, steps: 10, noiseSteps: 20, noiseStd: 0.15 };
const LABELS = { l1: 'L1 (reference)', relu: 'hidden ReLU, no L1', layernorm: 'LayerNorm, no L1', noise: 'bipolar noise, no L1' } as const;
type Mech = keyof typeof LABELS;

function analyze(counts: Record<Mech, (m: number) => number[]>, finalFourth: Record<Mech, number>, q: MechanismParams = p, normSq: Partial<Record<Mech, number>> = {}): ExperimentAnalysis {
  const load: LoadRun = (spec) => {
    const mech = (Object.keys(LABELS) as Mech[]).find((k) => spec.label === `H ${LABELS[k]} m=${spec.config.nHidden}`);
    if (!mech) throw new Error(`unexpected run ${spec.label}`);
    const m = spec.config.nHidden;
    const W = weightsWithPolysemantic(counts[mech](m), q.n, m);
    const same = (v: number) => Array.from({ length: q.instances }, () => v);
    const snap = (step: number, f: number) => ({ ...snapshot(step, same(f)), normSq: same(normSq[mech] ?? 1), l1: same(3) });
    return { config: spec.config, shape: [q.instances, q.n, m], W0: new Float32Array(W.length), W, snapshots: [snap(0, 0.1), snap(5, 0.3), snap(10, finalFourth[mech])], backend: 'synthetic', wallTimeSeconds: 0 };
  };
  const a = experimentH.analyze(q, load, 'test');
  if (a instanceof Promise) throw new Error('H analyzes synchronously');
  return a;
}

const lawful = (m: number) => [16 / m, 16 / m];
const flat = () => [2, 2];
const none = () => [0, 0];

describe('H: the L1 reference slope, from the runs', () => {
  it('L1 counts 4, 2, 1 (slope −1): pass; the answer names which mechanisms sparsify and which follow n²/m', () => {
    const a = analyze({ l1: lawful, relu: (m) => (m === 4 ? [1, 3] : [2, 2]), layernorm: none, noise: none }, { l1: 0.95, relu: 0.9, layernorm: 0.2, noise: 0.8 });
    expect(a.checks.length).toBe(1);
    expect(a.checks[0].pass).toBe(true);
    expect(a.checks[0].measured).toBe('log-log slope −1.00 [−1.00, −1.00]');
    expect(a.answer).toContain(
      'At m = 16: L1 (reference): scale-free fourth norm Σ_k W_ik⁴/‖W_i‖⁴ 0.10 → 0.95 (sparse); hidden ReLU, no L1: scale-free fourth norm Σ_k W_ik⁴/‖W_i‖⁴ 0.10 → 0.90 (sparse); ' +
        'LayerNorm, no L1: scale-free fourth norm Σ_k W_ik⁴/‖W_i‖⁴ 0.10 → 0.20 (not sparse); bipolar noise, no L1: scale-free fourth norm Σ_k W_ik⁴/‖W_i‖⁴ 0.10 → 0.80 (sparse).',
    );
    expect(a.answer).toContain('Without L1, hidden ReLU, no L1 and bipolar noise, no L1 sparsify the encodings (scale-free fourth norm above 0.5), while LayerNorm, no L1 does not.');
    expect(a.answer).toContain('hidden ReLU, no L1: not −1; LayerNorm, no L1: no fit; bipolar noise, no L1: no fit.');
    // half-widths: t₀.₉₇₅(1) · sd / √2 = 12.706 · √2 / √2 for counts 1, 3; 0 for equal counts
    expect(a.answer).toContain('L1 gives 4.00 ± 0.00, 2.00 ± 0.00, 1.00 ± 0.00 polysemantic neurons');
    expect(a.answer).toContain('for m = 4, 8, 16 against n²/4m = 4.00, 2.00, 1.00; hidden ReLU, no L1 2.00 ± 12.71, 2.00 ± 0.00, 2.00 ± 0.00;');
    expect(a.answer).toContain('sparsifying is not enough: bipolar noise, no L1 makes encodings sparse yet leaves (almost) no polysemantic neuron');
  });

  it('flat L1 counts (slope 0): fail; a mechanism with a slope −1 fit reads as consistent with −1; none sparse reads as none', () => {
    const a = analyze({ l1: flat, relu: lawful, layernorm: flat, noise: flat }, { l1: 0.95, relu: 0.4, layernorm: 0.2, noise: 0.5 });
    expect(a.checks[0].pass).toBe(false);
    expect(a.checks[0].measured).toBe('log-log slope 0.00 [0.00, 0.00]');
    expect(a.answer).toContain('None of the three mechanisms sparsifies without L1 at these settings');
    expect(a.answer).toContain('hidden ReLU, no L1: consistent with −1; LayerNorm, no L1: not −1; bipolar noise, no L1: not −1.');
    expect(a.answer).toContain('Only the L1 reference follows the n²/m law here.');
  });

  it('one sparsifying mechanism is named alone; no L1 fit (zero counts) fails the check', () => {
    const a = analyze({ l1: none, relu: flat, layernorm: flat, noise: flat }, { l1: 0.95, relu: 0.6, layernorm: 0.2, noise: 0.3 });
    expect(a.checks[0].pass).toBe(false);
    expect(a.checks[0].measured).toBe('no fit (fewer than 2 positive mean counts)');
    expect(a.answer).toContain('Without L1, hidden ReLU, no L1 sparsifies the encodings (scale-free fourth norm above 0.5), while LayerNorm, no L1 and bipolar noise, no L1 do not.');
    expect(a.answer).toMatch(/Only the L1 reference follows the n²\/m law here\.$/); // ReLU is sparse but polysemantic (mean 2 at every m)
  });

  it('the fourth-norm and ‖W_i‖₁ figures use the m = 2n runs, leaving out step 0', () => {
    const a = analyze({ l1: lawful, relu: flat, layernorm: flat, noise: flat }, { l1: 0.95, relu: 0.6, layernorm: 0.2, noise: 0.3 });
    const fourth = a.figures[1].rows.filter((r) => r.series === 'L1 (reference)');
    expect(fourth.map((r) => [r.x, r.value, r.kind])).toEqual([[5, 0.3, 'mean over instances'], [10, 0.95, 'mean over instances']]);
    const l1 = a.figures[2].rows.filter((r) => r.series === 'L1 (reference)');
    expect(l1.map((r) => [r.x, r.value, r.kind])).toEqual([[5, 3, 'mean over instances'], [10, 3, 'mean over instances']]);
  });
});

describe('H: the count figure, the runs and the edges of the answer', () => {
  it('the count figure: each mechanism and m with its interval (floored at 0), n²/4m at both ends, the legend titled by mechanism', () => {
    const a = analyze({ l1: lawful, relu: (m) => (m === 4 ? [1, 3] : [2, 2]), layernorm: none, noise: none }, { l1: 0.95, relu: 0.9, layernorm: 0.2, noise: 0.8 });
    const relu = a.figures[0].rows.filter((r) => r.series === 'hidden ReLU, no L1');
    expect(relu.map((r) => [r.kind, r.x, r.value])).toEqual([['measured', 4, 2], ['measured', 8, 2], ['measured', 16, 2]]);
    // counts 1, 3: half-width t₀.₉₇₅(1) · √2 / √2 = 12.706
    expect(relu[0].lo).toBe(0);
    expect(relu[0].hi).toBeCloseTo(2 + 12.7062, 3);
    expect([relu[1].lo, relu[1].hi]).toEqual([2, 2]);
    const law = a.figures[0].rows.filter((r) => r.series === 'n²/4m');
    expect(law.map((r) => [r.kind, r.x, r.value])).toEqual([['n²/4m', 4, 4], ['n²/4m', 16, 1]]);
    expect(JSON.stringify(a.figures[0].spec)).toContain('"title":"mechanism"');
  });

  it('the runs: the settings of each mechanism, seed 11015 + m, a snapshot every steps/60', () => {
    const q: MechanismParams = { ...p, ms: [4, 8], steps: 120, noiseSteps: 240 };
    const runs = experimentH.runs(q).map((r) => [r.label, r.config.hidden, r.config.noise, r.config.noiseStd, r.config.lambda, r.config.optimizer, r.config.lr, r.config.steps, r.config.seed, r.config.snapshotEvery]);
    expect(runs).toEqual([
      ['H L1 (reference) m=4', 'linear', 'none', 0.1, 1e-3, 'adamw', 1e-3, 120, 11_019, 2],
      ['H L1 (reference) m=8', 'linear', 'none', 0.1, 1e-3, 'adamw', 1e-3, 120, 11_023, 2],
      ['H hidden ReLU, no L1 m=4', 'relu', 'none', 0.1, 0, 'adamw', 1e-3, 120, 11_019, 2],
      ['H hidden ReLU, no L1 m=8', 'relu', 'none', 0.1, 0, 'adamw', 1e-3, 120, 11_023, 2],
      ['H LayerNorm, no L1 m=4', 'layernorm', 'none', 0.1, 0, 'adamw', 1e-3, 120, 11_019, 2],
      ['H LayerNorm, no L1 m=8', 'layernorm', 'none', 0.1, 0, 'adamw', 1e-3, 120, 11_023, 2],
      ['H bipolar noise, no L1 m=4', 'linear', 'bipolar', 0.15, 0, 'sgd', 0.02, 240, 11_019, 4],
      ['H bipolar noise, no L1 m=8', 'linear', 'bipolar', 0.15, 0, 'sgd', 0.02, 240, 11_023, 4],
    ]);
  });

  it('without m = 2n the time figures use the second m; with one m, that m (and no fit)', () => {
    const sparse = { l1: 0.95, relu: 0.9, layernorm: 0.9, noise: 0.9 };
    const a = analyze({ l1: lawful, relu: flat, layernorm: flat, noise: flat }, sparse, { ...p, ms: [4, 8, 32] });
    expect(a.answer).toMatch(/^At m = 8: /);
    const one = analyze({ l1: lawful, relu: flat, layernorm: flat, noise: flat }, sparse, { ...p, ms: [4] });
    expect(one.answer).toMatch(/^At m = 4: /);
    expect(one.checks[0].pass).toBe(false);
  });

  it('all three sparse: no "while … do not"; the scale-free fourth norm divides by ‖W_i‖⁴', () => {
    const a = analyze({ l1: lawful, relu: flat, layernorm: flat, noise: flat }, { l1: 0.95, relu: 2.4, layernorm: 0.9, noise: 0.9 }, p, { relu: 2 });
    expect(a.answer).toContain('hidden ReLU, no L1: scale-free fourth norm Σ_k W_ik⁴/‖W_i‖⁴ 0.03 → 0.60 (sparse)'); // 0.1/4 → 2.4/4
    expect(a.answer).toContain('Without L1, hidden ReLU, no L1 and LayerNorm, no L1 and bipolar noise, no L1 sparsify the encodings (scale-free fourth norm above 0.5). A count');
  });

  it('a slope of −2 is not −1; "no polysemantic neuron" needs every mean below 0.25, not one', () => {
    const q: MechanismParams = { ...p, instances: 4 };
    const steep = (m: number) => (m === 4 ? [4, 4, 4, 4] : m === 8 ? [1, 1, 1, 1] : [1, 0, 0, 0]); // means 4, 1, 0.25: slope −2
    const quarter = (m: number) => (m === 4 ? [1, 0, 0, 0] : [0, 0, 0, 0]); // means 0.25, 0, 0
    const zero = () => [0, 0, 0, 0];
    const four = () => [2, 2, 2, 2];
    const a = analyze({ l1: four, relu: steep, layernorm: four, noise: quarter }, { l1: 0.95, relu: 0.2, layernorm: 0.2, noise: 0.9 }, q);
    expect(a.answer).toContain('hidden ReLU, no L1: not −1;');
    expect(a.answer).toMatch(/Only the L1 reference follows the n²\/m law here\.$/); // noise is sparse, but 0.25 at m = 4 is not below 0.25
    const b = analyze({ l1: four, relu: zero, layernorm: four, noise: quarter }, { l1: 0.95, relu: 0.9, layernorm: 0.2, noise: 0.9 }, q);
    expect(b.answer).toContain('And sparsifying is not enough: hidden ReLU, no L1 makes encodings sparse yet leaves (almost) no polysemantic neuron');
  });
});
