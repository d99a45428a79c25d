import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { analyzeInstance, analyzeRun, polysemanticCount } from './neurons.js';
import { exactExpectedPolysemantic, expectedCollisions } from './theory.js';

type Entry = [feature: number, neuron: number, value: number];

/**
 * A hand-built [n, m] matrix. The initial-weight background is tiny and increasing with
 * the neuron index, so initial orderings are fully determined by the entries we set.
 */
function matrix(n: number, m: number, entries: Entry[], background = false): Float64Array {
  const W = new Float64Array(n * m);
  if (background) for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) W[i * m + k] = 0.001 * (k + 1);
  for (const [i, k, v] of entries) W[i * m + k] = v;
  return W;
}

const n = 5;
const m = 6;
// Initial winners: features 0 (+) and 1 (−) share neuron 0 (benign); 2 (+) and 3 (+)
// share neuron 1 (malign); 4 (−) wins neuron 2. Feature 3's next-best neurons are 4 then 3.
const W0 = matrix(
  n,
  m,
  [
    [0, 0, 0.5],
    [1, 0, -0.4],
    [2, 1, 0.6],
    [3, 1, 0.5],
    [3, 4, 0.3],
    [3, 3, -0.2],
    [4, 2, -0.7],
  ],
  true,
);
// Final: 0 and 1 still share neuron 0; 3 was pushed to neuron 3 (its rank-2 neuron);
// 4 is split over neurons 2 and 4; neuron 5 is dead.
const W = matrix(n, m, [
  [0, 0, 1.0],
  [1, 0, -0.95],
  [2, 1, 1.02],
  [3, 3, -1.05],
  [4, 2, -0.9],
  [4, 4, 0.85],
]);

describe('analyzeInstance on a hand-built instance', () => {
  const a = analyzeInstance(W0, W, n, m, 0);

  it('classifies neurons: polysemantic, monosemantic, dead', () => {
    expect(a.polysemanticNeurons).toEqual([0]);
    expect(a.monosemanticNeurons).toEqual([1, 2, 3, 4]);
    expect(a.deadNeurons).toEqual([5]);
    expect(a.neuronFeatures[0]).toEqual([
      { feature: 0, sign: 1 },
      { feature: 1, sign: -1 },
    ]);
    expect(a.counts.oppositePairNeurons).toBe(1);
    expect(polysemanticCount(W, n, m, 0)).toBe(1);
  });

  it('finds features on several neurons', () => {
    expect(a.multiNeuronFeatures).toEqual([4]);
    expect(a.fates[4].neurons).toEqual([2, 4]);
    expect(a.fates[4].finalNeuron).toBe(2); // the larger |w| of the two
    expect(a.unrepresentedFeatures).toEqual([]);
  });

  it('finds benign and malign collisions and their fates', () => {
    expect(a.collisions).toEqual([
      { neuron: 0, features: [0, 1], kind: 'benign', fate: 'shared', sharedOn: 0, keptOnInitial: [0, 1] },
      { neuron: 1, features: [2, 3], kind: 'malign', fate: 'separated', sharedOn: -1, keptOnInitial: [2] },
    ]);
    expect(a.counts).toMatchObject({ collisions: 2, benignCollisions: 1, malignCollisions: 1, benignStillShared: 1, malignStillShared: 0 });
    expect(a.counts.predictedFromInit).toBe(1); // only neuron 0 starts with both signs
    expect(a.triples).toEqual([]);
  });

  it('records each feature fate: initial winner, sign, and the rank of the final neuron', () => {
    expect(a.fates.map((f) => f.initialWinner)).toEqual([0, 0, 1, 1, 2]);
    expect(a.fates.map((f) => f.initialSign)).toEqual([1, -1, 1, 1, -1]);
    expect(a.fates.map((f) => f.endedOnInitialWinner)).toEqual([true, true, true, false, true]);
    expect(a.fates[3]).toMatchObject({ finalNeuron: 3, finalSign: -1, finalWeight: -1.05, initialRank: 2 });
    expect(a.counts.endedOnInitialWinner).toBe(4);
  });
});

describe('analyzeInstance special cases', () => {
  it('a triple collision keeps at most one feature of each sign', () => {
    // features 0 (+), 1 (+), 2 (−) all start on neuron 1; at the end 0 and 2 share it, 1 moved to neuron 3
    const w0 = matrix(3, 4, [
      [0, 1, 0.5],
      [1, 1, 0.6],
      [2, 1, -0.4],
    ]);
    const w = matrix(3, 4, [
      [0, 1, 0.99],
      [1, 3, 1.0],
      [2, 1, -1.01],
    ]);
    const a = analyzeInstance(w0, w, 3, 4, 0);
    expect(a.triples).toEqual([{ neuron: 1, features: [0, 1, 2], signs: [1, 1, -1], kept: [0, 2] }]);
    expect(a.collisions.map((c) => [c.features, c.kind, c.fate])).toEqual([
      [[0, 1], 'malign', 'separated'],
      [[0, 2], 'benign', 'shared'],
      [[1, 2], 'benign', 'separated'],
    ]);
    expect(a.counts).toMatchObject({ tripleCollisions: 1, polysemantic: 1, predictedFromInit: 1, dead: 2 });
    // feature 1 ended on neuron 3; its initial |w| there is 0, tied with neurons 0 and 2, which come first by index
    expect(a.fates[1].initialRank).toBe(3);
  });

  it('a feature whose weights all fall outside the band is unrepresented', () => {
    const w0 = matrix(2, 3, [
      [0, 0, 0.5],
      [1, 2, 0.5],
    ]);
    const w = matrix(2, 3, [
      [0, 0, 0.7],
      [0, 1, 0.7],
      [1, 2, 1.3],
    ]);
    const a = analyzeInstance(w0, w, 2, 3, 0);
    expect(a.unrepresentedFeatures).toEqual([0, 1]);
    expect(a.deadNeurons).toEqual([0, 1, 2]);
    const wide = analyzeInstance(w0, w, 2, 3, 0, { band: [0.6, 1.4] });
    expect(wide.unrepresentedFeatures).toEqual([]);
    expect(wide.multiNeuronFeatures).toEqual([0]);
    expect(wide.monosemanticNeurons).toEqual([0, 1, 2]);
  });

  it('the band ends are inclusive, as in the paper\'s rule |W_ik| ∈ [0.8, 1.2]', () => {
    const w = matrix(2, 1, [
      [0, 0, 0.8],
      [1, 0, -1.2],
    ]);
    expect(polysemanticCount(w, 2, 1, 0)).toBe(1);
    expect(polysemanticCount(w, 2, 1, 0, [0.81, 1.2])).toBe(0);
  });

  it('reads the right slice of a multi-instance array', () => {
    const both = new Float64Array(2 * n * m);
    both.set(W, n * m); // instance 1 is the hand-built one, instance 0 is all zeros
    const both0 = new Float64Array(2 * n * m);
    both0.set(W0, n * m);
    expect(analyzeInstance(both0, both, n, m, 1).counts).toEqual(analyzeInstance(W0, W, n, m, 0).counts);
    expect(analyzeInstance(both0, both, n, m, 0).counts.dead).toBe(m);
    expect(polysemanticCount(both, n, m, 0)).toBe(0);
    expect(polysemanticCount(both, n, m, 1)).toBe(1);
  });

  it('rejects a bad band naming the flag, and an instance beyond the array', () => {
    expect(() => analyzeInstance(W0, W, n, m, 0, { band: [1.2, 0.8] })).toThrow(ConfigError);
    expect(() => polysemanticCount(W, n, m, 0, [0, 1])).toThrow(/--band/);
    expect(() => analyzeInstance(W0, W, n, m, 1)).toThrow(RangeError);
  });

  it('polysemanticCount agrees with the full analysis on random matrices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 1000 }), (nn, mm, seed) => {
        let s = seed + 1;
        const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2.6 - 1.3;
        const w = Float32Array.from({ length: nn * mm }, rand);
        const w0 = Float32Array.from({ length: nn * mm }, rand);
        const a = analyzeInstance(w0, w, nn, mm, 0);
        expect(polysemanticCount(w, nn, mm, 0)).toBe(a.counts.polysemantic);
        expect(a.counts.polysemantic + a.counts.monosemantic + a.counts.dead).toBe(mm);
        expect(a.counts.benignCollisions + a.counts.malignCollisions).toBe(a.counts.collisions);
      }),
      { numRuns: 200 },
    );
  });
});

describe('analyzeRun', () => {
  it('aggregates counts over instances and puts the theory next to them', () => {
    // instance 0 = the hand-built one (1 polysemantic neuron); instance 1 = all final weights zero (0)
    const W0s = new Float64Array(2 * n * m);
    W0s.set(W0);
    W0s.set(W0, n * m);
    const Ws = new Float64Array(2 * n * m);
    Ws.set(W);
    const r = analyzeRun({ W0: W0s, W: Ws, shape: [2, n, m] });
    expect(r.instances).toHaveLength(2);
    expect(r.counts.polysemantic.values).toEqual([1, 0]);
    expect(r.counts.polysemantic.mean).toBe(0.5);
    expect(r.counts.polysemantic.std).toBeCloseTo(Math.SQRT1_2, 15);
    expect(r.counts.polysemantic.standardError).toBeCloseTo(0.5, 15);
    expect(r.counts.collisions.values).toEqual([2, 2]); // same initial weights
    expect(r.theory.expectedCollisions).toBe(expectedCollisions(n, m));
    expect(r.theory.exactExpectedPolysemantic).toBe(exactExpectedPolysemantic(n, m));
    expect(r.theory.chanceEndOnInitialWinner).toBeCloseTo(1 / 6, 15);
  });

  it('computes the start/end correlation W0·Wᵀ averaged over instances', () => {
    // I=2, n=2, m=2. Instance 0: W0 = [[1,2],[3,4]], W = [[1,0],[0,1]] → C = W0 Wᵀ = [[1,2],[3,4]].
    // Instance 1: W0 = [[1,0],[0,1]], W = [[2,0],[0,-2]] → C = [[2,0],[0,-2]]. Mean: [[1.5,1],[1.5,1]].
    const W0c = Float64Array.from([1, 2, 3, 4, 1, 0, 0, 1]);
    const Wc = Float64Array.from([1, 0, 0, 1, 2, 0, 0, -2]);
    const r = analyzeRun({ W0: W0c, W: Wc, shape: [2, 2, 2] });
    expect(Array.from(r.correlation.matrix!)).toEqual([1.5, 1, 1.5, 1]);
    expect(r.correlation.diagonalMean).toBe(1.25); // (1 + 4 + 2 − 2) / 4
    expect(r.correlation.offDiagonalMean).toBe(1.25); // (2 + 3 + 0 + 0) / 4
    expect(r.correlation.offDiagonalRms).toBeCloseTo(Math.sqrt((1 + 2.25) / 2), 15);
    const summary = analyzeRun({ W0: W0c, W: Wc, shape: [2, 2, 2] }, { fullCorrelation: false }).correlation;
    expect(summary.matrix).toBeNull();
    expect(summary.diagonalMean).toBe(1.25);
    expect(summary.offDiagonalMean).toBe(1.25);
  });

  it('the blocked correlation product equals a naive triple loop (n not a multiple of 4)', () => {
    const [I, nn, mm] = [2, 7, 5];
    let s = 3;
    const rand = () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
    const A = Float64Array.from({ length: I * nn * mm }, rand);
    const B = Float64Array.from({ length: I * nn * mm }, rand);
    const naive = new Float64Array(nn * nn);
    for (let inst = 0; inst < I; inst++)
      for (let i = 0; i < nn; i++)
        for (let j = 0; j < nn; j++)
          for (let k = 0; k < mm; k++) naive[i * nn + j] += (A[(inst * nn + i) * mm + k] * B[(inst * nn + j) * mm + k]) / I;
    const c = analyzeRun({ W0: A, W: B, shape: [I, nn, mm] }).correlation;
    for (let i = 0; i < nn * nn; i++) expect(c.matrix![i]).toBeCloseTo(naive[i], 12);
    let diag = 0;
    let off = 0;
    for (let i = 0; i < nn; i++) for (let j = 0; j < nn; j++) (i === j ? (diag += naive[i * nn + j]) : (off += naive[i * nn + j]));
    expect(c.diagonalMean).toBeCloseTo(diag / nn, 12);
    expect(c.offDiagonalMean).toBeCloseTo(off / (nn * (nn - 1)), 12);
  });

  it('rejects weights that do not match the shape', () => {
    expect(() => analyzeRun({ W0: new Float32Array(8), W: new Float32Array(7), shape: [2, 2, 2] })).toThrow(/shape/);
  });
});
