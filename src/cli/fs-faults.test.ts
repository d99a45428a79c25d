/**
 * File-system faults, injected at the fs layer so the test runs anywhere (no root, no tiny
 * mount): a full disk (ENOSPC) in the middle of a run, a read-only file system (EROFS), a
 * directory the user may not write (EACCES). Each ends in one line and a non-zero exit; the
 * temp files are gone and what was on disk before is intact, byte for byte.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectOneLineFault, treeHashes } from './fault-helpers.js';
import { runCapture } from './test-helpers.js';

interface Fault {
  op: 'writeFileSync' | 'appendFileSync' | 'mkdirSync' | 'accessSync' | 'renameSync';
  /** the path argument it applies to */
  match: RegExp;
  code: string;
  /** calls that succeed before the first failure */
  after: number;
}
const injected = vi.hoisted(() => ({ fault: null as Fault | null, calls: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const wrap =
    <A extends unknown[], R>(op: Fault['op'], fn: (...args: A) => R) =>
    (...args: A): R => {
      const f = injected.fault;
      if (f && f.op === op && f.match.test(String(args[0])) && injected.calls++ >= f.after) {
        const err = Object.assign(new Error(`${f.code}: injected, ${op} '${String(args[0])}'`), { code: f.code, syscall: op, path: String(args[0]) });
        throw err;
      }
      return fn(...args);
    };
  const patched = {
    ...fs,
    writeFileSync: wrap('writeFileSync', fs.writeFileSync),
    appendFileSync: wrap('appendFileSync', fs.appendFileSync),
    mkdirSync: wrap('mkdirSync', fs.mkdirSync),
    accessSync: wrap('accessSync', fs.accessSync),
    renameSync: wrap('renameSync', fs.renameSync),
  };
  return { ...patched, default: patched };
});

const root = mkdtempSync(join(tmpdir(), 'incidental-fs-faults-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  injected.fault = null;
  injected.calls = 0;
});
let count = 0;
const fresh = () => join(root, `case-${count++}`);
const train = ['train', '--n', '4', '--m', '8', '--steps', '400', '--snapshot-every', '1', '--quiet', '--backend', 'reference'];

const good = join(root, 'good');
const goodSparsify = join(root, 'good-sparsify');
beforeAll(async () => {
  expect((await runCapture([...train, '--out', good])).code).toBe(0);
  expect((await runCapture(['sparsify', '--m', '300', '--lambda', '1e-3', '--out', goodSparsify])).code).toBe(0);
});
const copyOf = (dir: string) => {
  const d = fresh();
  cpSync(dir, d, { recursive: true });
  return d;
};
/** Nothing a failed command wrote is left beside its target: no staging directory, no temp file. */
const leftovers = (target: string) => readdirSync(root).filter((n) => n.startsWith(`${target.split('/').pop()}.`));
const tempFiles = (dir: string) => readdirSync(dir).filter((n) => n.includes('.tmp-'));

function inject(fault: Partial<Fault> & Pick<Fault, 'op' | 'match' | 'code'>): void {
  injected.fault = { after: 0, ...fault };
  injected.calls = 0;
}

describe('a full disk (ENOSPC)', () => {
  it('while train appends metrics over an existing run with --force: one line, partial output removed, the old run intact', async () => {
    const out = copyOf(good);
    const before = treeHashes(out);
    inject({ op: 'appendFileSync', match: /metrics\.jsonl$/, code: 'ENOSPC', after: 1 });
    await expectOneLineFault([...train, '--force', '--out', out], /writing .*: no space left on the device \(ENOSPC\); the partial output was removed and .* holds what it held before/);
    expect(treeHashes(out)).toEqual(before);
    expect(leftovers(out)).toEqual([]);
  });

  it('while train writes W.npy into a fresh directory: one line, its temp file and the staging directory removed, nothing at --out', async () => {
    const out = fresh();
    inject({ op: 'writeFileSync', match: /W\.npy\.tmp-/, code: 'ENOSPC', after: 0 });
    await expectOneLineFault([...train, '--out', out], /writing .*W\.npy: no space left on the device \(ENOSPC\)/);
    expect(leftovers(out)).toEqual([]);
    expect(readdirSync(root)).not.toContain(out.split('/').pop());
  });

  it('while sparsify streams its trajectory: one line, the earlier output intact', async () => {
    const out = copyOf(goodSparsify);
    const before = treeHashes(out);
    inject({ op: 'appendFileSync', match: /trajectory\.(jsonl|csv)$/, code: 'ENOSPC', after: 0 });
    await expectOneLineFault(['sparsify', '--m', '300', '--lambda', '1e-3', '--force', '--out', out], /no space left on the device \(ENOSPC\)/);
    expect(treeHashes(out)).toEqual(before);
    expect(leftovers(out)).toEqual([]);
  });

  it('while analyze writes analysis.json: one line, the run files intact, no temp file', async () => {
    const run = copyOf(good);
    const before = treeHashes(run);
    inject({ op: 'writeFileSync', match: /analysis\.json\.tmp-/, code: 'ENOSPC', after: 0 });
    await expectOneLineFault(['analyze', run], /writing .*analysis\.json: no space left on the device \(ENOSPC\)/);
    expect(treeHashes(run)).toEqual(before);
    expect(tempFiles(run)).toEqual([]);
  });

  it('a disk quota (EDQUOT) reads the same way', async () => {
    const out = fresh();
    inject({ op: 'appendFileSync', match: /metrics\.jsonl$/, code: 'EDQUOT', after: 2 });
    await expectOneLineFault([...train, '--out', out], /disk quota exceeded \(EDQUOT\)/);
    expect(leftovers(out)).toEqual([]);
  });
});

describe('a --out that cannot be written', () => {
  it('on a read-only file system (EROFS): one line naming --out', async () => {
    const out = fresh();
    inject({ op: 'mkdirSync', match: /\.incomplete-\d+$/, code: 'EROFS' });
    await expectOneLineFault([...train, '--out', out], /cannot write --out .*: the file system is read-only \(EROFS\)/);
    await expectOneLineFault(['sparsify', '--m', '100', '--out', out], /cannot write --out .*: the file system is read-only \(EROFS\)/);
  });

  it('an existing directory without write permission (EACCES): one line, not "no such file"', async () => {
    const out = fresh();
    mkdirSync(out);
    inject({ op: 'accessSync', match: new RegExp(`${out}$`), code: 'EACCES' });
    const line = await expectOneLineFault([...train, '--out', out], /cannot write --out .*: permission denied \(EACCES\)/);
    expect(line).not.toMatch(/no such file/);
  });

  it('a parent that cannot be created: one line', async () => {
    const out = join(fresh(), 'deep', 'run');
    inject({ op: 'mkdirSync', match: /deep$/, code: 'EACCES' });
    await expectOneLineFault([...train, '--out', out], /cannot create the parent directory of --out .*: permission denied \(EACCES\)/);
  });

  it('the final rename failing keeps the finished run in its staging directory and says where', async () => {
    const out = fresh();
    inject({ op: 'renameSync', match: /\.incomplete-\d+$/, code: 'EXDEV' });
    const line = await expectOneLineFault([...train, '--out', out], /cannot move the finished .*\.incomplete-\d+ to --out .*: it is on another device \(EXDEV\); the new output is kept in .*\.incomplete-\d+/);
    const staging = /kept in (\S+)$/.exec(line)![1];
    injected.fault = null;
    expect((await runCapture(['analyze', staging, '--json'])).code).toBe(0); // whole, where the line says
    rmSync(staging, { recursive: true });
  });
});
