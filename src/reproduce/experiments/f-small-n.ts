/**
 * Experiment F (SCIENCE.md §6): the n²/4m law at small n: n = 32 and 64, m doubling from n,
 * AdamW lr 10⁻³, λ = 10⁻³, 10⁴ steps. Paper (n = 64): 15, 8, 4, 2 … for m = 64, 128, 256, 512.
 * The paper does not state the number of instances or the largest m; we use 16 instances
 * and m up to 16n.
 */
import { exactExpectedPolysemantic } from '../../analysis/theory.js';
import { countVsMSpec, type CountRow } from '../../plots/count-vs-m.js';
import { fmt, formatCI } from '../format.js';
import type { Experiment, ExperimentAnalysis, LoadRun, TableRow } from '../types.js';
import { B_LAMBDA } from './b-count-vs-m.js';
import { fitLogLog, fitRows, gridRuns, measuredRows, nSquaredOver4m, pointCounts, summarize, theoryRows, type CountGrid } from './count-grid.js';

export interface SmallNParams {
  ns: number[];
  /** m = n, 2n, …, 2^(sizes−1)·n */
  sizes: number;
  instances: number;
  instancesPerRun?: number;
  steps: number;
}

const PUBLISHED: Record<string, number> = { '64 64': 15, '64 128': 8, '64 256': 4, '64 512': 2 };

function grids(p: SmallNParams): CountGrid[] {
  return p.ns.map((n) => ({ n, ms: Array.from({ length: p.sizes }, (_, k) => n * 2 ** k), instances: p.instances, instancesPerRun: p.instancesPerRun, steps: p.steps }));
}

export const experimentF: Experiment<SmallNParams> = {
  id: 'F',
  title: 'The same law at small n',
  claim: 'The n²/4m law already holds for small models (n = 32 and 64 features).',
  params: {
    paper: { ns: [32, 64], sizes: 5, instances: 16, instancesPerRun: 4, steps: 10_000 },
    quick: { ns: [32, 64], sizes: 5, instances: 8, steps: 10_000 },
    test: { ns: [4, 8], sizes: 3, instances: 2, steps: 150 },
  },
  describe: (p) =>
    `n ∈ {${p.ns.join(', ')}}, m = n, 2n, …, ${2 ** (p.sizes - 1)}n, ${p.instances} instances, AdamW lr 10⁻³, λ=10⁻³, ${p.steps} steps`,
  scaleNotes: {
    quick: '8 instances instead of 16; the n=64 runs are the first 8 instances of B at quick scale.',
    test: 'tiny sizes for the test suite.',
  },
  runs: (p) => grids(p).flatMap((g) => gridRuns(g, B_LAMBDA, 'F')),
  analyze: (p, load) => analyzeF(p, load),
};

function analyzeF(p: SmallNParams, load: LoadRun): ExperimentAnalysis {
  const rows: CountRow[] = [];
  const table: TableRow[] = [];
  for (const g of grids(p)) {
    const series = `n=${g.n}`;
    const points = g.ms.map((m) => summarize(m, pointCounts(g, m, B_LAMBDA, load)));
    const fit = fitLogLog(points);
    const mLo = g.ms[0];
    const mHi = g.ms[g.ms.length - 1];
    rows.push(
      ...measuredRows(series, points, (q) => [Math.max(q.mean - q.sd, 0), q.mean + q.sd]),
      ...theoryRows(series, g.n, mLo, mHi, false),
      ...(fit ? fitRows(series, fit, mLo, mHi) : []),
    );
    for (const q of points) {
      const pub = PUBLISHED[`${g.n} ${q.m}`];
      table.push({
        quantity: `polysemantic neurons, n=${g.n}, m=${q.m}`,
        measured: `${fmt(q.mean)} ± ${fmt(q.sd)}`,
        predicted: `${fmt(nSquaredOver4m(g.n, q.m))} (exact ${fmt(exactExpectedPolysemantic(g.n, q.m))})`,
        published: pub !== undefined ? `≈${pub}` : '—',
      });
    }
    if (fit) table.push({ quantity: `n=${g.n}: log-log slope (95 % CI)`, measured: formatCI(fit.slope, fit.slopeCI), predicted: '−1', published: '—' });
  }
  return {
    figures: [
      {
        id: 'F-small-n',
        title: 'F: polysemantic neurons vs m at n = 32 and 64',
        caption:
          `Like B, for two small numbers of features. Large dots: mean over ${p.instances} instances with ±1 standard deviation bars; faint dots: single instances; ` +
          `dashed lines: n²/4m for each n; dash-dot: least-squares fits. Doubling the features quadruples the count at a given m, as n² predicts, ` +
          `and doubling m halves it. ` +
          `A log axis cannot show 0: bars and bands that reach the bottom edge include counts of 0, and single instances with 0 are not drawn.`,
        rows,
        spec: countVsMSpec(rows, {
          title: 'F: polysemantic neurons vs m for n = 32 and 64',
          subtitle: `λ=10⁻³, ${p.steps} AdamW steps; bars: mean ± 1 sd over ${p.instances} instances`,
          seriesTitle: 'features',
        }),
      },
    ],
    table,
    checks: [],
    notes: [],
  };
}
