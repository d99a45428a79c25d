/**
 * Test helper: temporary directories that remove themselves. `tempDir` is for use inside a
 * test (removed when the test finishes, passed or failed); `suiteTempDir` for a directory
 * shared by a file's tests (removed after the last one). test/global-setup.ts checks that a
 * full run leaves nothing behind in the temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

function make(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `incidental-${prefix}-`));
}

const remove = (dir: string) => rmSync(dir, { recursive: true, force: true });

/** A fresh directory under the system temp directory, removed when the current test finishes. */
export function tempDir(prefix: string): string {
  const dir = make(prefix);
  onTestFinished(() => remove(dir));
  return dir;
}

/** A fresh directory for the whole test file, removed after its last test. */
export function suiteTempDir(prefix: string): string {
  const dir = make(prefix);
  afterAll(() => remove(dir));
  return dir;
}
