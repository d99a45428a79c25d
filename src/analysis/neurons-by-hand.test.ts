/**
 * The per-instance analysis (analyzeInstance) on one instance built by hand, every output
 * written out: each feature's fate (initial winner with a tie, initial sign, final neuron
 * with a tie, final sign and weight, the neurons representing it, its initial rank), the
 * neuron classes, the collisions in neuron order with their kind, fate and kept features,
 * the triple, and every count. The instance is the second of two, after one full of in-band
 * values, so a slice off by a row or an instance shows. Also: polysemanticCount past 255
 * features on a neuron, the bounds checks, analyzeRun's criterion and correlation defaults,
 * and the share criterion's floor and share at their edges.
 */
import { describe, expect, it } from 'vitest';
import { chooseCriterion, describeCriterion, membership } from './criterion.js';
import { analyzeInstance, analyzeRun, polysemanticCount } from './neurons.js';

const n = 6;
const m = 5;
// rows are features, columns neurons
const W0rows = [
  [0.1, 0.0, 0.6, 0.0, 0.05], // f0: winner 2, +
  [0.0, 0.1, 0.4, 0.3, 0.05], // f1: winner 2, + (malign pair with f0)
  [0.5, 0.1, 0.2, 0.0, 0.05], // f2: winner 0, +
  [-0.5, 0.3, 0.1, 0.0, 0.05], // f3: winner 0, − (benign with f2)
  [0.2, 0.2, 0.1, 0.0, 0.05], // f4: a tie between neurons 0 and 1: the first, 0, wins (+)
  [0.0, 0.0, 0.1, 0.7, 0.0], // f5: winner 3, +
];
const Wrows = [
  [0, 0, -1.0, 0, 0], // f0 on 2
  [0, 0, -0.85, 0.9, 0], // f1 on 2 and 3; largest |W| on 3
  [1.0, 0, 0, 0, 0], // f2 on 0
  [-0.9, 0, 0, 0, 0], // f3 on 0
  [0, 1.1, 0, 0, 0], // f4 on 1
  [0, 0, 0, 0, 0], // f5 on none; all |W| tie at 0: the first neuron is its final one, sign +
];
/** Two instances: instance 0 all in-band junk, instance 1 the rows above. */
function twoInstances(): { W0: Float64Array; W: Float64Array } {
  const W0 = new Float64Array(2 * n * m).fill(0.9);
  const W = new Float64Array(2 * n * m).fill(1.0);
  W0.set(W0rows.flat(), n * m);
  W.set(Wrows.flat(), n * m);
  return { W0, W };
}

describe('analyzeInstance on a hand-built instance', () => {
  const { W0, W } = twoInstances();
  // computed inside each test, so that what runs there is what is asserted (a mutation run
  // switches its planted bug on per test)
  const analyze = () => analyzeInstance(W0, W, n, m, 1);

  it('each feature: initial winner and sign, final neuron, sign and weight, its neurons, whether it stayed, the rank of its final neuron in W0', () => {
    const a = analyze();
    expect(a.fates.map((f) => [f.feature, f.initialWinner, f.initialSign, f.finalNeuron, f.finalSign, f.finalWeight, f.neurons, f.endedOnInitialWinner, f.initialRank])).toEqual([
      [0, 2, 1, 2, -1, -1, [2], true, 0],
      [1, 2, 1, 3, 1, 0.9, [2, 3], false, 1], // 0.4 > 0.3 in W0: rank 1
      [2, 0, 1, 0, 1, 1, [0], true, 0],
      [3, 0, -1, 0, -1, -0.9, [0], true, 0],
      [4, 0, 1, 1, 1, 1.1, [1], false, 1], // the tie at 0.2 goes to the lower index: neuron 1 is second
      [5, 3, 1, 0, 1, 0, [], false, 2], // |W0| 0 at neuron 0: 0.1 and 0.7 above it, the zeros at 1 and 4 not (ties by index)
    ]);
  });

  it('neurons: who is on each with which sign; polysemantic, monosemantic, dead', () => {
    const a = analyze();
    expect(a.neuronFeatures).toEqual([
      [{ feature: 2, sign: 1 }, { feature: 3, sign: -1 }],
      [{ feature: 4, sign: 1 }],
      [{ feature: 0, sign: -1 }, { feature: 1, sign: -1 }],
      [{ feature: 1, sign: 1 }],
      [],
    ]);
    expect([a.polysemanticNeurons, a.monosemanticNeurons, a.deadNeurons]).toEqual([[0, 2], [1, 3], [4]]);
    expect([a.unrepresentedFeatures, a.multiNeuronFeatures]).toEqual([[5], [1]]);
    expect(a.band).toEqual([0.8, 1.2]);
  });

  it('collisions in neuron order (0 before 2, though feature 0 started on 2), kind, fate, the neuron shared on, kept features; the triple', () => {
    const a = analyze();
    expect(a.collisions).toEqual([
      { neuron: 0, features: [2, 3], kind: 'benign', fate: 'shared', sharedOn: 0, keptOnInitial: [2, 3] },
      { neuron: 0, features: [2, 4], kind: 'malign', fate: 'separated', sharedOn: -1, keptOnInitial: [2] },
      { neuron: 0, features: [3, 4], kind: 'benign', fate: 'separated', sharedOn: -1, keptOnInitial: [3] },
      { neuron: 2, features: [0, 1], kind: 'malign', fate: 'shared', sharedOn: 2, keptOnInitial: [0, 1] },
    ]);
    expect(a.triples).toEqual([{ neuron: 0, features: [2, 3, 4], signs: [1, -1, 1], kept: [2, 3] }]);
  });

  it('every count', () => {
    const a = analyze();
    expect(a.counts).toEqual({
      polysemantic: 2,
      monosemantic: 2,
      dead: 1,
      oppositePairNeurons: 1, // neuron 0 (+, −); neuron 2 is (−, −)
      unrepresentedFeatures: 1,
      multiNeuronFeatures: 1,
      collisions: 4,
      benignCollisions: 2,
      malignCollisions: 2,
      benignStillShared: 1,
      malignStillShared: 1,
      tripleCollisions: 1,
      predictedFromInit: 1, // neuron 0's group has both signs; neuron 2's (+, +) has not
      endedOnInitialWinner: 3,
    });
  });

  it('a neuron with three features is not an opposite pair, whatever the first two signs', () => {
    const three = analyzeInstance(new Float64Array([0.5, -0.4, 0.3]), new Float64Array([1, -1, 1]), 3, 1, 0);
    expect(three.polysemanticNeurons).toEqual([0]);
    expect(three.counts.oppositePairNeurons).toBe(0);
    const two = analyzeInstance(new Float64Array([0.5, -0.4, 0.3]), new Float64Array([1, -1, 0]), 3, 1, 0);
    expect(two.counts.oppositePairNeurons).toBe(1);
  });

  it('an instance beyond W0 or beyond W is refused, by one value short', () => {
    const short = (x: Float64Array) => x.subarray(0, x.length - 1);
    expect(() => analyzeInstance(short(W0), W, n, m, 1)).toThrow('analyzeInstance: instance 1 of [*, 6, 5] lies beyond the weights (60 values)');
    expect(() => analyzeInstance(W0, short(W), n, m, 1)).toThrow('analyzeInstance: instance 1 of [*, 6, 5] lies beyond the weights (59 values)');
  });
});

describe('polysemanticCount', () => {
  it('counts a neuron once however many features are on it, past 255 (a byte per neuron saturates, never wraps)', () => {
    expect(polysemanticCount(new Float32Array(258).fill(1), 258, 1, 0)).toBe(1);
  });

  it('reads only its own instance: the next instance\'s first row does not add a feature', () => {
    // instance 0: one feature on neuron 0; instance 1: its first feature on neuron 0 too
    const W = new Float32Array([1, 0, 0, 0, 1, 0, 0, 0]);
    expect(polysemanticCount(W, 2, 2, 0)).toBe(0);
    expect(polysemanticCount(W, 2, 2, 1)).toBe(0);
  });
});

describe('analyzeRun', () => {
  it('refuses W0 or W that does not match the shape, naming both sizes', () => {
    const ok = new Float32Array(4);
    expect(() => analyzeRun({ W0: new Float32Array(3), W: ok, shape: [1, 2, 2] })).toThrow('analyzeRun: shape [1,2,2] needs 4 values, W0 has 3, W has 4');
    expect(() => analyzeRun({ W0: ok, W: new Float32Array(5), shape: [1, 2, 2] })).toThrow('analyzeRun: shape [1,2,2] needs 4 values, W0 has 4, W has 5');
  });

  it('passes its criterion to every instance (share: weights far from 1 still count) and computes the full correlation by default', () => {
    // two features at 3 and −3 on neuron 0: out of the band, in the share rule
    const run = { W0: new Float32Array([0.5, 0.1, -0.5, 0.1]), W: new Float32Array([3, 0, -3, 0]), shape: [1, 2, 2] as const };
    const share = chooseCriterion('share', {}).criterion;
    expect(analyzeRun(run, { criterion: share }).instances[0].polysemanticNeurons).toEqual([0]);
    expect(analyzeRun(run).instances[0].polysemanticNeurons).toEqual([]);
    expect(analyzeRun(run).correlation.matrix).not.toBeNull();
    expect(analyzeRun(run, { fullCorrelation: false }).correlation.matrix).toBeNull();
  });
});

describe('the share criterion at its edges', () => {
  const on = (rows: number[][], share: number, floor: number) => {
    const W = new Float64Array(rows.flat());
    const f = membership(W, rows.length, rows[0].length, 0, { kind: 'share', share, floor });
    return rows.map((r, i) => r.map((_, k) => (f(i, k) ? 1 : 0)));
  };
  it('a weight holds its feature when W_ik² ≥ share·‖W_i‖², equality included', () => {
    // row (2, 1): 4 ≥ 0.5·5, 1 < 2.5; row (1, 1): 1 ≥ 0.5·2 on both
    expect(on([[2, 1], [1, 1]], 0.5, 0)).toEqual([[1, 0], [1, 1]]);
  });
  it('a feature counts only when ‖W_i‖ ≥ floor · the largest ‖W_j‖, equality included', () => {
    // norms² 4, 1 and 0.25; floor 0.5: the bound is 0.25·4 = 1, so norm² 1 is in, 0.25 out
    expect(on([[2, 0], [0, 1], [0.5, 0]], 0.5, 0.5)).toEqual([[1, 0], [0, 1], [0, 0]]);
    // floor 0.3 of the largest norm 2: 0.09·4 = 0.36 > 0.25
    expect(on([[2, 0], [0.5, 0]], 0.5, 0.3)).toEqual([[1, 0], [0, 0]]);
  });
  it('share 1 and floors 0 and 1 are allowed; anything outside (0, 1] or [0, 1] is refused naming the flag', () => {
    expect(on([[1, 0]], 1, 0)).toEqual([[1, 0]]);
    expect(on([[1, 0], [0, 1]], 0.5, 1)).toEqual([[1, 0], [0, 1]]);
    expect(() => on([[1, 0]], 1.0000001, 0)).toThrow('invalid share (--share): must be in (0, 1] (got 1.0000001)');
    expect(() => on([[1, 0]], 0.5, -0.1)).toThrow('invalid floor (--floor): must be in [0, 1] (got -0.1)');
    expect(() => on([[1, 0]], 0.5, 1.1)).toThrow('invalid floor (--floor): must be in [0, 1] (got 1.1)');
    expect(() => on([[1, 0]], 0.5, NaN)).toThrow('invalid floor (--floor): must be in [0, 1] (got NaN)');
  });
  it('says why it chose a rule, and describes the band with its two ends', () => {
    expect(chooseCriterion('band', { data: 'bernoulli' }).reason).toBe('chosen with --criterion band');
    expect(chooseCriterion('share', {}).reason).toBe('chosen with --criterion share');
    expect(chooseCriterion('share', {}).criterion.kind).toBe('share');
    expect(chooseCriterion('auto', { hidden: 'relu' }).reason).toBe("not the paper's setting (weights need not end near ±1): the share rule");
    expect(describeCriterion({ kind: 'band', band: [0.8, 1.2] })).toBe('band: feature i is on neuron k when |W_ik| is in [0.8, 1.2]');
  });
});

describe('collision fates counted by kind, one collision at a time', () => {
  // n = 2 features, m = 2 neurons: both features start on neuron 0, so they collide there
  const one = (W0rows: number[][], Wrows: number[][]) => analyzeInstance(Float64Array.from(W0rows.flat()), Float64Array.from(Wrows.flat()), 2, 2, 0).counts;

  it('a benign collision still shared counts as shared, and no malign one', () => {
    const c = one([[0.5, 0.1], [-0.6, 0.2]], [[1, 0], [-1, 0]]);
    expect([c.benignCollisions, c.benignStillShared, c.malignCollisions, c.malignStillShared]).toEqual([1, 1, 0, 0]);
  });

  it('a malign collision that separated counts as not shared', () => {
    const c = one([[0.5, 0.1], [0.6, 0.2]], [[1, 0], [0, 1]]);
    expect([c.benignCollisions, c.benignStillShared, c.malignCollisions, c.malignStillShared]).toEqual([0, 0, 1, 0]);
  });
});

it("a feature's final neuron compares each weight with the running maximum of its own row", () => {
  // row 1's maximum 0.9 (neuron 1) is followed by 0.7; row 0's entry one place before row 1's
  // running maximum (0.1) is smaller than 0.7, so reading the wrong row would move it to neuron 2
  const W = Float64Array.from([1, 0, 0.1, 0.5, 0.9, 0.7]);
  const a = analyzeInstance(W, W, 2, 3, 0);
  expect(a.fates.map((f) => f.finalNeuron)).toEqual([0, 1]);
});
