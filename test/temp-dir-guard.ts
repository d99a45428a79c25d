/**
 * Vitest global setup: runs the whole suite with its own temporary directory and fails the
 * run if anything is left in it at the end. Every test process (and every CLI child a test
 * spawns) inherits TMPDIR, so os.tmpdir() points here; other users of the machine's /tmp do
 * not disturb the check, and a test that forgets to clean up is named by what it left.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'incidental-test-run-'));
  process.env.TMPDIR = dir;
  return () => {
    const left = readdirSync(dir);
    rmSync(dir, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (left.length > 0) {
      // Vitest reports an error thrown here but still exits 0, so set the exit code too.
      process.exitCode = 1;
      throw new Error(`the tests left ${left.length} entries in the temporary directory: ${left.slice(0, 20).join(', ')}${left.length > 20 ? ', …' : ''}`);
    }
  };
}
