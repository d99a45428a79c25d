/**
 * Experiment I (SCIENCE.md §7.4, §8): necessary vs incidental polysemanticity. At fixed n,
 * m/n from 1/4 to 8 (AdamW, λ = 10⁻³, the paper's optimizer settings): the count against the
 * forced minimum for m < n (n features on m neurons need at least min(m, n − m) neurons
 * holding two features, since a benign pair is the most a neuron can hold at no cost) and
 * against n²/4m for m ≥ n. Then a test from the final weights alone
 * (src/analysis/split-test.ts): move one feature of each polysemantic neuron onto a dead
 * neuron, retrain briefly next to the unmodified model; a split that holds at no loss means
 * the sharing was incidental, no spare neuron (or a split that costs loss) means necessary.
 * It is compared with what the start of training says: did the two features' largest
 * initial weights sit on the same neuron (the paper's incidental mechanism)?
 *
 * The retraining happens in the analysis from the cached final weights (one thread).
 */
import { applySplits, collidedAtInit, planSplits, splitHeld, type PlannedSplit } from '../../analysis/split-test.js';
import { polysemanticCount } from '../../analysis/neurons.js';
import { chooseCriterion } from '../../analysis/criterion.js';
import { countOneHotFeatures } from '../../core/metrics.js';
import { parseConfig } from '../../core/config.js';
import { openTrainer } from '../../kernels/select.js';
import { measuredVsSpec, type MeasuredRow } from '../../plots/measured-vs.js';
import { fmt, formatCI } from '../format.js';
import { mean, sampleStd, studentTQuantile } from '../stats.js';
import type { CheckResult, Experiment, ExperimentAnalysis, LoadRun, RunOutcome, TableRow } from '../types.js';
import { B_LAMBDA } from './b-count-vs-m.js';
import { nSquaredOver4m, pointRuns, type CountGrid } from './count-grid.js';

export interface NecessaryParams {
  n: number;
  ms: number[];
  instances: number;
  steps: number;
  /** retraining steps of the split test */
  retrainSteps: number;
}

/** A split "costs nothing" when its retrained loss is within this relative margin (plus 1e-6) of the unmodified model's. */
export const SPLIT_LOSS_MARGIN = 0.01;

/** Neurons that must hold two features when n features share m < n neurons (benign pairs at most). */
export const forcedMinimum = (n: number, m: number): number => (m >= n ? 0 : Math.min(m, n - m));

const grid = (p: NecessaryParams): CountGrid => ({ n: p.n, ms: p.ms, instances: p.instances, steps: p.steps });

export const experimentI: Experiment<NecessaryParams> = {
  id: 'I',
  part: 'beyond',
  title: 'Necessary or incidental: can the final weights tell?',
  claim:
    'With fewer neurons than features some sharing is forced (necessary polysemanticity); with more, it is incidental. How does the count go across m/n = 1/4 … 8, and can a test on the final weights alone tell the two kinds apart?',
  params: {
    quick: { n: 16, ms: [4, 8, 16, 32, 64, 128], instances: 16, steps: 10_000, retrainSteps: 1000 },
    paper: { n: 32, ms: [8, 16, 32, 64, 128, 256], instances: 32, steps: 10_000, retrainSteps: 2000 },
    test: { n: 6, ms: [3, 6, 12], instances: 2, steps: 150, retrainSteps: 20 },
  },
  describe: (p) => `n=${p.n}, m ∈ {${p.ms.join(', ')}} (m/n = ${p.ms.map((m) => fmtRatio(m, p.n)).join(', ')}), ${p.instances} instances, AdamW lr 10⁻³, λ=10⁻³, ${p.steps} steps; split test: ${p.retrainSteps} retraining steps`,
  scaleNotes: { quick: 'not a paper experiment; n=16 keeps every run and every retraining to seconds; the paper scale doubles n and the instances.', test: 'tiny sizes for the test suite.' },
  runs: (p) => p.ms.flatMap((m) => pointRuns(grid(p), m, B_LAMBDA, 'I')),
  analyze: (p, load) => analyzeI(p, load),
};

/** m/n as written in the report: a number from 1 up, a reduced fraction below (6/8 → 3/4, not 1/1). */
export function fmtRatio(m: number, n: number): string {
  if (m >= n) return String(m / n);
  let [a, b] = [m, n];
  while (b > 0) [a, b] = [b, a % b];
  return `${m / a}/${n / a}`;
}

/** The check: for every m < n the mean count reaches the forced minimum (pigeonhole, if every feature is represented). */
export function checkForcedMinimum(points: ReadonlyArray<{ m: number; mean: number; forced: number }>): CheckResult {
  const judged = points.filter((q) => q.forced > 0);
  return {
    name: 'I: with m < n the count reaches the forced minimum',
    measured: judged.map((q) => `m=${q.m}: ${fmt(q.mean)} vs ${q.forced}`).join(', ') || 'no m < n',
    criterion: 'mean count ≥ min(m, n − m) for every m < n',
    pass: judged.length > 0 && judged.every((q) => q.mean >= q.forced),
  };
}

interface Judged extends PlannedSplit {
  verdict: 'incidental' | 'necessary';
  collided: boolean;
}

/** Runs the split test on one run: the unmodified model and one retraining per round of splits (one split per instance per round). */
async function splitTest(run: RunOutcome, retrainSteps: number): Promise<Judged[]> {
  const plans = planSplits(run.W, run.shape);
  const retrain = async (W0: Float32Array) => {
    const config = parseConfig({ ...run.config, steps: retrainSteps, threads: 1 });
    const t = await openTrainer(config, { W0 });
    try {
      t.advance(retrainSteps);
      const last = t.finish();
      return { W: t.weights(), loss: last.loss };
    } finally {
      t.session.dispose();
    }
  };
  const judged: Judged[] = plans.map((s) => ({ ...s, verdict: 'necessary', collided: collidedAtInit(run.W0, run.shape, s.instance, s.features) }));
  const targeted = judged.filter((s) => s.target >= 0);
  if (!targeted.length) return judged;
  const base = await retrain(run.W);
  const byInstance = new Map<number, Judged[]>();
  for (const s of targeted) byInstance.set(s.instance, [...(byInstance.get(s.instance) ?? []), s]);
  const rounds = Math.max(...[...byInstance.values()].map((l) => l.length));
  for (let r = 0; r < rounds; r++) {
    const round = [...byInstance.values()].map((l) => l[r]).filter((s): s is Judged => s !== undefined);
    const after = await retrain(applySplits(run.W, run.shape, round));
    for (const s of round) {
      const free = after.loss[s.instance] <= base.loss[s.instance] * (1 + SPLIT_LOSS_MARGIN) + 1e-6;
      if (free && splitHeld(after.W, run.shape, s)) s.verdict = 'incidental';
    }
  }
  return judged;
}

async function analyzeI(p: NecessaryParams, load: LoadRun): Promise<ExperimentAnalysis> {
  const rows: MeasuredRow[] = [];
  const table: TableRow[] = [];
  const points: Array<{ m: number; mean: number; forced: number; judged: Judged[]; counts: number[]; shareCounts: number[]; oneHot: number }> = [];
  const share = chooseCriterion('share', {}).criterion;
  for (const m of p.ms) {
    const counts: number[] = [];
    const shareCounts: number[] = [];
    const judged: Judged[] = [];
    let oneHot = 0;
    for (const spec of pointRuns(grid(p), m, B_LAMBDA, 'I')) {
      const run = load(spec);
      const [I, n, mm] = run.shape;
      for (let i = 0; i < I; i++) {
        counts.push(polysemanticCount(run.W, n, mm, i));
        shareCounts.push(polysemanticCount(run.W, n, mm, i, share));
      }
      oneHot += countOneHotFeatures(run.W, I, n, mm).reduce((a, b) => a + b, 0);
      judged.push(...(await splitTest(run, p.retrainSteps)));
    }
    points.push({ m, mean: mean(counts), forced: forcedMinimum(p.n, m), judged, counts, shareCounts, oneHot: oneHot / (counts.length * p.n) });
  }
  const ci = (xs: number[]): [number, number] => {
    const h = xs.length > 1 ? (studentTQuantile(0.975, xs.length - 1) * sampleStd(xs)) / Math.sqrt(xs.length) : NaN;
    return [mean(xs) - h, mean(xs) + h];
  };
  let agree = 0;
  let total = 0;
  for (const q of points) {
    const x = q.m / p.n;
    const [lo, hi] = ci(q.counts);
    rows.push({ series: 'all polysemantic neurons', kind: 'measured', x, value: q.mean, lo, hi });
    const inc = q.judged.filter((s) => s.verdict === 'incidental').length;
    const nec = q.judged.length - inc;
    rows.push({ series: 'split test: incidental', kind: 'measured', x, value: inc / p.instances, lo: null, hi: null });
    rows.push({ series: 'split test: necessary', kind: 'measured', x, value: nec / p.instances, lo: null, hi: null });
    const collided = q.judged.filter((s) => s.collided).length;
    const agreeHere = q.judged.filter((s) => (s.verdict === 'incidental') === s.collided).length;
    agree += agreeHere;
    total += q.judged.length;
    table.push({
      quantity: `m=${q.m} (m/n = ${fmtRatio(q.m, p.n)}): polysemantic neurons per model (95 % CI)`,
      measured: formatCI(q.mean, [lo, hi]),
      predicted: q.m < p.n ? `≥ ${q.forced} (forced minimum)` : `${fmt(nSquaredOver4m(p.n, q.m))} (n²/4m)`,
      published: '—',
    });
    table.push({
      quantity: `m=${q.m}: features one-hot (one weight in [0.8, 1.2], the rest < 0.1); polysemantic neurons by the share rule`,
      measured: `${fmt(100 * q.oneHot, 0)} %; ${fmt(mean(q.shareCounts))}`,
      predicted: q.m < p.n ? `at most ${fmt((100 * Math.min(p.n, 2 * q.m)) / p.n, 0)} % can be on a neuron of their own or in a benign pair` : '100 %',
      published: '—',
    });
    table.push({
      quantity: `m=${q.m}: split test incidental / necessary; pair collided at init; test agrees with init`,
      measured: `${inc} / ${nec} of ${q.judged.length}; ${collided}; ${q.judged.length ? fmt((100 * agreeHere) / q.judged.length, 0) : 'n/a'} %`,
      predicted: q.m < p.n ? 'necessary (no spare neuron)' : 'incidental (a spare neuron is free)',
      published: '—',
    });
  }
  const xs = p.ms.map((m) => m / p.n);
  const fine = Array.from({ length: 49 }, (_, j) => xs[0] * (xs[xs.length - 1] / xs[0]) ** (j / 48));
  for (const x of fine) {
    const m = x * p.n;
    if (m < p.n) rows.push({ series: 'forced minimum min(m, n − m)', kind: 'forced minimum (m < n)', x, value: Math.min(m, p.n - m), lo: null, hi: null });
    else rows.push({ series: 'n²/4m', kind: 'n²/4m (m ≥ n)', x, value: nSquaredOver4m(p.n, m), lo: null, hi: null });
  }
  const check = checkForcedMinimum(points);
  const below = points.filter((q) => q.m < p.n);
  const above = points.filter((q) => q.m >= p.n);
  const shareOf = (list: typeof points, v: Judged['verdict']) => {
    const all = list.flatMap((q) => q.judged);
    return all.length ? `${fmt((100 * all.filter((s) => s.verdict === v).length) / all.length, 0)} % of ${all.length}` : 'none';
  };
  const answer =
    `For m < n the count ${below.map((q) => `${fmt(q.mean)} [${ci(q.counts).map((v) => fmt(v)).join(', ')}] at m/n = ${fmtRatio(q.m, p.n)}`).join(', ')} ` +
    `${check.pass ? 'reaches' : 'does not reach'} the forced minimum min(m, n − m) = ${below.map((q) => q.forced).join(', ')}` +
    `${below.some((q) => ci(q.counts)[0] > q.forced) ? ' and exceeds it: incidental sharing comes on top of the necessary one' : ''}` +
    `${check.pass ? '' : ` — contradicting our pigeonhole prediction, because the features do not all end represented: only ${below.map((q) => `${fmt(100 * q.oneHot, 0)} %`).join(' and ')} of them end one-hot (the share rule, which needs no unit weights, counts ${below.map((q) => fmt(mean(q.shareCounts))).join(' and ')} polysemantic neurons); with too few neurons the model drops features or keeps them in superposition instead of packing benign pairs`}; ` +
    `for m ≥ n it is ${above.map((q) => `${fmt(q.mean)} (n²/4m = ${fmt(nSquaredOver4m(p.n, q.m))})`).join(', ')}. ` +
    `The split test on the final weights calls ${shareOf(below, 'necessary')} polysemantic neurons necessary for m < n and ${shareOf(above, 'incidental')} incidental for m ≥ n: ` +
    `the final weights do tell the two apart, through whether a spare neuron exists and a split into it costs nothing. ` +
    `The start of training says much less: the test's verdict agrees with “both features' largest initial weights were on this neuron” for ${total ? fmt((100 * agree) / total, 0) : 'n/a'} % of ${total} neurons, ` +
    `because (experiment K) most features do not end on their initial leader; so the paper's view that the history decides, read from the initialization, does not identify which neurons are incidental.`;
  return {
    figures: [
      {
        id: 'I-necessary-vs-incidental',
        title: 'I: polysemantic neurons from m/n = 1/4 to 8, and what the split test calls them',
        caption:
          `Polysemantic neurons per model for n=${p.n} features and m from ${p.ms[0]} to ${p.ms[p.ms.length - 1]} neurons (mean over ${p.instances} instances, 95 % confidence intervals). ` +
          `With fewer neurons than features some neurons must hold two features: at least min(m, n − m) of them (dashed). With more neurons, sharing is an accident of the random start, about n²/4m (dash-dot). ` +
          `The split test looks only at the final weights: it moves one feature of each polysemantic neuron onto an unused neuron and retrains briefly; if the model is no worse, the sharing was not needed (incidental), ` +
          `otherwise, or when no unused neuron exists, it was necessary. Both axes are logarithmic.`,
        rows,
        spec: measuredVsSpec(rows, {
          title: 'I: necessary vs incidental polysemanticity',
          subtitle: `n=${p.n}, AdamW λ=10⁻³, ${p.steps} steps, ${p.instances} instances; split test with ${p.retrainSteps} retraining steps`,
          xTitle: 'hidden neurons per feature m/n (log scale)',
          yTitle: 'neurons per model (log scale)',
          xLog: true,
          yLog: true,
          seriesTitle: 'neurons',
        }),
      },
    ],
    table,
    checks: [check],
    notes: [
      `A neuron is dead (spare) when every |W_ik| < 0.1. A split is free when its retrained loss is within ${SPLIT_LOSS_MARGIN * 100} % (+10⁻⁶) of the unmodified model retrained the same way, and it holds when each feature still has its largest weight on its own neuron.`,
      'Splits run in rounds, one per instance per round, so each verdict is that of a single split.',
      'Zero counts cannot be drawn on the log axis; the table has every value.',
    ],
    answer,
  };
}
