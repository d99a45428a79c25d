/**
 * Neuron analysis of trained weights (SCIENCE.md §5): which features each neuron
 * represents, which neurons are polysemantic, which features collided on the same
 * initial winner, whether the collision was benign (opposite signs) or malign (same sign),
 * and what became of each feature and each collision.
 *
 * Counting rule of the paper: feature i is represented by neuron k when |W_ik| lies in
 * the band [0.8, 1.2] (configurable); for the general model, where weights need not end near
 * ±1, the share rule instead (criterion.ts). A neuron is polysemantic when it represents ≥ 2
 * features, monosemantic with exactly 1, dead with none (in the paper's m ≥ n regime the
 * m − n spare neurons end dead). Pure maths, no I/O.
 *
 * Shapes: W0, W: FloatArray [instances, n, m] row-major; row (instance, i) is feature i's
 * encoding.
 *
 * @example
 *   const run = readRun('runs/a');
 *   const a = analyzeRun({ W0: run.W0, W: run.W, shape: run.shape });
 *   a.counts.polysemantic.mean; // vs a.theory.exactExpectedPolysemantic
 */
import type { FloatArray } from '../core/optimizers.js';
import { checkBand, DEFAULT_BAND, describeCriterion, membership, type Band, type Criterion } from './criterion.js';
import { startEndCorrelation, type CorrelationSummary } from './correlation.js';
import {
  exactExpectedPolysemantic,
  exactExpectedSharedNeurons,
  expectedCollisions,
  expectedPolysemantic,
  expectedTriples,
  meanStd,
} from './theory.js';

export { DEFAULT_BAND, type Band, type Criterion } from './criterion.js';
export type Sign = 1 | -1;

export interface FeatureOnNeuron {
  feature: number;
  /** sign of W_ik */
  sign: Sign;
}

export interface FeatureFate {
  feature: number;
  /** argmax_k |W0_ik|, the neuron the feature starts closest to */
  initialWinner: number;
  initialSign: Sign;
  /** argmax_k |W_ik| at the end (whether or not it is in the band) */
  finalNeuron: number;
  finalSign: Sign;
  finalWeight: number;
  /** neurons representing the feature at the end (the criterion): [] unrepresented, ≥ 2 on several neurons */
  neurons: number[];
  endedOnInitialWinner: boolean;
  /** position of finalNeuron in the descending order of |W0_ik| (0 = the initial winner; ties by index) */
  initialRank: number;
}

/** Two features whose initial winner is the same neuron. */
export interface Collision {
  neuron: number;
  features: [number, number];
  /** benign: opposite initial signs (the output ReLU hides the overlap); malign: same sign */
  kind: 'benign' | 'malign';
  /** shared: some neuron represents both at the end; separated: none does */
  fate: 'shared' | 'separated';
  /** the neuron representing both at the end, or -1 */
  sharedOn: number;
  /** which of the two features the initial neuron still represents at the end */
  keptOnInitial: number[];
}

/** A neuron that is the initial winner of ≥ 3 features (at most 2 of them can stay). */
export interface TripleCollision {
  neuron: number;
  features: number[];
  signs: Sign[];
  /** features the neuron still represents at the end */
  kept: number[];
}

/** Per-instance counts; each is aggregated over instances by analyzeRun. */
export interface InstanceCounts {
  polysemantic: number;
  monosemantic: number;
  dead: number;
  /** polysemantic neurons holding exactly 2 features of opposite sign (SCIENCE.md §5 check) */
  oppositePairNeurons: number;
  unrepresentedFeatures: number;
  /** features represented by ≥ 2 neurons */
  multiNeuronFeatures: number;
  collisions: number;
  benignCollisions: number;
  malignCollisions: number;
  benignStillShared: number;
  malignStillShared: number;
  /** neurons that are the initial winner of ≥ 3 features */
  tripleCollisions: number;
  /** neurons whose initial features include both signs: the random-assignment model's prediction for this init */
  predictedFromInit: number;
  endedOnInitialWinner: number;
}

export interface InstanceAnalysis {
  instance: number;
  nFeatures: number;
  nHidden: number;
  band: [number, number];
  counts: InstanceCounts;
  /** [m] the features each neuron represents at the end */
  neuronFeatures: FeatureOnNeuron[][];
  polysemanticNeurons: number[];
  monosemanticNeurons: number[];
  deadNeurons: number[];
  unrepresentedFeatures: number[];
  multiNeuronFeatures: number[];
  /** [n] */
  fates: FeatureFate[];
  collisions: Collision[];
  triples: TripleCollision[];
}

export interface Aggregate {
  mean: number;
  std: number;
  standardError: number;
  /** [instances] */
  values: number[];
}

export interface RunTheory {
  expectedCollisions: number;
  /** n(n−1)/(4m), also the expected malign pairs */
  expectedBenign: number;
  expectedTriples: number;
  expectedPolysemantic: number;
  exactExpectedPolysemantic: number;
  /** neurons that are the initial winner of ≥ 2 features */
  exactExpectedSharedNeurons: number;
  /** chance that a feature ends on its initial winner if the final neuron were uniform */
  chanceEndOnInitialWinner: number;
}

export interface RunAnalysis {
  shape: [number, number, number];
  /** the band of the band rule (kept when the share rule is used) */
  band: [number, number];
  /** the rule that decided which features a neuron represents, and in words */
  criterion: Criterion;
  criterionText: string;
  instances: InstanceAnalysis[];
  counts: Record<keyof InstanceCounts, Aggregate>;
  correlation: CorrelationSummary;
  theory: RunTheory;
}

export interface AnalyzeOptions {
  band?: Band;
  /** overrides `band`: the rule deciding which features a neuron represents */
  criterion?: Criterion;
}

const criterionOf = (o: AnalyzeOptions): Criterion => o.criterion ?? { kind: 'band', band: checkBand(o.band ?? DEFAULT_BAND) };

/**
 * Number of neurons with ≥ 2 features on them (|W_ik| in `band`, or another criterion), for
 * one instance of W [I, n, m]. O(n·m), allocation of one byte per neuron.
 */
export function polysemanticCount(W: FloatArray, n: number, m: number, instance: number, band: Band | Criterion = DEFAULT_BAND): number {
  const on = membership(W, n, m, instance, 'kind' in band ? band : { kind: 'band', band: checkBand(band) });
  const perNeuron = new Uint8Array(m);
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m; k++) {
      if (!on(i, k)) continue;
      const c = perNeuron[k];
      if (c === 1) count++;
      if (c < 2) perNeuron[k] = c + 1;
    }
  }
  return count;
}

/** Full analysis of one instance; W0 and W are [I, n, m]. */
export function analyzeInstance(W0: FloatArray, W: FloatArray, n: number, m: number, instance: number, options: AnalyzeOptions = {}): InstanceAnalysis {
  const criterion = criterionOf(options);
  const [lo, hi] = criterion.kind === 'band' ? criterion.band : checkBand(options.band ?? DEFAULT_BAND);
  const base = instance * n * m;
  if (W0.length < base + n * m || W.length < base + n * m) {
    throw new RangeError(`analyzeInstance: instance ${instance} of [*, ${n}, ${m}] lies beyond the weights (${W.length} values)`);
  }
  const on = membership(W, n, m, instance, criterion);
  const neuronFeatures: FeatureOnNeuron[][] = Array.from({ length: m }, () => []);
  const fates: FeatureFate[] = [];
  for (let i = 0; i < n; i++) {
    const r = base + i * m;
    const neurons: number[] = [];
    let win0 = 0;
    let fin = 0;
    for (let k = 0; k < m; k++) {
      const a = Math.abs(W[r + k]);
      if (on(i, k)) {
        neurons.push(k);
        neuronFeatures[k].push({ feature: i, sign: signOf(W[r + k]) });
      }
      if (Math.abs(W0[r + k]) > Math.abs(W0[r + win0])) win0 = k;
      if (a > Math.abs(W[r + fin])) fin = k;
    }
    fates.push({
      feature: i,
      initialWinner: win0,
      initialSign: signOf(W0[r + win0]),
      finalNeuron: fin,
      finalSign: signOf(W[r + fin]),
      finalWeight: W[r + fin],
      neurons,
      endedOnInitialWinner: fin === win0,
      initialRank: rankOf(W0, r, m, fin),
    });
  }

  const polysemanticNeurons: number[] = [];
  const monosemanticNeurons: number[] = [];
  const deadNeurons: number[] = [];
  let oppositePairNeurons = 0;
  neuronFeatures.forEach((fs, k) => {
    if (fs.length === 0) deadNeurons.push(k);
    else if (fs.length === 1) monosemanticNeurons.push(k);
    else {
      polysemanticNeurons.push(k);
      if (fs.length === 2 && fs[0].sign !== fs[1].sign) oppositePairNeurons++;
    }
  });

  const { collisions, triples, predictedFromInit } = findCollisions(fates, neuronFeatures);
  const unrepresentedFeatures = fates.filter((f) => f.neurons.length === 0).map((f) => f.feature);
  const multiNeuronFeatures = fates.filter((f) => f.neurons.length >= 2).map((f) => f.feature);
  const benign = collisions.filter((c) => c.kind === 'benign');
  const malign = collisions.filter((c) => c.kind === 'malign');
  const counts: InstanceCounts = {
    polysemantic: polysemanticNeurons.length,
    monosemantic: monosemanticNeurons.length,
    dead: deadNeurons.length,
    oppositePairNeurons,
    unrepresentedFeatures: unrepresentedFeatures.length,
    multiNeuronFeatures: multiNeuronFeatures.length,
    collisions: collisions.length,
    benignCollisions: benign.length,
    malignCollisions: malign.length,
    benignStillShared: benign.filter((c) => c.fate === 'shared').length,
    malignStillShared: malign.filter((c) => c.fate === 'shared').length,
    tripleCollisions: triples.length,
    predictedFromInit,
    endedOnInitialWinner: fates.filter((f) => f.endedOnInitialWinner).length,
  };
  return {
    instance,
    nFeatures: n,
    nHidden: m,
    band: [lo, hi],
    counts,
    neuronFeatures,
    polysemanticNeurons,
    monosemanticNeurons,
    deadNeurons,
    unrepresentedFeatures,
    multiNeuronFeatures,
    fates,
    collisions,
    triples,
  };
}

/** Every instance, aggregates (mean, std, standard error), W0·Wᵀ correlation and theory. */
export function analyzeRun(
  run: { W0: FloatArray; W: FloatArray; shape: readonly [number, number, number] },
  options: AnalyzeOptions & { fullCorrelation?: boolean } = {},
): RunAnalysis {
  const [I, n, m] = run.shape;
  const band = checkBand(options.band ?? DEFAULT_BAND);
  const criterion = criterionOf({ ...options, band });
  if (run.W0.length !== I * n * m || run.W.length !== I * n * m) {
    throw new RangeError(`analyzeRun: shape [${run.shape}] needs ${I * n * m} values, W0 has ${run.W0.length}, W has ${run.W.length}`);
  }
  const instances = Array.from({ length: I }, (_, inst) => analyzeInstance(run.W0, run.W, n, m, inst, { band, criterion }));
  const keys = Object.keys(instances[0]?.counts ?? {}) as Array<keyof InstanceCounts>;
  const counts = {} as Record<keyof InstanceCounts, Aggregate>;
  for (const key of keys) {
    const values = instances.map((a) => a.counts[key]);
    const { mean, std } = meanStd(values);
    counts[key] = { mean, std, standardError: std / Math.sqrt(values.length), values };
  }
  return {
    shape: [I, n, m],
    band,
    criterion,
    criterionText: describeCriterion(criterion),
    instances,
    counts,
    correlation: startEndCorrelation(run.W0, run.W, [I, n, m], { full: options.fullCorrelation ?? true }),
    theory: runTheory(n, m),
  };
}

export function runTheory(n: number, m: number): RunTheory {
  return {
    expectedCollisions: expectedCollisions(n, m),
    expectedBenign: expectedPolysemantic(n, m),
    expectedTriples: expectedTriples(n, m),
    expectedPolysemantic: expectedPolysemantic(n, m),
    exactExpectedPolysemantic: exactExpectedPolysemantic(n, m),
    exactExpectedSharedNeurons: exactExpectedSharedNeurons(n, m),
    chanceEndOnInitialWinner: 1 / m,
  };
}

/** Groups features by initial winner: pairs (benign/malign, with their fate), triples, and both-sign neurons. */
function findCollisions(fates: FeatureFate[], neuronFeatures: FeatureOnNeuron[][]) {
  const byWinner = new Map<number, number[]>();
  for (const f of fates) {
    const group = byWinner.get(f.initialWinner);
    if (group) group.push(f.feature);
    else byWinner.set(f.initialWinner, [f.feature]);
  }
  const collisions: Collision[] = [];
  const triples: TripleCollision[] = [];
  let predictedFromInit = 0;
  const represents = (k: number, i: number) => neuronFeatures[k].some((e) => e.feature === i);
  for (const [neuron, group] of [...byWinner.entries()].sort((a, b) => a[0] - b[0])) {
    if (group.length < 2) continue;
    const signs = group.map((i) => fates[i].initialSign);
    if (signs.includes(1) && signs.includes(-1)) predictedFromInit++;
    if (group.length >= 3) triples.push({ neuron, features: group, signs, kept: group.filter((i) => represents(neuron, i)) });
    for (let a = 0; a < group.length; a++) {
      for (let b = a + 1; b < group.length; b++) {
        const [i, j] = [group[a], group[b]];
        const sharedOn = fates[i].neurons.find((k) => fates[j].neurons.includes(k)) ?? -1;
        collisions.push({
          neuron,
          features: [i, j],
          kind: fates[i].initialSign === fates[j].initialSign ? 'malign' : 'benign',
          fate: sharedOn >= 0 ? 'shared' : 'separated',
          sharedOn,
          keptOnInitial: [i, j].filter((f) => represents(neuron, f)),
        });
      }
    }
  }
  return { collisions, triples, predictedFromInit };
}

/** Rank of neuron k in row r of W0 sorted by descending |W0| (ties broken by index). */
function rankOf(W0: FloatArray, r: number, m: number, k: number): number {
  const a = Math.abs(W0[r + k]);
  let rank = 0;
  for (let j = 0; j < m; j++) {
    const b = Math.abs(W0[r + j]);
    if (b > a || (b === a && j < k)) rank++;
  }
  return rank;
}

const signOf = (x: number): Sign => (x < 0 ? -1 : 1);
