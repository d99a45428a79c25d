/**
 * `incidental analyze RUN_DIR`: neuron analysis of a finished run (src/analysis/neurons.ts)
 * next to the collision theory. Prints a table (or the JSON with --json) and writes
 * RUN_DIR/analysis.json.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { chooseCriterion, CRITERIA, isPaperSetting, DEFAULT_SHARE, type CriterionChoice } from '../analysis/criterion.js';
import { analyzeRun, DEFAULT_BAND, type Aggregate, type RunAnalysis } from '../analysis/neurons.js';
import { readRun } from '../io/read-run.js';
import { writeFileAtomic, type RunData } from '../io/run-dir.js';
import { VERSION } from '../version.js';
import { parseNumber, parseNumberList } from './options.js';
import { table } from './table.js';

export function register(program: Command): void {
  program
    .command('analyze')
    .description('count polysemantic neurons, initial collisions and winners of a run, next to the theory; writes RUN_DIR/analysis.json')
    .argument('<run-dir>', 'a run directory written by `incidental train`')
    .option('--criterion <rule>', `which features a neuron represents: ${CRITERIA.join(', ')} (auto: band in the paper's setting, share otherwise)`, 'auto')
    .option('--band <low,high>', 'band rule: a feature is on a neuron when |W_ik| is in [low, high]', parseNumberList, [...DEFAULT_BAND])
    .option('--share <x>', 'share rule: a feature is on a neuron carrying at least this share of its ‖W_i‖²', parseNumber, DEFAULT_SHARE)
    .option('--json', 'print the analysis as JSON instead of the table')
    .option('--no-correlation-matrix', 'skip the n×n W0·Wᵀ matrix (O(n²m); its diagonal and off-diagonal means are kept)')
    .action((dir: string, opts: { band: number[]; json?: boolean; correlationMatrix: boolean; criterion: string; share: number }) => {
      if (opts.band.length !== 2) throw new UserError(`invalid --band: expected two numbers low,high (got "${opts.band.join(',')}")`);
      if (!(CRITERIA as readonly string[]).includes(opts.criterion)) throw new UserError(`invalid --criterion: must be one of ${CRITERIA.join(', ')} (got "${opts.criterion}")`);
      const run = readRun(dir, { requireSummary: true });
      if (run.summary?.status === 'diverged') throw new UserError(`${dir}: the run diverged; there are no final weights to analyze`);
      checkFinite(run);
      const band = [opts.band[0], opts.band[1]] as const;
      const { criterion, reason } = chooseCriterion(opts.criterion as CriterionChoice, run.meta.config, { band, share: opts.share });
      const analysis = { ...analyzeRun(run, { band, criterion, fullCorrelation: opts.correlationMatrix }), criterionReason: reason };
      const json = analysisJson(run, analysis);
      writeFileAtomic(join(dir, 'analysis.json'), json + '\n');
      if (opts.json) process.stdout.write(json + '\n');
      else process.stdout.write(formatAnalysis(run, analysis) + `\nwrote ${join(dir, 'analysis.json')}\n`);
    });
}

/** Non-finite weights would make every count meaningless: refuse them, naming the first. */
function checkFinite(run: RunData): void {
  const [, n, m] = run.shape;
  for (const [name, W] of [['W0.npy', run.W0], ['W.npy', run.W]] as const) {
    for (let i = 0; i < W.length; i++) {
      if (!Number.isFinite(W[i])) {
        const inst = Math.floor(i / (n * m));
        const row = Math.floor((i % (n * m)) / m);
        throw new UserError(`${run.dir}/${name} holds ${W[i]} at [${inst}, ${row}, ${i % m}] (instance, feature, neuron); refusing to analyze non-finite weights`);
      }
    }
  }
}

/** The analysis plus where it came from; typed arrays become plain arrays, NaN becomes null. */
export function analysisJson(run: RunData, a: RunAnalysis & { criterionReason?: string }): string {
  const doc = { tool: 'incidental', version: VERSION, createdAt: new Date().toISOString(), run: run.dir, config: run.meta.config, ...a };
  return JSON.stringify(doc, (_key, value: unknown) => (ArrayBuffer.isView(value) ? Array.from(value as Float64Array) : value));
}

const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const ms = (a: Aggregate) => `${fmt(a.mean)} ± ${fmt(a.standardError)}`;

/** Human-readable summary table and per-instance counts. */
export function formatAnalysis(run: RunData, a: RunAnalysis & { criterionReason?: string }): string {
  const [I, n, m] = a.shape;
  const c = a.counts;
  const t = a.theory;
  const cfg = run.meta.config;
  const rows: Array<[string, string, string]> = [
    ['polysemantic neurons', ms(c.polysemantic), `n(n−1)/4m = ${fmt(t.expectedPolysemantic)}, exact ${fmt(t.exactExpectedPolysemantic)}`],
    ['  of them 2 features, opposite signs', ms(c.oppositePairNeurons), ''],
    ['neurons with both signs at init', ms(c.predictedFromInit), `exact ${fmt(t.exactExpectedPolysemantic)}`],
    ['colliding pairs at init', ms(c.collisions), `n(n−1)/2m = ${fmt(t.expectedCollisions)}`],
    ['  benign (opposite signs)', ms(c.benignCollisions), fmt(t.expectedBenign)],
    ['  malign (same sign)', ms(c.malignCollisions), fmt(t.expectedBenign)],
    ['  benign still shared', ms(c.benignStillShared), ''],
    ['  malign still shared', ms(c.malignStillShared), ''],
    ['neurons winning ≥ 3 features at init', ms(c.tripleCollisions), `C(n,3)/m² = ${fmt(t.expectedTriples, 3)}`],
    ['features ending on their initial winner', ms(c.endedOnInitialWinner), `by chance n/m = ${fmt(n * t.chanceEndOnInitialWinner)}`],
    ['features on no neuron', ms(c.unrepresentedFeatures), ''],
    ['features on several neurons', ms(c.multiNeuronFeatures), ''],
    ['monosemantic neurons', ms(c.monosemantic), ''],
    ['dead neurons', ms(c.dead), `m − n = ${m - n}`],
  ];
  const lines = [
    `run ${run.dir}: n=${n} m=${m}, ${I} instance${I === 1 ? '' : 's'} (${cfg.optimizer}, lr ${cfg.lr}, λ ${cfg.lambda}, ${run.summary?.steps ?? cfg.steps} steps${modelText(cfg)})`,
    `criterion ${a.criterionText}${a.criterionReason ? ` (${a.criterionReason})` : ''}`,
    '',
    table(['', 'mean ± s.e.', 'theory'], rows, 'lrl'),
    '',
    `start/end correlation W0·Wᵀ: diagonal mean ${fmt(a.correlation.diagonalMean, 4)}, off-diagonal mean ${fmt(a.correlation.offDiagonalMean, 4)}` +
      (a.correlation.offDiagonalRms !== null ? ` (rms ${fmt(a.correlation.offDiagonalRms, 4)})` : ''),
    '',
    'per instance:',
    table(
      ['inst', 'poly', 'mono', 'dead', 'pairs', 'benign', 'malign', 'triples', 'onWinner', 'noNeuron', 'severalNeurons'],
      a.instances.map((x) => {
        const k = x.counts;
        return [x.instance, k.polysemantic, k.monosemantic, k.dead, k.collisions, k.benignCollisions, k.malignCollisions, k.tripleCollisions, k.endedOnInitialWinner, k.unrepresentedFeatures, k.multiNeuronFeatures].map(String);
      }),
    ),
  ];
  return lines.join('\n');
}

/** The general model's settings, when they are not the paper's (runs before 0.2 lack the fields). */
function modelText(c: RunData['meta']['config']): string {
  if (isPaperSetting(c)) return '';
  const data = c.data === 'bernoulli' ? `bernoulli p ${c.featureProbability}${c.magnitude === 'uniform' ? ' uniform' : ''}` : c.data === 'file' ? `file ${c.dataFile}` : c.data;
  return `; data ${data}${c.batch !== null ? `, batch ${c.batch}` : ''}; hidden ${c.hidden}${c.untied ? '; untied: the encoder W is analyzed, the decoder is in W_dec.npy' : ''}`;
}
