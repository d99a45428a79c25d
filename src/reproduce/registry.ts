/**
 * The experiment registry: id → experiment. It drives `--only`, the report's order and
 * the docs; adding an experiment is one file and one line here.
 */
import { ConfigError } from '../core/errors.js';
import { experimentA } from './experiments/a-sparsification.js';
import { experimentB } from './experiments/b-count-vs-m.js';
import { experimentC } from './experiments/c-lambda.js';
import { experimentD } from './experiments/d-correlation.js';
import { experimentE } from './experiments/e-noise.js';
import { experimentF } from './experiments/f-small-n.js';
import { experimentG } from './experiments/g-cooccurrence.js';
import { experimentH } from './experiments/h-mechanisms.js';
import { experimentI } from './experiments/i-necessary.js';
import { experimentJ } from './experiments/j-duplication.js';
import { experimentK } from './experiments/k-race.js';
import { experimentL } from './experiments/l-slow-regularization.js';
import { EXPERIMENT_IDS, SCALE_NAMES, type Experiment, type ExperimentId, type ScaleName } from './types.js';

export const EXPERIMENTS: Record<ExperimentId, Experiment<any>> = {
  A: experimentA,
  B: experimentB,
  C: experimentC,
  D: experimentD,
  E: experimentE,
  F: experimentF,
  G: experimentG,
  H: experimentH,
  I: experimentI,
  J: experimentJ,
  K: experimentK,
  L: experimentL,
};

/** "B,c , E" → ['B', 'C', 'E'] in registry order; ConfigError naming --only for anything else. */
export function parseOnly(value: string | readonly string[] | undefined): ExperimentId[] {
  if (value === undefined) return [...EXPERIMENT_IDS];
  const parts = (typeof value === 'string' ? value.split(',') : value).map((s) => s.trim().toUpperCase()).filter(Boolean);
  if (parts.length === 0) throw new ConfigError('only (--only)', value, `must list experiments among ${EXPERIMENT_IDS.join(', ')}`);
  for (const p of parts) {
    if (!(EXPERIMENT_IDS as readonly string[]).includes(p)) {
      throw new ConfigError('only (--only)', value, `"${p}" is not an experiment; choose among ${EXPERIMENT_IDS.join(', ')}`);
    }
  }
  return EXPERIMENT_IDS.filter((id) => parts.includes(id));
}

export function parseScale(value: string): ScaleName {
  if (!(SCALE_NAMES as readonly string[]).includes(value)) {
    throw new ConfigError('scale (--scale)', value, `must be one of ${SCALE_NAMES.join(', ')}`);
  }
  return value as ScaleName;
}
