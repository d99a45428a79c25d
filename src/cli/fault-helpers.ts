/**
 * Shared checks for the fault tests: a user-side fault must end in exactly one line on
 * stderr, starting "incidental: ", with a non-zero exit and no stack trace; and what was
 * on disk before must still be there, byte for byte.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCapture } from './test-helpers.js';

/** Runs the CLI in-process and asserts the one-line refusal; returns the line. */
export async function expectOneLineFault(args: string[], message?: RegExp): Promise<string> {
  const r = await runCapture(args);
  expect(r.code, `exit code of incidental ${args.join(' ')}`).not.toBe(0);
  // the notice that the native kernels are missing (a fact of this machine, not of the fault) is not the refusal
  const lines = r.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('(run with --help') && !/^incidental: using the \w+ kernels; native kernels unavailable/.test(l));
  expect(lines, `stderr of incidental ${args.join(' ')}:\n${r.stderr}`).toHaveLength(1);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at |RangeError|TypeError/);
  if (message) expect(lines[0]).toMatch(message);
  return lines[0];
}

/** sha256 of every file under a directory (recursively), by relative path. */
export function treeHashes(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) Object.assign(out, treeHashes(p, `${prefix}${f}/`));
    else out[prefix + f] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}
