/**
 * I's split test and what the answer and figure make of its verdicts, on synthetic runs
 * retrained for real (reference backend, 3 steps). Features 2j, 2j+1 at ±1 on neuron j are a
 * benign pair: moving one of them onto a dead neuron costs nothing, so with a spare neuron
 * the split is free and holds (incidental); without one it is necessary. A "dead" neuron
 * that still carries −0.09 from feature 2 (below the 0.1 dead threshold) makes the moved
 * feature interfere with feature 2, so that split costs loss: necessary. W0 is all zeros, so
 * every pair's largest initial weights tie on neuron 0: "collided at init" is true for all,
 * and the test agrees with the start exactly when it says incidental.
 *
 * Expected numbers by hand: counts 4 and 1 at m = 6 give mean 2.5, sd 1.5·√2, half-width
 * t₀.₉₇₅(1)·1.5 = 12.706·1.5 = 19.06: [−16.56, 21.56].
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.js';
import { weightsWithPolysemantic } from '../../test-support/synthetic-runs.js';
import type { ExperimentAnalysis, LoadRun } from '../types.js';
import { experimentI, fmtRatio, forcedMinimum, type NecessaryParams } from './i-necessary.js';

/** A loader that insists on I's own run labels, with weights from `weights(m)`. */
function loader(p: NecessaryParams, weights: (m: number) => Float32Array): LoadRun {
  const labels = new Set(experimentI.runs(p).map((r) => r.label));
  return (spec) => {
    if (!labels.has(spec.label)) throw new Error(`not one of I's runs: ${spec.label}`);
    const m = spec.config.nHidden;
    const W = weights(m);
    return { config: parseConfig({ ...spec.config, backend: 'reference' }), shape: [p.instances, p.n, m], W0: new Float32Array(W.length), W, snapshots: [], backend: 'synthetic', wallTimeSeconds: 0 };
  };
}

/** n = 8, m = 8: per instance a benign pair on neuron 0 and features 2–7 alone on neurons 1–6; neuron 7 is spare. In instance 0 feature 2 keeps −0.09 on it. */
function pairWithSpare(): Float32Array {
  const W = new Float32Array(2 * 8 * 8);
  for (let inst = 0; inst < 2; inst++) {
    const at = (i: number, k: number, v: number) => (W[(inst * 8 + i) * 8 + k] = v);
    at(0, 0, 1);
    at(1, 0, -1);
    for (let i = 2; i < 8; i++) at(i, i - 1, 1);
    if (inst === 0) at(2, 7, -0.09);
  }
  return W;
}

async function analyze(p: NecessaryParams, weights: (m: number) => Float32Array): Promise<ExperimentAnalysis> {
  return experimentI.analyze(p, loader(p, weights), 'test');
}

describe('I: the split test verdicts, retrained', () => {
  const p: NecessaryParams = { n: 8, ms: [6, 8], instances: 2, steps: 10, retrainSteps: 3 };

  it('m = 6 with 4 and 1 pairs: 3 splits with a spare neuron are incidental, 2 without are necessary; at m = 8 the split into a not-quite-dead neuron is necessary', async () => {
    const a = await analyze(p, (m) => (m === 8 ? pairWithSpare() : weightsWithPolysemantic([4, 1], 8, m)));
    expect(a.answer).toContain('For m < n the count 2.50 [−16.56, 21.56] at m/n = 3/4 reaches the forced minimum min(m, n − m) = 2; for m ≥ n it is 1.00 (n²/4m = 2.00). ');
    expect(a.answer).toContain('The split test on the final weights calls 40 % of 5 polysemantic neurons necessary for m < n and 50 % of 2 incidental for m ≥ n: ');
    // incidental (and collided) 3 at m = 6 and 1 at m = 8: 4 of 7 agree with the start
    expect(a.answer).toContain("The start of training says much less: the test's verdict agrees with “both features' largest initial weights were on this neuron” for 57 % of 7 neurons, ");
    const split = a.figures[0].rows.filter((r) => String(r.series).startsWith('split test'));
    expect(split.map((r) => [r.series, r.x, r.value])).toEqual([
      ['split test: incidental', 0.75, 1.5], ['split test: necessary', 0.75, 1],
      ['split test: incidental', 1, 0.5], ['split test: necessary', 1, 0.5],
    ]);
    const counted = a.figures[0].rows.filter((r) => r.series === 'all polysemantic neurons');
    expect(counted.map((r) => [r.x, r.value])).toEqual([[0.75, 2.5], [1, 1]]);
    expect(a.table.filter((t) => t.quantity.includes('split test')).map((t) => t.measured)).toEqual(['3 / 2 of 5; 5; 60 %', '1 / 1 of 2; 2; 50 %']);
  });

  it('a count above the forced minimum at one m < n (but not the other) is read as exceeding it; no split at m ≥ n reads as none', async () => {
    const q: NecessaryParams = { ...p, ms: [4, 6, 16] };
    const a = await analyze(q, (m) => weightsWithPolysemantic(m === 16 ? [0, 0] : [4, 4], 8, m));
    expect(a.checks[0].pass).toBe(true);
    expect(a.answer).toContain(
      'For m < n the count 4.00 [4.00, 4.00] at m/n = 1/2, 4.00 [4.00, 4.00] at m/n = 3/4 reaches the forced minimum min(m, n − m) = 4, 2 and exceeds it: incidental sharing comes on top of the necessary one; for m ≥ n it is 0.00 (n²/4m = 1.00). ',
    );
    // m = 4: no spare neuron, 8 necessary; m = 6: two spare neurons per instance, 4 incidental and 4 necessary
    expect(a.answer).toContain('calls 75 % of 16 polysemantic neurons necessary for m < n and none incidental for m ≥ n: ');
    expect(a.answer).toContain('for 25 % of 16 neurons, ');
  });

  it('the figure draws the forced minimum below m = n and n²/4m from m = n, on 49 log-spaced points', async () => {
    const q: NecessaryParams = { ...p, ms: [4, 16] };
    const a = await analyze(q, (m) => weightsWithPolysemantic([1, 1], 8, m));
    const forced = a.figures[0].rows.filter((r) => r.series === 'forced minimum min(m, n − m)');
    const law = a.figures[0].rows.filter((r) => r.series === 'n²/4m');
    // x = 0.5 · 4^(j/48): x < 1 for j < 24, x = 1 (m = n) at j = 24, 2 at j = 48
    expect([forced.length, law.length]).toEqual([24, 25]);
    expect([forced[0].x, forced[0].value]).toEqual([0.5, 4]);
    expect(forced[12].x).toBeCloseTo(Math.SQRT1_2, 12);
    expect(forced[12].value).toBeCloseTo(8 - 8 * Math.SQRT1_2, 12); // m = 5.66 > n/2: n − m
    expect([law[0].x, law[0].value]).toEqual([1, 2]);
    expect(law[24].x).toBeCloseTo(2, 12);
    expect(law[24].value).toBeCloseTo(1, 12);
  });
});

describe('I: a split into neuron 0, and a pair that did not collide at init', () => {
  it('the only dead neuron is neuron 0: the pair on neuron 1 splits into it (incidental); its features led on different neurons at init, so the test disagrees with the start', async () => {
    const p: NecessaryParams = { n: 8, ms: [8], instances: 1, steps: 10, retrainSteps: 3 };
    const W = new Float32Array(64);
    W[0 * 8 + 1] = 1; // features 0 and 1: a benign pair on neuron 1
    W[1 * 8 + 1] = -1;
    for (let i = 2; i < 8; i++) W[i * 8 + i] = 1; // features 2–7 alone on neurons 2–7; neuron 0 is dead
    const W0 = new Float32Array(64);
    W0[0 * 8 + 0] = 0.5; // feature 0 led on neuron 0, feature 1 on neuron 1: no collision
    W0[1 * 8 + 1] = 0.5;
    const labels = new Set(experimentI.runs(p).map((r) => r.label));
    const load: LoadRun = (spec) => {
      if (!labels.has(spec.label)) throw new Error(`not one of I's runs: ${spec.label}`);
      return { config: parseConfig({ ...spec.config, backend: 'reference' }), shape: [1, 8, 8], W0, W, snapshots: [], backend: 'synthetic', wallTimeSeconds: 0 };
    };
    const a = await experimentI.analyze(p, load, 'test');
    expect(a.answer).toContain('and 100 % of 1 incidental for m ≥ n: ');
    expect(a.answer).toContain('for 0 % of 1 neurons, ');
    expect(a.table.find((t) => t.quantity.includes('split test'))?.measured).toBe('1 / 0 of 1; 0; 0 %');
  });
});

describe('I: the forced minimum and m/n as written', () => {
  it('forcedMinimum is min(m, n − m) below n and 0 from n up', () => {
    expect([forcedMinimum(8, 3), forcedMinimum(8, 6), forcedMinimum(8, 8), forcedMinimum(8, 16)]).toEqual([3, 2, 0, 0]);
  });

  it('m/n: a number from 1 up, a reduced fraction below', () => {
    expect([fmtRatio(2, 8), fmtRatio(4, 8), fmtRatio(6, 8), fmtRatio(8, 8), fmtRatio(12, 8), fmtRatio(16, 8)]).toEqual(['1/4', '1/2', '3/4', '1', '1.5', '2']);
    expect(experimentI.describe({ n: 8, ms: [6, 8, 16], instances: 2, steps: 10, retrainSteps: 3 })).toContain('m ∈ {6, 8, 16} (m/n = 3/4, 1, 2)');
  });
});
