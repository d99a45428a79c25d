/**
 * The cross-field rules (NO_EFFECT_RULES, checkFieldsHaveEffect): a field given explicitly
 * that the rest of the config makes do nothing is refused with one line naming the field,
 * its flag, the value and why; the same field left at its default, or given where it does
 * act, passes. The CLI tests see one rule through `train`; here every rule, both ways.
 */
import { describe, expect, it } from 'vitest';
import { checkFieldsHaveEffect, NO_EFFECT_RULES, parseConfig, type TrainConfig } from './config.js';
import { ConfigError } from './errors.js';

type Key = keyof TrainConfig;
const refuses = (config: TrainConfig, keys: Key[], init = false) => {
  try {
    checkFieldsHaveEffect(config, keys, { init });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  return null;
};

describe('fields that would do nothing are refused when given', () => {
  it('every rule is listed: initScale, beta1, beta2, eps, weightDecay, noiseStd, threads', () => {
    expect(Object.keys(NO_EFFECT_RULES).sort()).toEqual(['beta1', 'beta2', 'eps', 'initScale', 'noiseStd', 'threads', 'weightDecay']);
  });

  it.each(['beta1', 'beta2', 'eps'] as const)('%s: only adam and adamw use it', (key) => {
    const flag = { beta1: '--beta1', beta2: '--beta2', eps: '--eps' }[key];
    for (const optimizer of ['sgd', 'prox-sgd'] as const) {
      const c = parseConfig({ optimizer });
      expect(refuses(c, [key])).toBe(`invalid ${key} (${flag}): has no effect with --optimizer ${optimizer} (only adam and adamw use it) (got ${c[key]})`);
    }
    for (const optimizer of ['adam', 'adamw'] as const) expect(refuses(parseConfig({ optimizer }), [key])).toBeNull();
  });

  it('weightDecay: only adamw decays weights', () => {
    for (const optimizer of ['sgd', 'prox-sgd', 'adam'] as const) {
      expect(refuses(parseConfig({ optimizer }), ['weightDecay'])).toBe(
        `invalid weightDecay (--weight-decay): has no effect with --optimizer ${optimizer} (only adamw decays weights) (got 0.01)`,
      );
    }
    expect(refuses(parseConfig({ optimizer: 'adamw' }), ['weightDecay'])).toBeNull();
  });

  it('noiseStd: refused with --noise none, accepted with bipolar or gaussian', () => {
    expect(refuses(parseConfig({ noise: 'none' }), ['noiseStd'])).toMatch(/^invalid noiseStd \(--noise-std\): has no effect with --noise none \(choose bipolar or gaussian noise\) \(got /);
    expect(refuses(parseConfig({ noise: 'bipolar', noiseStd: 0.1 }), ['noiseStd'])).toBeNull();
    expect(refuses(parseConfig({ noise: 'gaussian', noiseStd: 0.1 }), ['noiseStd'])).toBeNull();
  });

  it('threads: refused with the reference backend only', () => {
    expect(refuses(parseConfig({ backend: 'reference' }), ['threads'])).toMatch(/^invalid threads \(--threads\): has no effect with --backend reference \(it runs on one thread\) \(got /);
    for (const backend of ['auto', 'wasm', 'native'] as const) expect(refuses(parseConfig({ backend }), ['threads'])).toBeNull();
  });

  it('initScale: refused when the weights come from --init, accepted otherwise', () => {
    const c = parseConfig({});
    expect(refuses(c, ['initScale'], true)).toBe('invalid initScale (--init-scale): has no effect with --init (the initial weights come from the file) (got 1)');
    expect(refuses(c, ['initScale'], false)).toBeNull();
  });

  it('only the fields given are judged; the first one that does nothing is named; fields without a rule always pass', () => {
    const c = parseConfig({ optimizer: 'sgd', noise: 'none', backend: 'reference' });
    expect(refuses(c, [])).toBeNull();
    expect(refuses(c, ['nFeatures', 'lr', 'optimizer', 'steps'])).toBeNull();
    expect(refuses(c, ['lr', 'noiseStd', 'beta1'])).toMatch(/^invalid noiseStd /);
    expect(refuses(c, ['threads', 'beta1'])).toMatch(/^invalid threads /);
  });
});

describe('parseConfig takes an object only', () => {
  it.each([[undefined, 'nothing'], [5, '5'], [true, 'true'], ['abc', '"abc"']])('%s is refused as the config itself', (input, shown) => {
    expect(() => parseConfig(input)).toThrow(`invalid config: must be an object (got ${shown})`);
  });
});
