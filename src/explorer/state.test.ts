import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { addTrainOptions, configFromOptions } from '../cli/train.js';
import { refuseSize, MAX_STEP_WORK, MAX_WEIGHTS } from './limits.js';
import { cliFlagsOf, defaultState, formatState, readState, restartsTraining, trainConfigOf, type ExplorerState } from './state.js';

/** The config `incidental train <flags>` would train, parsed by the CLI's own option code. */
function cliConfig(flags: string) {
  const cmd = addTrainOptions(new Command('train').exitOverride());
  cmd.parse(flags.split(' '), { from: 'user' });
  return configFromOptions(cmd.opts());
}

describe('URL state', () => {
  it('round-trips every field through the query string', () => {
    const state: ExplorerState = {
      ...defaultState(),
      nFeatures: 12,
      nHidden: 20,
      nInstances: 3,
      lambda: 0.02,
      optimizer: 'prox-sgd',
      lr: 0.05,
      seed: 7,
      initScale: 0.9,
      interference: false,
      noise: 'bipolar',
      noiseStd: 0.15,
      steps: 500,
      instance: 2,
      feature: 5,
      speed: 25,
      order: 'index',
    };
    expect(readState(formatState(state))).toEqual({ state, ignored: [] });
  });

  it('carries the general model (data, p, hidden layer) in the URL', () => {
    const { state, ignored } = readState('?data=bernoulli&p=0.25&hidden=layernorm');
    expect(ignored).toEqual([]);
    expect([state.data, state.featureProbability, state.hidden]).toEqual(['bernoulli', 0.25, 'layernorm']);
    expect(formatState(state)).toBe('?data=bernoulli&p=0.25&hidden=layernorm');
    expect(readState('?hidden=tanh').ignored).toEqual(['hidden=tanh']);
  });

  it('writes only what differs from the defaults', () => {
    expect(formatState(defaultState())).toBe('');
    expect(formatState({ ...defaultState(), seed: 3 })).toBe('?seed=3');
  });

  it('ignores malformed values, keeping the defaults, and says which', () => {
    const { state, ignored } = readState('?n=abc&opt=rmsprop&interference=maybe&m=40');
    expect(state.nFeatures).toBe(defaultState().nFeatures);
    expect(state.optimizer).toBe(defaultState().optimizer);
    expect(state.nHidden).toBe(40);
    expect(ignored).toEqual(['n=abc', 'opt=rmsprop', 'interference=maybe']);
  });

  it('restarts training only for fields that change the model', () => {
    const s = defaultState();
    expect(restartsTraining(s, { ...s, seed: 1 })).toBe(true);
    expect(restartsTraining(s, { ...s, interference: false })).toBe(true);
    expect(restartsTraining(s, { ...s, steps: 9000, feature: 3, speed: 100, instance: 0, order: 'index' })).toBe(false);
  });
});

describe('trainConfigOf', () => {
  it('is the config `incidental train` builds from the flags the page shows (up to the stopping step)', () => {
    const states: ExplorerState[] = [
      defaultState(),
      { ...defaultState(), nFeatures: 12, nHidden: 20, optimizer: 'adam', lr: 0.01, lambda: 0.02, seed: 4, steps: 1200 },
      { ...defaultState(), nInstances: 2, initScale: 0.5, interference: false, noise: 'gaussian', noiseStd: 0.07, optimizer: 'sgd' },
      { ...defaultState(), data: 'bernoulli', featureProbability: 0.2, hidden: 'relu' },
      { ...defaultState(), data: 'bernoulli', featureProbability: 0.05, hidden: 'layernorm', noise: 'bipolar' },
    ];
    for (const s of states) {
      const page = trainConfigOf(s);
      const cli = cliConfig(cliFlagsOf(s));
      expect({ ...page, steps: cli.steps, snapshotEvery: cli.snapshotEvery }).toEqual(cli);
      expect(cli.steps).toBe(s.steps);
    }
  });

  it('rejects bad values with the CLI message naming the field', () => {
    expect(() => trainConfigOf({ ...defaultState(), nHidden: 0 })).toThrow(ConfigError);
    expect(() => trainConfigOf({ ...defaultState(), nHidden: 0 })).toThrow('invalid nHidden (--m): must be an integer >= 1 (got 0)');
    expect(() => trainConfigOf({ ...defaultState(), lr: -1 })).toThrow('invalid lr (--lr)');
  });
});

describe('refuseSize', () => {
  it('accepts the defaults and the sizes at the limits', () => {
    expect(refuseSize(defaultState())).toBeNull();
    expect(refuseSize({ nFeatures: 256, nHidden: 512, nInstances: 1 })).toBeNull(); // n·m = MAX_WEIGHTS, n²m = MAX_STEP_WORK
    expect(256 * 512).toBe(MAX_WEIGHTS);
    expect(256 * 256 * 512).toBe(MAX_STEP_WORK);
  });

  it('refuses too many weights or too much work per step, saying why', () => {
    expect(refuseSize({ nFeatures: 64, nHidden: 4096, nInstances: 1 })).toMatch(/n·m·instances = 262,144 weights .*\(at most 131,072\)/);
    expect(refuseSize({ nFeatures: 512, nHidden: 256, nInstances: 1 })).toMatch(/n²·m·instances = 67,108,864 .* about 81 ms per step/);
    expect(refuseSize({ nFeatures: 16, nHidden: 32, nInstances: 100 })).toMatch(/100 instances/);
  });
});
