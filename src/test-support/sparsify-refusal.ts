/**
 * The message of the ConfigError that simulateSparsification refuses `o` with (the tests of
 * its limits and options); fails the test when it throws something else, or accepts `o`.
 */
import { expect } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { simulateSparsification, type SparsifyOptions } from '../analysis/sparsify.js';

export function sparsifyRefusal(o: SparsifyOptions): string {
  try {
    simulateSparsification(o);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('accepted');
}
