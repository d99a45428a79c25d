/** The temp-dir helpers and the suite's private temporary directory (test/temp-dir-guard.ts). */
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { suiteTempDir, tempDir } from './temp-dir.js';

describe('temporary directories', () => {
  const shared = suiteTempDir('suite');
  let made = '';

  it('the suite runs in its own temporary directory', () => {
    expect(tmpdir()).toMatch(/incidental-test-run-[^/\\]+$/);
  });

  it('tempDir makes a directory under it', () => {
    made = tempDir('helper');
    writeFileSync(join(made, 'file.txt'), 'x');
    expect(made.startsWith(tmpdir())).toBe(true);
    expect(existsSync(join(made, 'file.txt'))).toBe(true);
    expect(existsSync(shared)).toBe(true);
  });

  it('and removes it, with its contents, when the test finishes', () => {
    expect(made).not.toBe('');
    expect(existsSync(made)).toBe(false);
    expect(existsSync(shared)).toBe(true);
  });
});
