/**
 * Shared flag parsing: numbers are parsed strictly (`1e5` is fine, `12abc` is not) and a
 * bad value fails with commander's one-line error naming the flag and the value.
 */
import { InvalidArgumentError } from 'commander';

export function parseNumber(value: string): number {
  const v = value.trim();
  const x = v === '' ? NaN : Number(v);
  if (Number.isNaN(x)) throw new InvalidArgumentError(`expected a number, got "${value}".`);
  return x;
}

/** Comma-separated numbers, e.g. `0.8,1.2`. */
export function parseNumberList(value: string): number[] {
  return value.split(',').map(parseNumber);
}
