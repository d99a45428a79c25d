/**
 * Experiment A (SCIENCE.md §4): the sparsification law. One encoding under feature benefit
 * and L1 only, simulated exactly as the paper does (m = 10⁵ half-normal weights of std
 * 0.9/√m, Euler step 0.5, λ = 10⁻⁵, weights ≤ 0 removed) against the theory
 * ‖w‖₁ ≈ max(1/(1/√m + λt), 1), m′ ≈ ‖w‖₁², t* ≈ 1/λ. Our measurements so far: ‖w‖₁ within
 * ~25 %, m′ 1.6–2× above its prediction mid-run, t* ≈ 1.1–1.8/λ. No training runs: the
 * exact fast simulation takes well under a second.
 */
import { simulateSparsification, type SparsifyResult } from '../../analysis/sparsify.js';
import { SPARSIFY_QUANTITIES, sparsificationSpec, type SparsifyRow } from '../../plots/sparsification.js';
import { fmt, sci } from '../format.js';
import { percentile } from '../stats.js';
import type { CheckResult, Experiment, ExperimentAnalysis } from '../types.js';


export interface SparsifyParams {
  m: number;
  lambda: number;
  step: number;
  initScale: number;
  seed: number;
}

const PAPER: SparsifyParams = { m: 100_000, lambda: 1e-5, step: 0.5, initScale: 0.9, seed: 0 };

/** Extra seeds simulated to show the spread of t* and of the ‖w‖₁ deviation (never used to pick a seed). */
const SEED_SPREAD = 8;

/** The acceptance tolerance on ‖w‖₁ against its prediction, up to t*. */
export const L1_TOLERANCE = 0.35;

/**
 * A's check, restated (issue 11), decided before looking at any result: the single-seed
 * check failed for about half of all seeds because the last race between the two largest
 * weights stalls ‖w‖₁ for a time set by their gap, a finite-size effect the mean-field law
 * ‖w‖₁ ≈ 1/(1/√m + λt) does not describe. So: seeds 0 … CHECK_SEEDS − 1; per seed the
 * largest deviation over recorded times with 0 < t ≤ t* while at least MEAN_FIELD_MIN
 * weights survive (the power-law range); PASS when the median over seeds is within the
 * old tolerance L1_TOLERANCE.
 */
export const CHECK_SEEDS = 16;
export const MEAN_FIELD_MIN = 10;

export const experimentA: Experiment<SparsifyParams> = {
  id: 'A',
  title: 'Winner takes all: the sparsification law',
  claim: 'Under feature benefit and L1 alone, the weights of one encoding die from the smallest up while the survivors grow, until one weight is left at t* ≈ 1/λ.',
  params: { paper: PAPER, quick: PAPER, test: { ...PAPER, m: 10_000, lambda: 1e-4 } },
  describe: (p) => `one encoding, m=${sci(p.m)}, λ=${sci(p.lambda)} (reduced flow), init |N(0, (${p.initScale}/√m)²)|, Euler step ${p.step}, seed ${p.seed}`,
  scaleNotes: { quick: 'none: the exact simulation at paper scale takes under a second.', test: 'm = 10⁴, λ = 10⁻⁴ for the test suite.' },
  runs: () => [],
  analyze: (p) => analyzeA(p),
};

/**
 * Largest |‖w‖₁ / prediction − 1| over recorded points with 0 < t ≤ t* (or all points if t*
 * was not reached) and at least `minSurvivors` surviving weights (default 0: every point).
 */
export function maxL1Deviation(r: SparsifyResult, minSurvivors = 0): { deviation: number; at: number } {
  let deviation = 0;
  let at = 0;
  const end = r.tStar ?? Infinity;
  for (const q of r.points) {
    if (q.t <= 0 || q.t > end || q.mPrime < minSurvivors) continue;
    const d = Math.abs(q.l1 / q.l1Theory - 1);
    if (d > deviation) {
      deviation = d;
      at = q.t;
    }
  }
  return { deviation, at };
}

/** The restated check from per-seed deviations (fractions), seeds in order; pure, so tests feed it made-up values. */
export function checkSeedRobustL1(deviations: readonly number[], firstSeed = 0): CheckResult {
  const med = percentile(deviations, 50);
  const within = deviations.filter((d) => d <= L1_TOLERANCE).length;
  return {
    name: `A: ‖w‖₁ follows the prediction (median of ${deviations.length} seeds)`,
    measured:
      `median of the per-seed max deviation ${fmt(100 * med, 1)} % over seeds ${firstSeed}–${firstSeed + deviations.length - 1} ` +
      `(range ${fmt(100 * Math.min(...deviations), 0)}–${fmt(100 * Math.max(...deviations), 0)} %; ${within} of ${deviations.length} seeds within ${L1_TOLERANCE * 100} %)`,
    criterion: `median over ≥ ${CHECK_SEEDS} seeds of max |‖w‖₁/prediction − 1| for t ≤ t* while m′ ≥ ${MEAN_FIELD_MIN}, within ${L1_TOLERANCE * 100} %`,
    pass: deviations.length >= CHECK_SEEDS && med <= L1_TOLERANCE,
  };
}

function analyzeA(p: SparsifyParams): ExperimentAnalysis {
  const r = simulateSparsification({ ...p, record: { pointsPerDecade: 40 } });
  const rows: SparsifyRow[] = [];
  for (const q of r.points) {
    rows.push({ quantity: SPARSIFY_QUANTITIES[0], kind: 'simulation', t: q.t, value: q.l1 });
    rows.push({ quantity: SPARSIFY_QUANTITIES[0], kind: 'theory', t: q.t, value: q.l1Theory });
    rows.push({ quantity: SPARSIFY_QUANTITIES[1], kind: 'simulation', t: q.t, value: q.mPrime });
    rows.push({ quantity: SPARSIFY_QUANTITIES[1], kind: 'theory', t: q.t, value: q.mPrimeTheory });
  }
  const { deviation, at } = maxL1Deviation(r);
  // the restated check: seeds 0 … CHECK_SEEDS − 1 (seed p.seed is the figure's curve)
  const checkSims = Array.from({ length: CHECK_SEEDS }, (_, k) =>
    k === p.seed ? r : simulateSparsification({ ...p, seed: k, record: { pointsPerDecade: 40 } }),
  );
  const robustDevs = checkSims.map((o) => maxL1Deviation(o, MEAN_FIELD_MIN).deviation);
  // looked at only after the check above had been fixed and run: where the deviation sits
  const early = checkSims.map((o) => maxL1Deviation(o, 100).deviation);
  const seedMedian = medianCurves(checkSims);
  for (const q of seedMedian) {
    rows.push({ quantity: SPARSIFY_QUANTITIES[0], kind: MEDIAN_KIND, t: q.t, value: q.l1 });
    rows.push({ quantity: SPARSIFY_QUANTITIES[1], kind: MEDIAN_KIND, t: q.t, value: q.mPrime });
  }
  // mid-run: the recorded point nearest λt = 0.5 (half-way to the predicted t*)
  // the same simulation at other seeds: how much of the outcome is the luck of one draw
  const others = Array.from({ length: SEED_SPREAD }, (_, k) => simulateSparsification({ ...p, seed: p.seed + 1 + k, record: { pointsPerDecade: 40 } }));
  const devs = others.map((o) => maxL1Deviation(o).deviation);
  const tStars = others.map((o) => o.tStarTimesLambda).filter((v): v is number => v !== null);
  const within = devs.filter((d) => d <= L1_TOLERANCE).length;
  const mid = r.points.reduce((best, q) => (Math.abs(q.t * p.lambda - 0.5) < Math.abs(best.t * p.lambda - 0.5) ? q : best), r.points[0]);
  const notes = r.finished ? [] : [`The simulation stopped at its step limit (${r.steps} steps) with ${r.survivors} weights left.`];
  notes.push(
    `The check (restated in issue 11, criterion fixed before its result was seen) uses ${CHECK_SEEDS} seeds (0–${CHECK_SEEDS - 1}): for each, the largest deviation of ‖w‖₁ from ` +
      `1/(1/√m + λt) while at least ${MEAN_FIELD_MIN} weights survive, where the mean-field law applies; the median over seeds must be within ${L1_TOLERANCE * 100} %. ` +
      `The old check (the single seed ${p.seed}, every time up to t*) is kept as a table row: it failed for about half of all seeds.`,
  );
  notes.push(
    `The figure's solid curve is the paper's single simulation (seed ${p.seed}). Late in the run, when only two or three weights are left, ‖w‖₁ stalls above the prediction ` +
      `for a time that depends on the gap between the largest initial weights, so the largest deviation and t* vary from seed to seed; the table shows their range over ${SEED_SPREAD} other seeds.`,
  );
  return {
    figures: [
      {
        id: 'A-sparsification',
        title: 'A: sparsification dynamics of one encoding vs theory',
        caption:
          `One feature's encoding with m=${p.m} weights under only two forces: the pull towards unit length and the L1 penalty, which lowers every weight at the same speed λ. ` +
          `Weights above the threshold 1/‖w‖₁ grow and the others shrink to zero, so the rich get richer. Left: the sum of the weights ‖w‖₁; right: the number of weights still ` +
          `alive m′. Solid: the exact simulation of the paper's draw (seed ${p.seed}); dotted: the pointwise median over seeds 0–${CHECK_SEEDS - 1} (up to the earliest t* among them); dashed: the prediction ‖w‖₁ ≈ 1/(1/√m + λt), m′ ≈ ‖w‖₁². Vertical lines: the time one weight is left (t*) and its prediction 1/λ. ` +
          `Both axes are logarithmic; time is the gradient-flow time (Euler steps × ${p.step}).`,
        rows,
        spec: sparsificationSpec(rows, {
          title: 'A: sparsification of one encoding under L1 (simulation vs theory)',
          subtitle: `m=${sci(p.m)}, λ=${sci(p.lambda)}, init std ${p.initScale}/√m, Euler step ${p.step}`,
          tStar: r.tStar,
          lambda: p.lambda,
        }),
      },
    ],
    table: [
      {
        quantity: 't* · λ (time until one weight is left)',
        measured: r.tStarTimesLambda === null ? `not reached in ${r.steps} steps` : fmt(r.tStarTimesLambda, 3),
        predicted: '1',
        published: '1.1–1.8',
      },
      {
        quantity: 'max |‖w‖₁ / prediction − 1| for t ≤ t*',
        measured: `${fmt(100 * deviation, 1)} % (at t = ${at.toPrecision(3)})`,
        predicted: '0',
        published: '≈ 25 %',
      },
      {
        quantity: `the same at ${SEED_SPREAD} other seeds (${p.seed + 1}–${p.seed + SEED_SPREAD}): t*·λ; max ‖w‖₁ deviation`,
        measured: `t*·λ ${fmt(Math.min(...tStars))}–${fmt(Math.max(...tStars))}; deviation ${fmt(100 * Math.min(...devs), 0)}–${fmt(100 * Math.max(...devs), 0)} % (≤ ${L1_TOLERANCE * 100} % at ${within} of ${SEED_SPREAD})`,
        predicted: '1; 0',
        published: '1.1–1.8; ≈ 25 %',
      },
      {
        quantity: `median over seeds 0–${CHECK_SEEDS - 1} of max ‖w‖₁ deviation while m′ ≥ ${MEAN_FIELD_MIN} (the check)`,
        measured: `${fmt(100 * percentile(robustDevs, 50), 1)} % (range ${fmt(100 * Math.min(...robustDevs), 0)}–${fmt(100 * Math.max(...robustDevs), 0)} %)`,
        predicted: '0',
        published: '≈ 25 %',
      },
      {
        quantity: `the same while m′ ≥ 100 (looked at after the check was fixed; not a check)`,
        measured: `median ${fmt(100 * percentile(early, 50), 1)} % (range ${fmt(100 * Math.min(...early), 0)}–${fmt(100 * Math.max(...early), 0)} %)`,
        predicted: '0',
        published: '≈ 25 %',
      },
      {
        quantity: `old single-seed check (seed ${p.seed}, every t ≤ t*): within ${L1_TOLERANCE * 100} %?`,
        measured: deviation <= L1_TOLERANCE ? 'yes' : 'no',
        predicted: 'yes',
        published: '—',
      },
      {
        quantity: 'm′ / prediction mid-run (λt ≈ 0.5)',
        measured: `${fmt(mid.mPrime / mid.mPrimeTheory)}× at t = ${mid.t.toPrecision(3)} (relative variance RV = ${fmt(mid.relativeVariance)})`,
        // m′ = (1 + RV)·‖w‖₁²/‖w‖² exactly, and ‖w‖² ≈ 1: the ratio follows from RV and the ‖w‖₁ deviation
        predicted: `1 for m′ ≈ ‖w‖₁²; (1 + RV)·(‖w‖₁ / prediction)² = ${fmt((1 + mid.relativeVariance) * (mid.l1 / mid.l1Theory) ** 2)}× from the measured RV and ‖w‖₁`,
        published: '1.6–2×',
      },
    ],
    checks: [checkSeedRobustL1(robustDevs)],
    notes,
  };
}

const MEDIAN_KIND = `median of ${CHECK_SEEDS} seeds`;

/** Pointwise median over seeds of ‖w‖₁ and m′ at the recorded steps all of them reached (the schedules coincide). */
function medianCurves(sims: SparsifyResult[]): Array<{ t: number; l1: number; mPrime: number }> {
  const byStep = new Map<number, { t: number; l1: number[]; mPrime: number[] }>();
  for (const s of sims) {
    for (const q of s.points) {
      const e = byStep.get(q.step) ?? { t: q.t, l1: [], mPrime: [] };
      e.l1.push(q.l1);
      e.mPrime.push(q.mPrime);
      byStep.set(q.step, e);
    }
  }
  return [...byStep.values()]
    .filter((e) => e.l1.length === sims.length)
    .map((e) => ({ t: e.t, l1: percentile(e.l1, 50), mPrime: percentile(e.mPrime, 50) }))
    .sort((a, b) => a.t - b.t);
}
