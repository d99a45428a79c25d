import { expect, it } from 'vitest';
import { fmt, formatCI, formatMs, sci } from './format.js';

it('formats numbers for the report', () => {
  expect(sci(1e-5)).toBe('10⁻⁵');
  expect(sci(100_000)).toBe('10⁵');
  expect(sci(2e-3)).toBe('2·10⁻³');
  expect(sci(0.5)).toBe('0.5');
  expect(fmt(-1.234)).toBe('−1.23');
  expect(fmt(NaN)).toBe('n/a');
  expect(formatCI(-1.02, [-1.18, -0.86])).toBe('−1.02 [−1.18, −0.86]');
  expect(formatMs([256, 512, 768, 1024, 1280, 1536, 4096])).toBe('{256, 512, 768, …, 4096}');
});
