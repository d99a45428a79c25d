/**
 * `duplicate`: a new run directory that continues a finished run with some of its neurons
 * duplicated (src/analysis/duplicate.ts): W0 = the duplicated final weights, m grows by one
 * per duplicated neuron, then `steps` more steps with the run's own optimizer settings.
 * Next to the usual files, duplication.json says what was duplicated, how much the outputs
 * moved at the duplication itself, and which duplicated neurons ended with one feature per
 * copy. Written through a staging directory: the result appears whole or not at all.
 *
 * @example
 *   await duplicateRun('runs/a', { neurons: 'polysemantic', sigma: 0.01, steps: 2000, out: 'runs/a-dup' });
 */
import { join } from 'node:path';
import { parseConfig, type TrainConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { duplicateNeurons, duplicationOutcomes, maxOutputChange, polysemanticNeurons, type DuplicationOutcome } from '../analysis/duplicate.js';
import { readRun } from './read-run.js';
import { writeFileAtomic } from './run-dir.js';
import { stageDir } from './staged-dir.js';
import { trainToDir, type TrainToDirResult } from './train-to-dir.js';
import { fsUserError } from './fs-errors.js';

export type NeuronChoice = 'polysemantic' | number[];

export interface DuplicateOptions {
  neurons: NeuronChoice;
  /** std of the noise on the copies' incoming weights (>= 0) */
  sigma: number;
  /** training steps after the duplication (integer >= 0) */
  steps: number;
  out: string;
  /** seed of the duplication noise (default: the source run's seed) */
  seed?: number;
  force?: boolean;
  onProgress?: (step: number, lossMean: number) => void;
  shouldStop?: () => boolean;
}

export interface DuplicationReport {
  source: string;
  neurons: 'polysemantic' | number[];
  sigma: number;
  steps: number;
  seed: number;
  /** m before and after */
  nHidden: [number, number];
  /** largest |ReLU(WWᵀ) − ReLU(W′W′ᵀ)| at the duplication (0 up to float32 rounding when σ = 0) */
  outputChangeAtDuplication: number;
  /** per duplicated neuron, what became of it */
  outcomes: DuplicationOutcome[];
  /** duplicated neurons whose two copies ended with one different original feature each */
  split: number;
  total: number;
}

/** "polysemantic" or "3,17" → the choice; one-line error naming --neurons otherwise. */
export function parseNeurons(value: string): NeuronChoice {
  const v = value.trim();
  if (v === 'polysemantic') return v;
  const parts = v.split(',').map((s) => s.trim());
  const list = parts.map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  if (parts.length === 0 || list.some((k) => !Number.isSafeInteger(k))) {
    throw new UserError(`invalid --neurons: "${value}" must be "polysemantic" or a comma-separated list of neuron indices, e.g. 3,17`);
  }
  const seen = new Set<number>();
  for (const k of list) {
    if (seen.has(k)) throw new UserError(`invalid --neurons: "${value}" lists neuron ${k} twice`);
    seen.add(k);
  }
  return list;
}

function check(o: DuplicateOptions): void {
  if (!(Number.isFinite(o.sigma) && o.sigma >= 0)) throw new UserError(`invalid --noise: must be a finite number >= 0 (got ${o.sigma})`);
  if (!(Number.isInteger(o.steps) && o.steps >= 0)) throw new UserError(`invalid --steps: must be an integer >= 0 (got ${o.steps})`);
  if (o.seed !== undefined && !(Number.isInteger(o.seed) && o.seed >= 0 && o.seed < 2 ** 32)) throw new UserError(`invalid --seed: must be an integer in [0, 2^32) (got ${o.seed})`);
}

export async function duplicateRun(source: string, o: DuplicateOptions): Promise<{ report: DuplicationReport; result: TrainToDirResult }> {
  check(o);
  const run = readRun(source);
  const [I, n, m] = run.shape;
  const lists: number[][] = [];
  for (let inst = 0; inst < I; inst++) {
    if (o.neurons === 'polysemantic') lists.push(polysemanticNeurons(run.W, n, m, inst));
    else {
      for (const k of o.neurons) {
        if (k >= m) throw new UserError(`invalid --neurons: neuron ${k} does not exist (${source} has m = ${m} neurons, 0…${m - 1})`);
      }
      lists.push([...o.neurons]);
    }
  }
  if (lists.every((l) => l.length === 0)) {
    throw new UserError(`--neurons polysemantic: no neuron of ${source} is polysemantic (|W_ik| in [0.8, 1.2] for ≥ 2 features); nothing to duplicate`);
  }
  const seed = o.seed ?? run.meta.config.seed;
  const dup = duplicateNeurons(run.W, run.shape, lists, o.sigma, seed);
  const config: TrainConfig = parseConfig({ ...run.meta.config, nHidden: dup.shape[2], steps: o.steps, seed });
  const staged = stageDir(o.out, { force: o.force ?? false, flag: '--out' });
  try {
    const result = await trainToDir(config, staged.path, { W0: dup.W0, init: `duplicate of ${source}`, onProgress: o.onProgress, shouldStop: o.shouldStop });
    const W = readRun(staged.path, { requireSummary: true }).W;
    const outcomes = duplicationOutcomes(W, dup.shape, dup.duplicated);
    const report: DuplicationReport = {
      source,
      neurons: o.neurons,
      sigma: o.sigma,
      steps: o.steps,
      seed,
      nHidden: [m, dup.shape[2]],
      outputChangeAtDuplication: maxOutputChange(run.W, run.shape, dup.W0, dup.shape),
      outcomes,
      split: outcomes.filter((x) => x.split).length,
      total: outcomes.length,
    };
    writeFileAtomic(join(staged.path, 'duplication.json'), JSON.stringify(report, null, 2) + '\n');
    staged.commit();
    return { report, result };
  } catch (err) {
    staged.discard();
    throw fsUserError(err, `writing ${o.out}`, `; the partial output was removed and ${o.out} holds what it held before`);
  }
}
