/**
 * Shared by the sweep acceptance tests (local and queue): the 3 m × 4 seeds spec, running
 * the compiled CLI as a child process, and reading the store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';

export const BIN = new URL('../../bin/incidental.js', import.meta.url).pathname;
export const MS = [16, 24, 32];
export const SEEDS = [0, 1, 2, 3];
/** each run: 2 instances of n = 8 for STEPS AdamW steps (a few tenths of a second) */
export const STEPS = 60_000;

export function writeSpec(path: string): void {
  writeFileSync(
    path,
    [
      'method: grid',
      'parameters:',
      '  n: {value: 8}',
      `  m: {values: [${MS.join(', ')}]}`,
      '  instances: {value: 2}',
      `  steps: {value: ${STEPS}}`,
      '  snapshot-every: {value: 5000}',
      `seeds: [${SEEDS.join(', ')}]`,
      '',
    ].join('\n'),
  );
}

export function startCli(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return { child, output: () => out, exited };
}

export interface Row {
  key: string;
  m: number;
  seed: number;
  status: string;
  dir: string;
  counts_json: string;
  polysemantic: number;
}

/** Rows of a store through a fresh read-only connection (null if it does not exist yet). */
export function readRows(path: string): Row[] | null {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch {
    return null;
  }
  try {
    return db.prepare('SELECT * FROM runs ORDER BY m, seed').all() as Row[];
  } catch {
    return null; // the table is being created
  } finally {
    db.close();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
