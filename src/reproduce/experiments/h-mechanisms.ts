/**
 * Experiment H (SCIENCE.md §7.2, §8): other winner-take-all mechanisms, without L1. The
 * paper's model with λ = 0 and, in turn, a ReLU hidden layer, a LayerNorm hidden layer
 * (no affine), or bipolar hidden noise (E's second cause: SGD lr 0.02, σ = 0.15), next to
 * the paper's L1 as the reference (AdamW, λ = 10⁻³). For each: the polysemantic count
 * against m (is it still ∝ n²/m?) and the sparsification over time at m = 2n (fourth norm
 * mean_i Σ_k W_ik⁴ and ‖W_i‖₁, from the runs' snapshots): do they sparsify at all?
 *
 * Counting: the share rule (src/analysis/criterion.ts) for every mechanism, since without
 * L1 the encodings need not end at unit length on one neuron.
 *
 * Check: the L1 reference keeps the paper's law, log-log slope in [−1.3, −0.7] (B's criterion).
 */
import { chooseCriterion } from '../../analysis/criterion.js';
import { polysemanticCount } from '../../analysis/neurons.js';
import { parseConfig, type TrainConfig } from '../../core/config.js';
import { measuredVsSpec, type MeasuredRow } from '../../plots/measured-vs.js';
import { fmt, formatCI } from '../format.js';
import { mean, sampleStd, studentTQuantile } from '../stats.js';
import type { CheckResult, Experiment, ExperimentAnalysis, LoadRun, RunSpec, TableRow } from '../types.js';
import { fitLogLog, nSquaredOver4m, summarize } from './count-grid.js';

export interface MechanismParams {
  n: number;
  ms: number[];
  instances: number;
  /** AdamW steps (L1, ReLU, LayerNorm) */
  steps: number;
  /** SGD steps for the noise mechanism */
  noiseSteps: number;
  noiseStd: number;
}

interface Mechanism {
  key: string;
  label: string;
  config: (p: MechanismParams) => Partial<TrainConfig>;
}

const MECHANISMS: Mechanism[] = [
  { key: 'l1', label: 'L1 (reference)', config: (p) => ({ lambda: 1e-3, optimizer: 'adamw', lr: 1e-3, steps: p.steps }) },
  { key: 'relu', label: 'hidden ReLU, no L1', config: (p) => ({ hidden: 'relu', lambda: 0, optimizer: 'adamw', lr: 1e-3, steps: p.steps }) },
  { key: 'layernorm', label: 'LayerNorm, no L1', config: (p) => ({ hidden: 'layernorm', lambda: 0, optimizer: 'adamw', lr: 1e-3, steps: p.steps }) },
  { key: 'noise', label: 'bipolar noise, no L1', config: (p) => ({ noise: 'bipolar', noiseStd: p.noiseStd, lambda: 0, optimizer: 'sgd', lr: 0.02, steps: p.noiseSteps }) },
];

const SEED = 11_015;
const SHARE = chooseCriterion('share', {}).criterion;

function runFor(p: MechanismParams, mech: Mechanism, m: number): RunSpec {
  const c = mech.config(p);
  const config = parseConfig({ nFeatures: p.n, nHidden: m, nInstances: p.instances, seed: SEED + m, snapshotEvery: Math.max(1, Math.round((c.steps ?? p.steps) / 60)), ...c });
  return { label: `H ${mech.label} m=${m}`, config };
}

const QUICK: MechanismParams = { n: 8, ms: [8, 16, 32, 64], instances: 16, steps: 10_000, noiseSteps: 20_000, noiseStd: 0.15 };

export const experimentH: Experiment<MechanismParams> = {
  id: 'H',
  part: 'beyond',
  title: 'Other winner-take-all mechanisms: ReLU, LayerNorm, bipolar noise',
  claim:
    'The paper’s story needs a force that makes encodings sparse; L1 is one. Do a ReLU or LayerNorm hidden layer, or bipolar noise, sparsify without any L1, and does the count of polysemantic neurons then still follow n²/m?',
  params: {
    quick: QUICK,
    paper: { ...QUICK, n: 16, ms: [16, 32, 64, 128], instances: 32 },
    test: { n: 4, ms: [4, 8, 16, 32], instances: 2, steps: 60, noiseSteps: 60, noiseStd: 0.15 },
  },
  describe: (p) =>
    `n=${p.n}, m ∈ {${p.ms.join(', ')}}, ${p.instances} instances, one-hot data; L1: AdamW lr 10⁻³, λ=10⁻³, ${p.steps} steps; ReLU and LayerNorm hidden layers: AdamW, λ=0, ${p.steps} steps; ` +
    `bipolar hidden noise σ=${p.noiseStd}: SGD lr 0.02, λ=0, ${p.noiseSteps} steps`,
  scaleNotes: {
    quick: 'not a paper experiment; n=8 because the ReLU, LayerNorm and noise runs use the reference (float64) backend on one-hot data; the paper scale doubles n and the instances.',
    test: 'tiny sizes and far too few steps for the test suite.',
  },
  runs: (p) => MECHANISMS.flatMap((mech) => p.ms.map((m) => runFor(p, mech, m))),
  analyze: (p, load) => analyzeH(p, load),
};

/** The check on the L1 reference's fitted slope; pure, so tests feed it made-up fits. */
export function checkL1Slope(fit: { slope: number; slopeCI: [number, number] } | null): CheckResult {
  return {
    name: 'H: the L1 reference keeps the n²/4m law',
    measured: fit ? `log-log slope ${formatCI(fit.slope, fit.slopeCI)}` : 'no fit (fewer than 2 positive mean counts)',
    criterion: 'slope in [−1.3, −0.7] (B’s criterion)',
    pass: fit !== null && fit.slope >= -1.3 && fit.slope <= -0.7,
  };
}

function analyzeH(p: MechanismParams, load: LoadRun): ExperimentAnalysis {
  const countRows: MeasuredRow[] = [];
  const fourthRows: MeasuredRow[] = [];
  const l1Rows: MeasuredRow[] = [];
  const table: TableRow[] = [];
  const mTime = p.ms.includes(2 * p.n) ? 2 * p.n : p.ms[Math.min(1, p.ms.length - 1)];
  const summaries = new Map<string, { fit: ReturnType<typeof fitLogLog>; means: number[]; halfWidths: number[]; fourth: [number, number] }>();
  for (const mech of MECHANISMS) {
    const points = p.ms.map((m) => {
      const run = load(runFor(p, mech, m));
      const [I, n, mm] = run.shape;
      const counts = Array.from({ length: I }, (_, i) => polysemanticCount(run.W, n, mm, i, SHARE));
      if (m === mTime) {
        for (const s of run.snapshots) {
          if (s.step <= 0) continue;
          fourthRows.push({ series: mech.label, kind: 'mean over instances', x: s.step, value: mean(s.fourth), lo: null, hi: null });
          l1Rows.push({ series: mech.label, kind: 'mean over instances', x: s.step, value: mean(s.l1), lo: null, hi: null });
        }
      }
      return summarize(m, counts);
    });
    const halfWidths = points.map((q) => (q.counts.length > 1 ? (studentTQuantile(0.975, q.counts.length - 1) * sampleStd(q.counts)) / Math.sqrt(q.counts.length) : NaN));
    for (const [k, q] of points.entries()) {
      const h = halfWidths[k];
      countRows.push({ series: mech.label, kind: 'measured', x: q.m, value: q.mean, lo: Math.max(q.mean - h, 0), hi: q.mean + h });
    }
    const fit = fitLogLog(points);
    const timeRun = load(runFor(p, mech, mTime));
    const first = timeRun.snapshots[0];
    const last = timeRun.snapshots[timeRun.snapshots.length - 1];
    // scale-free sparsity: fourth / (‖W_i‖²)² per instance (1 one-hot, ≈ 3/m dense), since without L1 the encodings need not keep unit length
    const scaleFree = (s: typeof last) => mean(s.fourth.map((f, i) => f / Math.max(s.normSq[i] ** 2, 1e-30)));
    summaries.set(mech.key, { fit, means: points.map((q) => q.mean), halfWidths, fourth: [scaleFree(first), scaleFree(last)] });
    table.push({
      quantity: `${mech.label}: polysemantic neurons for m = ${p.ms.join(', ')} (share rule)`,
      measured: points.map((q) => fmt(q.mean)).join(', '),
      predicted: p.ms.map((m) => fmt(nSquaredOver4m(p.n, m))).join(', ') + ' (n²/4m)',
      published: '—',
    });
    table.push({
      quantity: `${mech.label}: log-log slope of count on m (95 % CI)`,
      measured: fit ? formatCI(fit.slope, fit.slopeCI) : 'no fit',
      predicted: '−1 if the count is ∝ n²/m',
      published: '—',
    });
    table.push({
      quantity: `${mech.label}, m=${mTime}: fourth norm, fourth norm / ‖W_i‖⁴ (scale-free) and ‖W_i‖₁, start → end`,
      measured: `${fmt(mean(first.fourth), 3)} → ${fmt(mean(last.fourth), 3)}; ${fmt(scaleFree(first), 3)} → ${fmt(scaleFree(last), 3)}; ${fmt(mean(first.l1))} → ${fmt(mean(last.l1))}`,
      predicted: `sparse: fourth norm → 1, ‖W_i‖₁ → 1 (dense: ≈ 3/m = ${fmt(3 / mTime, 3)}, ‖W_i‖₁ ≈ √(2m/π) = ${fmt(Math.sqrt((2 * mTime) / Math.PI))})`,
      published: mech.key === 'noise' ? 'E: bipolar σ=0.15 → ≈0.8 by 10⁴ steps (n=8, m=16)' : '—',
    });
  }
  for (const m of [p.ms[0], p.ms[p.ms.length - 1]]) countRows.push({ series: 'n²/4m', kind: 'n²/4m', x: m, value: nSquaredOver4m(p.n, m), lo: null, hi: null });
  const check = checkL1Slope(summaries.get('l1')!.fit);
  const sparsifies = (k: string) => summaries.get(k)!.fourth[1] > 0.5; // scale-free, at the end
  const desc = (mech: Mechanism) => {
    const s = summaries.get(mech.key)!;
    return `${mech.label}: scale-free fourth norm Σ_k W_ik⁴/‖W_i‖⁴ ${fmt(s.fourth[0], 2)} → ${fmt(s.fourth[1], 2)}${sparsifies(mech.key) ? ' (sparse)' : ' (not sparse)'}`;
  };
  const others = MECHANISMS.filter((x) => x.key !== 'l1');
  const withCI = (key: string) => {
    const s = summaries.get(key)!;
    return s.means.map((v, k) => (Number.isFinite(s.halfWidths[k]) ? `${fmt(v)} ± ${fmt(s.halfWidths[k])}` : fmt(v))).join(', ');
  };
  const l1Fit = summaries.get('l1')!.fit;
  const sparse = others.filter((x) => sparsifies(x.key));
  const answer =
    `At m = ${mTime}: ${MECHANISMS.map(desc).join('; ')}. ` +
    (sparse.length
      ? `Without L1, ${sparse.map((x) => x.label).join(' and ')} ${sparse.length > 1 ? 'sparsify' : 'sparsifies'} the encodings (scale-free fourth norm above 0.5)` +
        `${others.length > sparse.length ? `, while ${others.filter((x) => !sparsifies(x.key)).map((x) => x.label).join(' and ')} ${others.length - sparse.length > 1 ? 'do' : 'does'} not` : ''}. `
      : 'None of the three mechanisms sparsifies without L1 at these settings (scale-free fourth norm stays below 0.5). ') +
    `A count ∝ n²/m needs a log-log slope near −1; ` +
    others
      .map((x) => {
        const f = summaries.get(x.key)!.fit;
        return f ? `${x.label}: ${f.slopeCI[0] <= -1 && f.slopeCI[1] >= -1 ? 'consistent with −1' : 'not −1'}` : `${x.label}: no fit`;
      })
      .join('; ') +
    `. L1 gives ${withCI('l1')} polysemantic neurons (mean ± 95 % CI half-width over instances; log-log slope ${l1Fit ? formatCI(l1Fit.slope, l1Fit.slopeCI) : 'no fit'}) for m = ${p.ms.join(', ')} against n²/4m = ${p.ms.map((m) => fmt(nSquaredOver4m(p.n, m))).join(', ')}; ` +
    others.map((x) => `${x.label} ${withCI(x.key)}`).join('; ') +
    `. Where an encoding stays dense there is no winner, so nothing to share by accident. ` +
    (sparse.some((x) => summaries.get(x.key)!.means.every((v) => v < 0.25))
      ? `And sparsifying is not enough: ${sparse.filter((x) => summaries.get(x.key)!.means.every((v) => v < 0.25)).map((x) => x.label).join(' and ')} makes encodings sparse yet leaves (almost) no polysemantic neuron at any m, so the count is not ∝ n²/m; ` +
        `this contradicts the expectation that any winner-take-all force gives the n²/4m law (ours, and the paper's suggestion that noise is a second incidental cause); a possible reason, not tested here: a shared neuron passes its noise to both features' outputs, which pushes pairs apart.`
      : 'Only the L1 reference follows the n²/m law here.');
  const common = { seriesTitle: 'mechanism' };
  return {
    figures: [
      {
        id: 'H-count-vs-m',
        title: 'H: polysemantic neurons vs m for each winner-take-all mechanism',
        caption:
          `The paper's model (n=${p.n}, one feature at a time) trained four ways: with the L1 penalty (the reference), and without it with a ReLU hidden layer, a LayerNorm hidden layer, or bipolar noise on the hidden layer. ` +
          `Dots: mean polysemantic neurons over ${p.instances} models with 95 % confidence intervals (share rule), dashed: n²/4m. Both axes are logarithmic: a count ∝ n²/m is a line of slope −1.`,
        rows: countRows,
        spec: measuredVsSpec(countRows, {
          title: 'H: polysemantic count vs m, by mechanism',
          subtitle: `n=${p.n}, ${p.instances} instances; bars: 95 % CI; zero counts are not drawn`,
          xTitle: 'hidden neurons m (log scale)',
          yTitle: 'polysemantic neurons per model (log)',
          xLog: true,
          yLog: true,
          ...common,
        }),
      },
      {
        id: 'H-fourth-norm',
        title: `H: does each mechanism sparsify? Fourth norm over training (m=${mTime})`,
        caption:
          `The fourth norm Σ_k W_ik⁴, averaged over features and instances, is about 3/m = ${fmt(3 / mTime, 2)} for a dense random encoding of unit length and 1 when each feature sits on one neuron with unit weight. ` +
          `Without L1 the encodings need not keep unit length (ReLU lets them grow, LayerNorm and weight decay shrink them), so the table and the answer also give the scale-free Σ_k W_ik⁴/‖W_i‖⁴. ` +
          `Training steps on a log axis; the noise runs use SGD and more steps than the others.`,
        rows: fourthRows,
        spec: measuredVsSpec(fourthRows, { title: 'H: fourth norm over training, by mechanism', subtitle: `n=${p.n}, m=${mTime}`, xTitle: 'training step (log scale)', yTitle: 'fourth norm mean_i Σ_k W_ik⁴', xLog: true, ...common }),
      },
      {
        id: 'H-l1-norm',
        title: `H: ‖W_i‖₁ over training (m=${mTime})`,
        caption: `The L1 norm of a feature's encoding, averaged over features and instances: it falls to about 1 when the encoding becomes one-hot at unit length, and stays near √(2m/π)·(its length) for a dense one.`,
        rows: l1Rows,
        spec: measuredVsSpec(l1Rows, { title: 'H: ‖W_i‖₁ over training, by mechanism', subtitle: `n=${p.n}, m=${mTime}`, xTitle: 'training step (log scale)', yTitle: 'mean_i ‖W_i‖₁', xLog: true, ...common }),
      },
    ],
    table,
    checks: [check],
    notes: [
      'Counting rule: the share rule for every mechanism (neuron k holds feature i when W_ik² ≥ ½‖W_i‖², for encoded features).',
      'The ReLU, LayerNorm and noise runs use the reference backend (the wasm kernels take these only for batched data); the L1 runs use the wasm kernels.',
    ],
    answer,
  };
}
