/**
 * Shared flag parsing: numbers are parsed strictly as decimals (`1e5`, `-0.5`, `.5` and
 * `Infinity` are fine; `12abc`, `0x10`, `0b101`, `1_000` and the empty string are not: JS's
 * Number() would read `0x10` as 16 without a word) and a bad value fails with commander's
 * one-line error naming the flag and the value.
 */
import { InvalidArgumentError } from 'commander';

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?Infinity$/;

export function parseNumber(value: string): number {
  const v = value.trim();
  if (!DECIMAL.test(v)) throw new InvalidArgumentError(`expected a decimal number, got "${value}".`);
  return Number(v);
}

/** Comma-separated numbers, e.g. `0.8,1.2`. */
export function parseNumberList(value: string): number[] {
  return value.split(',').map(parseNumber);
}
