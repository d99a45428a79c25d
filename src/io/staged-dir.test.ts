import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stageDir } from './staged-dir.js';

const root = mkdtempSync(join(tmpdir(), 'incidental-staged-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const fresh = () => join(root, `case-${count++}`);

describe('stageDir', () => {
  it('writes beside the target and renames it into place whole', () => {
    const out = fresh();
    const s = stageDir(out, { force: false });
    expect(s.path).toBe(`${out}.incomplete-${process.pid}`);
    writeFileSync(join(s.path, 'a.txt'), 'new');
    expect(existsSync(out)).toBe(false);
    s.commit();
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('new');
    expect(existsSync(s.path)).toBe(false);
  });

  it('accepts an empty existing directory, refuses a non-empty one without force', () => {
    const empty = fresh();
    mkdirSync(empty);
    const s = stageDir(empty, { force: false });
    writeFileSync(join(s.path, 'x'), '1');
    s.commit();
    expect(readdirSync(empty)).toEqual(['x']);
    expect(() => stageDir(empty, { force: false })).toThrow(/--out .* is not empty \(x\); pass --force to replace it whole/);
    expect(readdirSync(root).filter((n) => n.includes('.incomplete-'))).toEqual([]); // nothing staged on a refusal
  });

  it('with force replaces the old contents whole (no stale file survives)', () => {
    const out = fresh();
    mkdirSync(out);
    writeFileSync(join(out, 'analysis.json'), 'stale');
    writeFileSync(join(out, 'W.npy'), 'old');
    const s = stageDir(out, { force: true });
    writeFileSync(join(s.path, 'W.npy'), 'new');
    expect(readFileSync(join(out, 'W.npy'), 'utf8')).toBe('old'); // untouched until the commit
    s.commit();
    expect(readdirSync(out)).toEqual(['W.npy']);
    expect(readFileSync(join(out, 'W.npy'), 'utf8')).toBe('new');
    expect(readdirSync(root).filter((n) => n.startsWith('case-') && n.includes('.'))).toEqual([]);
  });

  it('discard removes the staging directory and leaves the target as it was', () => {
    const out = fresh();
    mkdirSync(out);
    writeFileSync(join(out, 'keep'), 'old');
    const s = stageDir(out, { force: true });
    writeFileSync(join(s.path, 'keep'), 'new');
    s.discard();
    expect(existsSync(s.path)).toBe(false);
    expect(readFileSync(join(out, 'keep'), 'utf8')).toBe('old');
  });

  it('refuses an empty name and a file, in one line naming the flag', () => {
    expect(() => stageDir('', { force: true })).toThrow(/^invalid --out: must name a directory \(got ""\)$/);
    const file = fresh();
    writeFileSync(file, 'x');
    expect(() => stageDir(file, { force: true, flag: '--dir' })).toThrow(/^invalid --dir: .* exists and is not a directory$/);
  });

  it('cleans up after killed processes: stale staging removed, an interrupted replace put back', () => {
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    const out = fresh();
    mkdirSync(`${out}.incomplete-${deadPid}`);
    mkdirSync(`${out}.replaced-${deadPid}`);
    writeFileSync(join(`${out}.replaced-${deadPid}`, 'W.npy'), 'old run');
    // a replace killed between its renames: out is absent, the old run sits beside it
    expect(() => stageDir(out, { force: false })).toThrow(/is not empty/); // the old run is back, and protected
    expect(readFileSync(join(out, 'W.npy'), 'utf8')).toBe('old run');
    expect(existsSync(`${out}.incomplete-${deadPid}`)).toBe(false);
    expect(existsSync(`${out}.replaced-${deadPid}`)).toBe(false);
  });
});
