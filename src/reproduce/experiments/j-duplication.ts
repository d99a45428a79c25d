/**
 * Experiment J (SCIENCE.md §7.3, §8): neuron duplication, the paper's proposed cure. From
 * F's trained models (shared through the cache), every polysemantic neuron is duplicated
 * (two columns W_{·k}/√2, noise N(0, σ²) on the copies' incoming weights,
 * src/analysis/duplicate.ts) and training continues with the run's own optimizer settings
 * (fresh optimizer state) for K more steps. A duplicated neuron succeeds when its two
 * copies end monosemantic with one of its two features each.
 *
 * The continued training happens here, in the analysis, from the cached final weights
 * (one thread, the selected backend): it needs the finished source run, and the runner
 * trains only runs that start from a seed.
 *
 * Check: at σ = 0 the outputs ReLU(W Wᵀ) before and after the duplication agree to float32
 * rounding (SCIENCE.md §8: each copy contributes half of every product).
 */
import { duplicateNeurons, duplicationOutcomes, maxOutputChange, polysemanticNeurons, type DuplicationOutcome } from '../../analysis/duplicate.js';
import { parseConfig } from '../../core/config.js';
import { openTrainer } from '../../kernels/select.js';
import { measuredVsSpec, type MeasuredRow } from '../../plots/measured-vs.js';
import { fmt } from '../format.js';
import { wilson } from '../proportions.js';
import type { CheckResult, Experiment, ExperimentAnalysis, LoadRun, TableRow } from '../types.js';
import { B_LAMBDA } from './b-count-vs-m.js';
import { pointRuns, type CountGrid } from './count-grid.js';

export interface DuplicationParams {
  /** the source grid point (a run of F at this scale: same n, instances and steps) */
  source: { n: number; m: number; instances: number; steps: number };
  sigmas: number[];
  /** steps after the duplication at which the outcome is read, ascending */
  Ks: number[];
  seed: number;
}

/** float32 rounding of 1/√2 moves a product W_ik W_jk by at most ~2⁻²³ relative; 1e-6 allows ~8 ulps at 1. */
export const J_OUTPUT_TOLERANCE = 1e-6;

const grid = (p: DuplicationParams): CountGrid => ({ n: p.source.n, ms: [p.source.m], instances: p.source.instances, steps: p.source.steps });
const sourceRuns = (p: DuplicationParams) => pointRuns(grid(p), p.source.m, B_LAMBDA, 'J source');

export const experimentJ: Experiment<DuplicationParams> = {
  id: 'J',
  part: 'beyond',
  title: 'Neuron duplication: does each copy take one feature?',
  claim:
    'The paper proposes a cure: duplicate a polysemantic neuron, halve its weights, add a little noise to each copy and train a few more steps. Does each copy then take one of the two features?',
  params: {
    quick: { source: { n: 32, m: 64, instances: 8, steps: 10_000 }, sigmas: [0, 0.025, 0.05, 0.1, 0.2], Ks: [1000, 5000, 20_000], seed: 11_013 },
    paper: { source: { n: 64, m: 128, instances: 16, steps: 10_000 }, sigmas: [0, 0.01, 0.025, 0.05, 0.1, 0.2], Ks: [1000, 5000, 20_000, 50_000], seed: 11_013 },
    test: { source: { n: 12, m: 16, instances: 4, steps: 10_000 }, sigmas: [0, 0.05, 0.1, 0.2], Ks: [20, 50], seed: 11_013 },
  },
  describe: (p) =>
    `every polysemantic neuron of F's runs at n=${p.source.n}, m=${p.source.m} (${p.source.instances} instances, AdamW, λ=10⁻³, ${p.source.steps} steps) duplicated with noise σ ∈ {${p.sigmas.join(', ')}}, ` +
    `then K ∈ {${p.Ks.join(', ')}} more AdamW steps`,
  scaleNotes: {
    quick: "F's quick runs at n=32, m=64; the paper scale uses n=64, m=128 with 16 instances and up to 10⁴ more steps.",
    test: 'tiny sizes for the test suite (its own source runs, n=12, m=16).',
  },
  runs: (p) => sourceRuns(p),
  analyze: (p, load) => analyzeJ(p, load),
};

/** The check from the largest output change at σ = 0; pure, so tests feed it made-up values. */
export function checkOutputsPreserved(maxChange: number, duplicated: number): CheckResult {
  return {
    name: 'J: duplication at σ = 0 leaves every output unchanged',
    measured: `largest |ReLU(WWᵀ) − ReLU(W′W′ᵀ)| = ${maxChange.toExponential(2)} over ${duplicated} duplicated neurons`,
    criterion: `≤ ${J_OUTPUT_TOLERANCE.toExponential(0)} (float32 rounding of W/√2), with at least one neuron duplicated`,
    pass: duplicated > 0 && maxChange <= J_OUTPUT_TOLERANCE,
  };
}

interface Cell {
  sigma: number;
  K: number;
  outcomes: DuplicationOutcome[];
}

async function analyzeJ(p: DuplicationParams, load: LoadRun): Promise<ExperimentAnalysis> {
  const cells: Cell[] = [];
  let changeAtZero = NaN;
  let total = 0;
  for (const spec of sourceRuns(p)) {
    const run = load(spec);
    const [I, n, m] = run.shape;
    const lists = Array.from({ length: I }, (_, inst) => polysemanticNeurons(run.W, n, m, inst));
    if (lists.every((l) => l.length === 0)) continue;
    for (const sigma of p.sigmas) {
      const dup = duplicateNeurons(run.W, run.shape, lists, sigma, p.seed);
      if (sigma === 0) {
        changeAtZero = Math.max(Number.isNaN(changeAtZero) ? 0 : changeAtZero, maxOutputChange(run.W, run.shape, dup.W0, dup.shape));
        total += dup.duplicated.length;
      }
      const config = parseConfig({ ...run.config, nHidden: dup.shape[2], steps: p.Ks[p.Ks.length - 1], seed: p.seed, threads: 1 });
      const trainer = await openTrainer(config, { W0: dup.W0 });
      try {
        for (const K of p.Ks) {
          trainer.advance(K - trainer.step);
          const outcomes = duplicationOutcomes(trainer.weights(), dup.shape, dup.duplicated);
          const cell = cells.find((c) => c.sigma === sigma && c.K === K);
          if (cell) cell.outcomes.push(...outcomes);
          else cells.push({ sigma, K, outcomes });
        }
      } finally {
        trainer.session.dispose();
      }
    }
  }

  const rows: MeasuredRow[] = [];
  const table: TableRow[] = [];
  const rate = (c: Cell) => {
    const k = c.outcomes.filter((o) => o.split).length;
    const [lo, hi] = wilson(k, c.outcomes.length);
    return { k, N: c.outcomes.length, value: c.outcomes.length ? k / c.outcomes.length : NaN, lo, hi };
  };
  for (const c of cells) {
    const r = rate(c);
    rows.push({ series: `K = ${c.K} steps`, kind: 'measured', x: c.sigma, value: r.value, lo: r.lo, hi: r.hi, neurons: r.N });
  }
  const kMax = p.Ks[p.Ks.length - 1];
  for (const sigma of p.sigmas) {
    const c = cells.find((x) => x.sigma === sigma && x.K === kMax);
    if (!c) continue;
    const r = rate(c);
    const kept = c.outcomes.filter((o) => o.fate === 'shared').length;
    const lost = c.outcomes.filter((o) => o.fate === 'moved').length;
    table.push({
      quantity: `σ=${sigma}, K=${kMax}: copies split one feature each (95 % CI); still shared; moved`,
      measured: `${r.k} of ${r.N} = ${fmt(100 * r.value, 0)} % [${fmt(100 * r.lo, 0)}, ${fmt(100 * r.hi, 0)}]; ${kept}; ${lost}`,
      predicted: sigma === 0 ? '0 % (identical copies stay identical)' : 'each copy takes one feature (the paper’s proposal)',
      published: '—',
    });
  }
  for (const K of p.Ks.slice(0, -1)) {
    const parts = p.sigmas.map((s) => cells.find((c) => c.sigma === s && c.K === K)).filter((c): c is Cell => !!c).map((c) => `σ=${c.sigma}: ${fmt(100 * rate(c).value, 0)} %`);
    table.push({ quantity: `split after K=${K} steps`, measured: parts.join(', '), predicted: '—', published: '—' });
  }
  table.push({
    quantity: 'largest output change at the duplication, σ = 0',
    measured: Number.isFinite(changeAtZero) ? changeAtZero.toExponential(2) : 'no polysemantic neuron',
    predicted: '0 up to float32 rounding',
    published: '—',
  });

  const check = checkOutputsPreserved(Number.isFinite(changeAtZero) ? changeAtZero : Infinity, total);
  const atMax = p.sigmas.map((s) => ({ s, c: cells.find((x) => x.sigma === s && x.K === kMax) })).filter((x) => x.c) as Array<{ s: number; c: Cell }>;
  const best = atMax.filter((x) => x.s > 0).reduce<{ s: number; c: Cell } | null>((b, x) => (b === null || rate(x.c).value > rate(b.c).value ? x : b), null);
  const zero = atMax.find((x) => x.s === 0);
  const fmtRate = (c: Cell) => {
    const r = rate(c);
    return `${r.k} of ${r.N} (${fmt(100 * r.value, 0)} %, 95 % CI ${fmt(100 * r.lo, 0)}–${fmt(100 * r.hi, 0)} %)`;
  };
  const answer =
    total === 0
      ? 'No neuron was polysemantic in the source runs at this scale, so nothing was duplicated.'
      : `Duplicating a neuron preserved the model's outputs to ${changeAtZero.toExponential(1)} (float32 rounding), as SCIENCE.md §8 predicts. ` +
        (zero ? `Without noise none can split — ${fmtRate(zero.c)} did after ${kMax} steps — because two identical copies receive identical updates forever. ` : '') +
        (best && best.s > 0
          ? `With noise, the best split rate after ${kMax} steps was at σ = ${best.s}: ${fmtRate(best.c)}; ` +
            atMax.filter((x) => x.s > 0 && x !== best).map((x) => `σ = ${x.s}: ${fmt(100 * rate(x.c).value, 0)} %`).join(', ') +
            (atMax.length > 2 ? '. ' : '') +
            (rate(best.c).value >= 0.9
              ? 'The paper’s proposed cure works: almost every duplicated neuron ends as two monosemantic neurons.'
              : 'This contradicts the paper’s hope that duplication cures polysemanticity: a large share of duplicated neurons ends with both features on one copy again. ') +
            (rate(best.c).lo <= 0.5 && rate(best.c).hi >= 0.5
              ? 'The rate is consistent with a coin flip (1/2, inside the interval), our prediction once the tie is broken: a benign pair costs nothing, so nothing pushes its two features apart, and each feature ends on whichever copy wins its own race. Repeating the duplication r times would then cure a share 1 − 2⁻ʳ.'
              : 'The rate is not consistent with a coin flip (1/2 lies outside the interval), the outcome we expected if each feature picked a copy by its own race.')
          : '');
  return {
    figures: [
      {
        id: 'J-duplication',
        title: 'J: share of duplicated polysemantic neurons whose copies each take one feature',
        caption:
          `Every polysemantic neuron of ${p.source.instances} trained models (n=${p.source.n}, m=${p.source.m}) is replaced by two copies carrying half its weights each (÷√2), which leaves the model's outputs unchanged; ` +
          `then Gaussian noise of size σ is added to both copies' incoming weights and training continues. A duplicated neuron succeeds when each copy ends holding exactly one of the two features. ` +
          `Dots: success rate after K more training steps, with 95 % Wilson intervals. At σ = 0 the copies are identical and stay identical, so nothing splits.`,
        rows,
        spec: measuredVsSpec(rows, {
          title: 'J: neuron duplication, success rate vs noise σ',
          subtitle: `n=${p.source.n}, m=${p.source.m}, ${total} duplicated neurons; bars: 95 % Wilson intervals`,
          xTitle: "noise σ on the copies' incoming weights",
          yTitle: 'copies split into two monosemantic neurons',
          yDomain: [0, 1],
          seriesTitle: 'steps after duplication',
        }),
      },
    ],
    table,
    checks: [check],
    notes: [
      'Training after the duplication uses the source run’s optimizer settings (AdamW lr 10⁻³, weight decay 0.01, λ = 10⁻³) from a fresh optimizer state; every σ uses the same noise seed. ' +
        'Instances with fewer polysemantic neurons than others get all-zero extra columns, which stay zero and change nothing.',
      '“Still shared”: not split, and both features still have their largest weight on the same copy (at σ = 0 the copies are equal, each holding both features at 1/√2); ' +
        '“moved”: anything else (a feature’s largest weight left the copies, or each copy leads one feature but not inside the band [0.8, 1.2]).',
      'The same procedure on any run directory: incidental duplicate RUN --neurons polysemantic --noise σ --steps K --out DIR.',
    ],
    answer,
  };
}
