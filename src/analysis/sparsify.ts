/**
 * The sparsification law (SCIENCE.md §4): one encoding w ∈ ℝᵐ under feature benefit and
 * L1 only, dw_k/dt = (1 − ‖w‖²) w_k − λ, simulated exactly as the paper does (half-normal
 * |N(0, (initScale/√m)²)| sorted, Euler step, weights ≤ 0 removed each step, until one is
 * left), next to the theory curves ‖w‖₁ ≈ max(1/(1/√m + λt), 1), m' ≈ max(that², 1),
 * t* ≈ 1/λ.
 *
 * Two implementations, equal up to rounding (measured: the same m' at every step, ‖w‖₁ and
 * ‖w‖² within 2e-12 relative for m = 1e5, λ = 1e-5):
 * - `simulateSparsificationReference`: the direct loop, O(m') per step.
 * - `simulateSparsification`: exact and fast. Every survivor follows the same affine map
 *   w ← a·w − b per step (a = 1 + step(1 − ‖w‖²), b = step·λ), which preserves order, so
 *   the survivors are always a prefix of the initial weights sorted descending, and
 *   w_k = A·w0_k − B for the composed map (A, B). With prefix sums S1, S2 of w0 and w0²,
 *   ‖w‖₁ = A·S1 − B·m' and ‖w‖² = A²·S2 − 2AB·S1 + B²·m': O(1) per step, O(m log m +
 *   steps) in all. To keep A·w0 − B free of cancellation the survivors are re-based
 *   (materialized, A = 1, B = 0) whenever their number halves: O(m) extra in total.
 *
 * A signed encoding evolves as its absolute values (the L1 force is λ·sign(w)), so an
 * `init` vector is used through |w|; exact zeros start (and stay) removed.
 *
 * Pure maths, no I/O.
 *
 * @example
 *   const r = simulateSparsification({ m: 1e5, lambda: 1e-5 });
 *   r.tStarTimesLambda; // 2.16 for seed 0 (1.1 and 1.25 for m = 1e6, 1e7): the last race between
 *                       // the two largest weights takes ≈ ln(1/gap)/λ, so t*·λ varies with the draw
 */
import { ConfigError } from '../core/errors.js';
import { createStreams } from '../core/rng.js';

export interface RecordSchedule {
  /** record every k-th step (overrides pointsPerDecade) */
  every?: number;
  /** log-spaced steps 0, 1, 2, …, ⌈10^(j/p)⌉, …; default 40 points per decade */
  pointsPerDecade?: number;
}

export interface SparsifyOptions {
  /** number of weights (neurons) m */
  m: number;
  /** L1 coefficient λ of the reduced flow (= λ_train/4, SCIENCE.md §3) */
  lambda: number;
  /** Euler step size (default 0.5, the paper's) */
  step?: number;
  /** init std = initScale/√m (default 0.9, the paper's) */
  initScale?: number;
  /** seed of the half-normal draw (default 0) */
  seed?: number;
  /** initial weights instead of the draw (length m; absolute values are used) */
  init?: ArrayLike<number>;
  /** which steps to record (the first and the last always are) */
  record?: RecordSchedule;
  /** stop here even if more than one weight is left (default ⌈20/(λ·step)⌉ + 100; at most MAX_SPARSIFY_STEPS) */
  maxSteps?: number;
  /**
   * receives each recorded point as it is made; then `points` stays empty and memory stays
   * bounded however many are recorded (the CLI streams them to disk)
   */
  onPoint?: (p: SparsifyPoint) => void;
  /** refuse an m whose working arrays exceed this many MiB (default 4096) */
  memoryLimitMiB?: number;
}

/** Most Euler steps simulated (about 12 minutes of the fast simulation on one core). */
export const MAX_SPARSIFY_STEPS = 1e10;
/** Most trajectory points recorded (about 2 GB of trajectory.jsonl). */
export const MAX_SPARSIFY_POINTS = 1e7;
/** Bytes per weight: the float64 draw, its sorted copy, two prefix sums and one re-based copy. */
export const SPARSIFY_BYTES_PER_WEIGHT = 40;
/** Longest typed array V8 allocates (elements). */
const MAX_TYPED_LENGTH = 2 ** 32 - 1;

/** The state after `step` Euler steps. */
export interface SparsifyPoint {
  step: number;
  /** time t = step × step size */
  t: number;
  /** m', the number of surviving (positive) weights */
  mPrime: number;
  l1: number;
  normSq: number;
  /** variance / mean² of the survivors (population variance; 0 for one survivor) */
  relativeVariance: number;
  /** max(1/(1/√m + λt), 1) */
  l1Theory: number;
  /** max(l1Theory², 1) */
  mPrimeTheory: number;
}

export interface SparsifyResult {
  m: number;
  lambda: number;
  step: number;
  initScale: number;
  seed: number;
  /** the recorded points (empty when they went to `onPoint`) */
  points: SparsifyPoint[];
  /** how many points were recorded */
  pointCount: number;
  /** the last point (the final state) */
  last: SparsifyPoint;
  /** steps taken */
  steps: number;
  /** true when at most one weight is left (false: maxSteps reached) */
  finished: boolean;
  /** time when at most one weight is left (null when not finished) */
  tStar: number | null;
  tStarTheory: number;
  tStarTimesLambda: number | null;
  /** weights left at the end: 1, or 0 when the last ones died in the same step */
  survivors: number;
  /** wall time of the init (draw + sort) and of the Euler steps */
  timings: { initSeconds: number; stepsSeconds: number };
}

const DEFAULT_POINTS_PER_DECADE = 40;

/** Theory curves of SCIENCE.md §4 at time t. */
export function sparsifyTheory(m: number, lambda: number, t: number): { l1Theory: number; mPrimeTheory: number } {
  const l1Theory = Math.max(1 / (1 / Math.sqrt(m) + lambda * t), 1);
  return { l1Theory, mPrimeTheory: Math.max(l1Theory * l1Theory, 1) };
}

/** Positive initial weights sorted descending: the half-normal draw, or |init| without zeros. */
export function sparsifyInit(o: Pick<SparsifyOptions, 'm' | 'initScale' | 'seed' | 'init'>): Float64Array {
  const m = o.m;
  let w: Float64Array;
  if (o.init) {
    if (o.init.length !== m) throw new ConfigError('init (--init)', `${o.init.length} values`, `must hold m = ${m} values`);
    w = new Float64Array(m);
    let len = 0;
    for (let k = 0; k < m; k++) {
      const x = Math.abs(o.init[k]);
      if (!Number.isFinite(x)) throw new ConfigError('init (--init)', o.init[k], `must be finite (index ${k})`);
      if (x > 0) w[len++] = x;
    }
    w = w.slice(0, len);
  } else {
    const std = (o.initScale ?? 0.9) / Math.sqrt(m);
    const [rng] = createStreams(o.seed ?? 0, 1);
    w = new Float64Array(m);
    for (let k = 0; k < m; k++) w[k] = Math.abs(std * rng.nextGaussian());
  }
  w.sort();
  return w.reverse();
}

/** Exact O(m log m + steps) simulation; see the module comment for why it is exact. */
export function simulateSparsification(options: SparsifyOptions): SparsifyResult {
  const o = checkOptions(options);
  const started = now();
  let w0 = sparsifyInit(o);
  let alive = w0.length;
  let S1 = new Float64Array(0);
  let S2 = new Float64Array(0);
  let base = 0;
  let A = 1;
  let B = 0;
  const rebase = () => {
    if (A !== 1 || B !== 0) {
      const next = new Float64Array(alive);
      for (let k = 0; k < alive; k++) next[k] = A * w0[k] - B;
      w0 = next;
    }
    S1 = new Float64Array(alive + 1);
    S2 = new Float64Array(alive + 1);
    for (let k = 0; k < alive; k++) {
      S1[k + 1] = S1[k] + w0[k];
      S2[k + 1] = S2[k] + w0[k] * w0[k];
    }
    base = alive;
    A = 1;
    B = 0;
  };
  rebase();
  return runLoop(o, started, (step) => {
    if (step) {
      A = step.a * A;
      B = step.a * B + step.b;
      while (alive > 0 && A * w0[alive - 1] - B <= 0) alive--;
      if (alive <= base >> 1 && alive > 0) rebase();
    }
    const s1 = S1[alive];
    const l1 = A * s1 - B * alive;
    const normSq = A * A * S2[alive] - 2 * A * B * s1 + B * B * alive;
    return { alive, l1, normSq };
  });
}

/**
 * The paper's simulation, literally: w_k += step·((1 − ‖w‖²) w_k − λ) for every survivor,
 * then weights ≤ 0 are removed. O(m') per step: the oracle for `simulateSparsification`.
 */
export function simulateSparsificationReference(options: SparsifyOptions): SparsifyResult {
  const o = checkOptions(options);
  const started = now();
  const w = sparsifyInit(o);
  let alive = w.length;
  return runLoop(o, started, (step) => {
    if (step) {
      const { h, normSq, lambda } = step;
      let kept = 0;
      for (let k = 0; k < alive; k++) {
        const v = w[k] + h * ((1 - normSq) * w[k] - lambda);
        if (v > 0) w[kept++] = v;
      }
      alive = kept;
    }
    let l1 = 0;
    let normSq = 0;
    for (let k = 0; k < alive; k++) {
      l1 += w[k];
      normSq += w[k] * w[k];
    }
    return { alive, l1, normSq };
  });
}

interface StepInput {
  h: number;
  lambda: number;
  /** ‖w‖² before the step */
  normSq: number;
  /** the affine map w ← a·w − b */
  a: number;
  b: number;
}
type Advance = (step: StepInput | null) => { alive: number; l1: number; normSq: number };

/** Shared driver: steps until ≤ 1 weight is left, records on the schedule, checks stability. */
function runLoop(o: ReturnType<typeof checkOptions>, started: number, advance: Advance): SparsifyResult {
  const { m, lambda, step: h, maxSteps } = o;
  const shouldRecord = recordPredicate(o.record);
  const points: SparsifyPoint[] = [];
  let pointCount = 0;
  let last!: SparsifyPoint;
  const push = (s: number, st: { alive: number; l1: number; normSq: number }) => {
    const t = s * h;
    const rv = st.alive > 0 ? (st.alive * st.normSq) / (st.l1 * st.l1) - 1 : 0;
    last = { step: s, t, mPrime: st.alive, l1: st.l1, normSq: st.normSq, relativeVariance: st.alive > 1 ? Math.max(rv, 0) : 0, ...sparsifyTheory(m, lambda, t) };
    pointCount++;
    if (o.onPoint) o.onPoint(last);
    else points.push(last);
  };
  let state = advance(null);
  const initDone = now();
  let s = 0;
  while (state.alive > 1 && s < maxSteps) {
    if (shouldRecord(s)) push(s, state);
    const a = 1 + h * (1 - state.normSq);
    if (!Number.isFinite(state.normSq) || !(a > 0)) {
      throw new ConfigError('step (--step)', h, `is too large: the Euler factor 1 + step·(1 − ‖w‖²) is ${a} at step ${s}; use a smaller step`);
    }
    state = advance({ h, lambda, normSq: state.normSq, a, b: h * lambda });
    s++;
  }
  push(s, state);
  const finished = state.alive <= 1;
  const tStar = finished ? s * h : null;
  return {
    m,
    lambda,
    step: h,
    initScale: o.initScale,
    seed: o.seed,
    points,
    pointCount,
    last,
    steps: s,
    finished,
    tStar,
    tStarTheory: 1 / lambda,
    tStarTimesLambda: tStar === null ? null : tStar * lambda,
    survivors: state.alive,
    timings: { initSeconds: (initDone - started) / 1000, stepsSeconds: (now() - initDone) / 1000 },
  };
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** Which steps to record: every k-th, or ⌈10^(j/p)⌉ for j = 0, 1, … (and step 0). */
function recordPredicate(r: RecordSchedule): (s: number) => boolean {
  if (r.every !== undefined) {
    const every = r.every;
    return (s) => s % every === 0;
  }
  const p = r.pointsPerDecade ?? DEFAULT_POINTS_PER_DECADE;
  let j = 0;
  let next = 1;
  return (s) => {
    if (s === 0) return true;
    if (s < next) return false;
    while (next <= s) next = Math.ceil(10 ** (++j / p));
    return true;
  };
}

function checkOptions(o: SparsifyOptions) {
  const positiveInt = (v: number) => Number.isInteger(v) && v >= 1;
  const positive = (v: number) => Number.isFinite(v) && v > 0;
  if (!positiveInt(o.m)) throw new ConfigError('m (--m)', o.m, 'must be an integer >= 1');
  if (!positive(o.lambda)) throw new ConfigError('lambda (--lambda)', o.lambda, 'must be a finite number > 0 (with λ = 0 nothing is ever removed)');
  const step = o.step ?? 0.5;
  if (!positive(step)) throw new ConfigError('step (--step)', step, 'must be a finite number > 0');
  const initScale = o.initScale ?? 0.9;
  if (!positive(initScale)) throw new ConfigError('initScale (--init-scale)', initScale, 'must be a finite number > 0');
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new ConfigError('seed (--seed)', seed, 'must be an integer in [0, 2^32)');
  const record = o.record ?? {};
  if (record.every !== undefined && !positiveInt(record.every)) throw new ConfigError('record.every (--record-every)', record.every, 'must be an integer >= 1');
  if (record.pointsPerDecade !== undefined && !positive(record.pointsPerDecade)) {
    throw new ConfigError('record.pointsPerDecade (--points-per-decade)', record.pointsPerDecade, 'must be a finite number > 0');
  }
  const limitMiB = o.memoryLimitMiB ?? 4096;
  if (!positive(limitMiB)) throw new ConfigError('memoryLimitMiB (--memory-limit)', limitMiB, 'must be a finite number > 0');
  const bytes = o.m * SPARSIFY_BYTES_PER_WEIGHT;
  if (o.m > MAX_TYPED_LENGTH) {
    throw new ConfigError('m (--m)', o.m, `is more weights than one array can hold (at most ${MAX_TYPED_LENGTH}); they would need ${(bytes / 2 ** 30).toFixed(0)} GiB`);
  }
  if (bytes > limitMiB * 2 ** 20) {
    throw new ConfigError('m (--m)', o.m, `needs about ${(bytes / 2 ** 20).toFixed(0)} MiB (${SPARSIFY_BYTES_PER_WEIGHT} bytes per weight), over the ${limitMiB} MiB limit (raise --memory-limit to allow it)`);
  }
  const defaultSteps = Math.ceil(20 / (o.lambda * step)) + 100;
  const maxSteps = o.maxSteps ?? defaultSteps;
  if (!Number.isInteger(maxSteps) || maxSteps < 0) throw new ConfigError('maxSteps (--max-steps)', maxSteps, 'must be an integer >= 0');
  if (maxSteps > MAX_SPARSIFY_STEPS) {
    if (o.maxSteps !== undefined) throw new ConfigError('maxSteps (--max-steps)', maxSteps, `must be at most ${MAX_SPARSIFY_STEPS.toExponential(0)}`);
    const smallest = 20 / ((MAX_SPARSIFY_STEPS - 100) * step);
    throw new ConfigError(
      'lambda (--lambda)',
      o.lambda,
      `would need up to ${defaultSteps.toExponential(1)} Euler steps (20/(λ·step)), more than the ${MAX_SPARSIFY_STEPS.toExponential(0)} simulated; use λ >= ${smallest.toPrecision(2)} or set --max-steps`,
    );
  }
  const every = record.every;
  if (every !== undefined && maxSteps / every > MAX_SPARSIFY_POINTS) {
    throw new ConfigError(
      'record.every (--record-every)',
      every,
      `would record up to ${(maxSteps / every).toExponential(1)} points over ${maxSteps.toExponential(1)} steps, more than ${MAX_SPARSIFY_POINTS.toExponential(0)}; use a larger value, --points-per-decade or --max-steps`,
    );
  }
  const perDecade = record.pointsPerDecade ?? DEFAULT_POINTS_PER_DECADE;
  if (every === undefined && Math.min(maxSteps + 1, perDecade * (Math.log10(maxSteps + 1) + 1)) > MAX_SPARSIFY_POINTS) {
    throw new ConfigError('record.pointsPerDecade (--points-per-decade)', perDecade, `would record more than ${MAX_SPARSIFY_POINTS.toExponential(0)} points; use a smaller value`);
  }
  return { m: o.m, lambda: o.lambda, step, initScale, seed, record, maxSteps, init: o.init, onPoint: o.onPoint };
}
