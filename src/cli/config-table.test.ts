// The config's field table (src/core/config.ts) is the one declaration of each field: the CLI
// options, the schema and the explorer's URL state and controls are derived from it, so a
// field added there (as `batch` was, in one line) appears everywhere without more code.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CONFIG_FIELDS, CONFIG_KEYS, DEFAULTS, parseConfig, type ConfigField } from '../core/config.js';
import { CONTROL_GROUPS } from '../explorer/controls.js';
import { STATE_FIELDS, TRAINING_KEYS } from '../explorer/state.js';
import { addTrainOptions, configFromOptions } from './train.js';

const field = (k: (typeof CONFIG_KEYS)[number]) => CONFIG_FIELDS[k] as ConfigField<unknown>;

describe('one field table', () => {
  it('every field has a `train` option with its flag and help', () => {
    const cmd = addTrainOptions(new Command('train'));
    const flags = cmd.options.map((o) => o.long);
    for (const k of CONFIG_KEYS) {
      expect(flags, k).toContain(field(k).flag);
      expect(cmd.options.find((o) => o.long === field(k).flag)!.description).toBe(field(k).help);
    }
    expect(cmd.options.length).toBe(CONFIG_KEYS.length);
  });

  it('the options with no flags given are the defaults', () => {
    const cmd = addTrainOptions(new Command('train').exitOverride());
    cmd.parse([], { from: 'user' });
    expect(configFromOptions(cmd.opts())).toEqual(DEFAULTS);
    expect(parseConfig({})).toEqual(DEFAULTS);
  });

  it('a flag sets its field (the general model fields, through the CLI parser)', () => {
    const cmd = addTrainOptions(new Command('train').exitOverride());
    cmd.parse(['--data', 'bernoulli', '--p', '0.3', '--batch', '7', '--magnitude', 'uniform', '--hidden', 'layernorm', '--untied', '--no-benefit'], { from: 'user' });
    expect(configFromOptions(cmd.opts())).toEqual({ ...DEFAULTS, data: 'bernoulli', featureProbability: 0.3, batch: 7, magnitude: 'uniform', hidden: 'layernorm', untied: true, benefit: false });
  });

  it('the explorer has a URL key and a control for exactly the fields with an explorer entry', () => {
    const controls = CONTROL_GROUPS.flatMap((g) => g.specs.map((s) => s.key as string));
    for (const k of CONFIG_KEYS) {
      const e = field(k).explorer;
      expect(TRAINING_KEYS.includes(k), k).toBe(e !== undefined);
      expect(controls.includes(k), k).toBe(e !== undefined);
      if (e) expect(STATE_FIELDS[k].key).toBe(e.url);
    }
    expect(TRAINING_KEYS).toEqual(expect.arrayContaining(['data', 'featureProbability', 'hidden']));
    const urlKeys = Object.values(STATE_FIELDS).map((f) => f.key);
    expect(new Set(urlKeys).size).toBe(urlKeys.length); // no two fields share a URL key
  });
});
