/**
 * Experiment B (SCIENCE.md §6): polysemantic neurons against m for n = 256, compared with
 * n²/4m on log-log axes, with an OLS fit of log count on log m (slope and intercept with
 * 95 % confidence intervals). Paper: ≈72, 24, 14, 10 … 3.8 against 64, 32, 21, 16 … 4;
 * slope ≈ −1 (a single-run variant fitted −1.125).
 */
import { exactExpectedPolysemantic } from '../../analysis/theory.js';
import { countVsMSpec } from '../../plots/count-vs-m.js';
import { fmt, formatCI, formatMs } from '../format.js';
import type { CheckResult, Experiment, TableRow } from '../types.js';
import { fitLogLog, fitRows, gridRuns, measuredRows, nSquaredOver4m, pointCounts, summarize, theoryRows, type CountGrid } from './count-grid.js';

export const B_LAMBDA = 1e-3;

/** Published mean counts by m (n = 256), read off the paper's figure. */
const PUBLISHED: Record<number, number> = { 256: 72, 512: 24, 768: 14, 1024: 10, 4096: 3.8 };

const linear = (step: number, count: number) => Array.from({ length: count }, (_, k) => step * (k + 1));

export const B_GRIDS: Record<'paper' | 'quick' | 'test', CountGrid> = {
  paper: { n: 256, ms: linear(256, 16), instances: 16, instancesPerRun: 4, steps: 7500 },
  quick: { n: 64, ms: [64, 128, 256, 512, 1024], instances: 16, instancesPerRun: 8, steps: 10_000 },
  test: { n: 8, ms: [8, 16, 32], instances: 2, steps: 150 },
};

export const experimentB: Experiment<CountGrid> = {
  id: 'B',
  title: 'Polysemantic neurons fall as n²/4m',
  claim: 'With more neurons than features, the number of polysemantic neurons is about n²/(4m): it falls as 1/m and only vanishes once m is of order n².',
  params: B_GRIDS,
  describe: (g) =>
    `n=${g.n}, m ∈ ${formatMs(g.ms)}, ${g.instances} instances, AdamW lr 10⁻³ (weight decay 0.01), λ=10⁻³, ${g.steps} full-batch steps`,
  scaleNotes: {
    quick: 'n=64 instead of 256, and m doubling from n (5 sizes) instead of 16 steps of 256, so a run takes seconds instead of an hour; 10⁴ steps instead of 7500, because with m = n the features need about 8000 AdamW steps to settle at this n. The 16 instances are trained as 2 runs of 8.',
    test: 'tiny sizes for the test suite: too short to converge, the numbers mean nothing.',
  },
  runs: (g) => gridRuns(g, B_LAMBDA, 'B'),
  analyze(g, load, scale) {
    const points = g.ms.map((m) => summarize(m, pointCounts(g, m, B_LAMBDA, load)));
    const series = `n=${g.n}`;
    const fit = fitLogLog(points);
    const mLo = g.ms[0];
    const mHi = g.ms[g.ms.length - 1];
    const rows = [
      ...measuredRows(series, points, (p) => [Math.max(p.mean - p.sd, 0), p.mean + p.sd]),
      ...theoryRows(series, g.n, mLo, mHi),
      ...(fit ? fitRows(series, fit, mLo, mHi) : []),
    ];
    const notes: string[] = [
      'Fit: ordinary least squares of log₁₀(mean count over instances) on log₁₀ m, over the values of m whose mean count is positive; ' +
        '95 % confidence intervals from Student’s t with (number of m values − 2) degrees of freedom. Instances with 0 polysemantic neurons enter the means: ' +
        'fitting the log counts of single instances would have to drop them, which biases the slope towards 0 where counts are small.',
    ];
    const zeros = points.reduce((s, p) => s + p.counts.filter((c) => c === 0).length, 0);
    if (zeros) notes.push(`${zeros} instance counts of 0 cannot be drawn on the log axis (they are included in the means).`);
    if (fit?.excluded.length) notes.push(`The fit leaves out m = ${fit.excluded.join(', ')}, whose mean count is 0.`);

    const table: TableRow[] = points.map((p) => ({
      quantity: `polysemantic neurons, m=${p.m}`,
      measured: `${fmt(p.mean)} ± ${fmt(p.sd)} (range ${p.min}–${p.max})`,
      predicted: `${fmt(nSquaredOver4m(g.n, p.m))} (exact ${fmt(exactExpectedPolysemantic(g.n, p.m))})`,
      published: scale === 'paper' && PUBLISHED[p.m] !== undefined ? `≈${PUBLISHED[p.m]}` : '—',
    }));
    if (fit) {
      table.push({ quantity: 'log-log slope (95 % CI)', measured: formatCI(fit.slope, fit.slopeCI), predicted: '−1', published: '≈ −1 (single run: −1.125)' });
      table.push({
        quantity: 'log₁₀ intercept (95 % CI)',
        measured: formatCI(fit.intercept, fit.interceptCI),
        predicted: `${fmt(Math.log10((g.n * g.n) / 4))} = log₁₀(n²/4)`,
        published: '—',
      });
    }

    const checks: CheckResult[] = [];
    checks.push({
      name: 'B: log-log slope',
      measured: fit ? `slope ${formatCI(fit.slope, fit.slopeCI)} over ${fit.points} values of m` : 'no fit (fewer than 2 positive means)',
      criterion: 'slope in [−1.3, −0.7]',
      pass: fit !== null && fit.slope >= -1.3 && fit.slope <= -0.7,
    });
    const judged = points.filter((p) => nSquaredOver4m(g.n, p.m) >= 2);
    const off = judged.filter((p) => {
      const pred = nSquaredOver4m(g.n, p.m);
      return !(p.mean >= pred / 2 && p.mean <= pred * 2);
    });
    checks.push({
      name: 'B: counts vs n²/4m',
      measured: judged.map((p) => `m=${p.m}: ${fmt(p.mean / nSquaredOver4m(g.n, p.m))}×`).join(', ') || 'no m with n²/4m ≥ 2',
      criterion: 'mean count within a factor 2 of n²/4m wherever n²/4m ≥ 2',
      pass: judged.length > 0 && off.length === 0,
    });

    return {
      figures: [
        {
          id: 'B-count-vs-m',
          title: 'B: polysemantic neurons vs hidden neurons m',
          caption:
            `Each faint dot is one trained model (instance), the large dots the mean over ${g.instances} instances with bars of ±1 standard deviation. ` +
            `The dashed line is the prediction n²/4m: each feature's largest initial weight picks a neuron at random, two features land on the same neuron with probability 1/m, ` +
            `and half of those pairs have opposite signs and stay on it. The dotted line is the exact finite-n expectation of the same random-assignment model; ` +
            `the dash-dot line the least-squares fit of log count on log m. Both axes are logarithmic, so a 1/m law is a straight line of slope −1. ` +
          `A log axis cannot show 0: bars and bands that reach the bottom edge include counts of 0, and single instances with 0 are not drawn.`,
          rows,
          spec: countVsMSpec(rows, {
            title: 'B: polysemantic neurons vs hidden neurons m',
            subtitle: `n=${g.n}, λ=10⁻³, ${g.steps} AdamW steps; bars: mean ± 1 sd over ${g.instances} instances; dots: single instances`,
            seriesTitle: 'features',
          }),
        },
      ],
      table,
      checks,
      notes,
    };
  },
};
