/**
 * Acceptance for whole run directories: `train` is killed with SIGKILL at random moments,
 * into a fresh directory and over an existing run with --force. Whatever the moment, the
 * result must be one of: the old run intact (byte for byte), the new run whole (it
 * analyzes, its files agree), or a directory `analyze` refuses with one line. A directory
 * mixed from the two runs, or a refusal with a stack trace, fails the test. The kill
 * moments are spread over a little more than a whole run's duration, measured first, so
 * they land before, during and after the commit; the outcome counts are printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readRun } from '../io/read-run.js';
import { runCapture } from './test-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'incidental-kill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const bin = new URL('../../bin/incidental.js', import.meta.url).pathname;
const KILLS = 24;
const STEPS = 1500;
const trainArgs = (out: string, seed: number) => ['train', '--n', '6', '--m', '12', '--steps', String(STEPS), '--snapshot-every', '25', '--backend', 'reference', '--quiet', '--seed', String(seed), '--out', out];

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [bin, ...args], { stdio: 'ignore' });
}
const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', () => resolve())));

/** sha256 of every file in a directory, by name. */
function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = createHash('sha256').update(readFileSync(join(dir, f))).digest('hex');
  return out;
}

/** Deterministic kill moments (xorshift), so a failure can be replayed. */
function moments(count: number, spanMs: number, seed = 12345): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) / 2 ** 32) * spanMs;
  });
}

async function expectRefusedInOneLine(dir: string): Promise<void> {
  const r = await runCapture(['analyze', dir, '--json']);
  expect(r.code, `analyze ${dir} should refuse`).not.toBe(0);
  expect(r.stderr).toMatch(/^incidental: [^\n]+\n$/);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

it(`SIGKILL at ${KILLS} random moments leaves the old run intact, the new run whole, or a directory analyze refuses`, async () => {
  // the old run, and how long a whole run takes on this machine now (used only to spread the kills)
  const old = join(root, 'old');
  const t0 = performance.now();
  const first = start(trainArgs(old, 1000));
  await exited(first);
  const runMs = performance.now() - t0;
  expect(first.exitCode).toBe(0);
  const oldHashes = hashes(old);

  const outcomes = { oldIntact: 0, newWhole: 0, refused: 0 };
  const delays = moments(KILLS, runMs * 1.3);
  for (let i = 0; i < KILLS; i++) {
    const overExisting = i % 2 === 1;
    const out = join(root, `run-${i}`);
    if (overExisting) cpSync(old, out, { recursive: true });
    const child = start([...trainArgs(out, i), ...(overExisting ? ['--force'] : [])]);
    await new Promise((resolve) => setTimeout(resolve, delays[i]));
    child.kill('SIGKILL');
    await exited(child);

    // whatever staging siblings the kill left are visibly incomplete: analyze refuses them
    const siblings = readdirSync(root).filter((n) => n.startsWith(`run-${i}.`));
    for (const s of siblings) {
      if (s.includes('.replaced-')) {
        // the old run moved aside: whole while --out is absent; once the new run is in, it is being
        // removed (the next train removes what is left): only old files, byte for byte, never a new one
        const aside = hashes(join(root, s));
        if (!existsSync(out)) expect(aside).toEqual(oldHashes);
        for (const [f, h] of Object.entries(aside)) expect(h, `${s}/${f}`).toBe(oldHashes[f]);
        if (JSON.stringify(aside) !== JSON.stringify(oldHashes)) await expectRefusedInOneLine(join(root, s));
      } else await expectRefusedInOneLine(join(root, s));
    }
    if (existsSync(out) && overExisting && JSON.stringify(hashes(out)) === JSON.stringify(oldHashes)) {
      outcomes.oldIntact++;
    } else if (existsSync(out) && child.exitCode === 0) {
      // the run finished before the kill: whole, its own files, from this seed
      const run = readRun(out);
      expect(run.meta.config.seed).toBe(i);
      expect(run.summary?.status).toBe('finished');
      expect(run.snapshots[run.snapshots.length - 1].step).toBe(STEPS);
      expect((await runCapture(['analyze', out, '--json'])).code).toBe(0);
      outcomes.newWhole++;
    } else if (existsSync(out) && existsSync(join(out, 'summary.json'))) {
      // killed after the rename, before exiting: still the whole new run
      const run = readRun(out);
      expect(run.meta.config.seed).toBe(i);
      expect(run.summary?.status).toBe('finished');
      outcomes.newWhole++;
    } else {
      // no old run, no new run: out is absent or empty, and analyze says so in one line
      if (existsSync(out)) expect(readdirSync(out)).toEqual([]);
      if (overExisting) expect(siblings.some((s) => s.includes('.replaced-'))).toBe(true); // then the old run is beside it, whole
      await expectRefusedInOneLine(out);
      outcomes.refused++;
    }
  }
  console.log(`kill test: ${KILLS} kills over ${(runMs * 1.3).toFixed(0)} ms (a whole run took ${runMs.toFixed(0)} ms):`, outcomes);
  expect(outcomes.oldIntact + outcomes.newWhole + outcomes.refused).toBe(KILLS);

  // a later train over a killed one starts clean: stale staging directories are removed
  const again = await runCapture([...trainArgs(join(root, 'run-0'), 0).slice(0, -2), '--out', join(root, 'run-0'), '--force', '--steps', '10']);
  expect(again.code).toBe(0);
  expect(readdirSync(root).filter((n) => n.startsWith('run-0.'))).toEqual([]);
}, 120_000);
