/**
 * Errors a user can cause (bad flags, bad files, a diverging learning rate).
 * The CLI prints their message on one line and exits non-zero, without a stack trace;
 * anything else is a bug and keeps its stack.
 */
export class UserError extends Error {
  override name = 'UserError';
  constructor(message: string) {
    super(message);
  }
}

/** A bad value for a named field, e.g. `invalid nHidden: must be an integer >= 1 (got -3)`. */
export class ConfigError extends UserError {
  override name = 'ConfigError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`invalid ${field}: ${reason} (got ${formatValue(value)})`);
  }
}

/**
 * Training produced a NaN or Inf; `step` is the first step whose loss was not finite and
 * `cause` names the likely culprit (src/core/divergence.ts).
 */
export class DivergenceError extends UserError {
  override name = 'DivergenceError';
  constructor(
    readonly step: number,
    readonly instance: number,
    readonly likelyCause: string,
  ) {
    super(`training diverged at step ${step} (instance ${instance}: loss is not finite); likely cause: ${likelyCause}`);
  }
}

export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return String(value); // keeps NaN and Infinity readable
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s.length > 80 ? s.slice(0, 77) + '...' : s;
  } catch {
    return String(value);
  }
}
