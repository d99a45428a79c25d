// The native addon's source stamp (scripts/native-stamp.mjs): an addon built from other
// sources than those in native/ is refused with a reason (and `auto` falls back to wasm), one
// built from them loads from the installed package's layout (only package.json "files"), and
// `build-native.mjs --if-stale` (run by `npm run build`) keeps an up-to-date addon and rebuilds
// a stale one with the new stamp compiled in.
//
// Layouts are copies of the package in a temporary root whose .node is a symbolic link to the
// one built here (require resolves it to the same file, so no second copy is loaded into this
// process, see loadNative); the rebuilt addon is only ever loaded by a child process, and a
// last test checks that no other module names the addon's file.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS shared with the install script (no type declarations)
import { sourceStamp } from '../../scripts/native-stamp.mjs';
import { loadNative, loadNativeFrom, stampRefusal, STALE_REASON, UNSTAMPED_REASON } from './native.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const built = join(root, 'native/build/Release/incidental_native.node');
const LOADED = await loadNative();
const describeBuilt = LOADED.addon ? describe : () => {};
const stampOf = sourceStamp as (dir: string) => string | null;

const tmps: string[] = [];
afterAll(() => tmps.forEach((t) => rmSync(t, { recursive: true, force: true })));

/** A package root holding only what package.json "files" ships of the native part, with the built addon linked. */
function installedLayout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'incidental-stamp-'));
  tmps.push(dir);
  for (const f of ['native/src', 'native/binding.gyp', 'scripts/native-stamp.mjs', 'scripts/build-native.mjs']) cpSync(join(root, f), join(dir, f), { recursive: true });
  mkdirSync(join(dir, 'native/build/Release'), { recursive: true });
  symlinkSync(built, join(dir, 'native/build/Release/incidental_native.node'));
  return dir;
}

const buildScript = (dir: string, ...args: string[]) =>
  execFileSync(process.execPath, [join(dir, 'scripts/build-native.mjs'), '--dir', join(dir, 'native'), ...args], { encoding: 'utf8', timeout: 300_000 });

describe('stampRefusal', () => {
  it('refuses another stamp and a missing one, accepts the same, and cannot judge without sources', () => {
    expect(stampRefusal('a1', 'a1')).toBeNull();
    expect(stampRefusal('a1', 'b2')).toBe(STALE_REASON);
    expect(stampRefusal(undefined, 'b2')).toBe(UNSTAMPED_REASON);
    expect(stampRefusal('none', 'b2')).toBe(UNSTAMPED_REASON);
    expect(stampRefusal('a1', null)).toBeNull();
    expect(STALE_REASON).toMatch(/older than native\/src.*run npm run build:native$/);
  });
});

describe('sourceStamp', () => {
  it('is a SHA-256 that changes with any source file and with binding.gyp, and is null without sources', () => {
    const dir = mkdtempSync(join(tmpdir(), 'incidental-stamp-'));
    tmps.push(dir);
    expect(stampOf(join(dir, 'native'))).toBeNull();
    cpSync(join(root, 'native'), join(dir, 'native'), { recursive: true, filter: (p) => !p.includes('/build') });
    const before = stampOf(join(dir, 'native'))!;
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(before).toBe(stampOf(join(root, 'native')));
    appendFileSync(join(dir, 'native/src/session.c'), '\n');
    const edited = stampOf(join(dir, 'native'))!;
    expect(edited).not.toBe(before);
    appendFileSync(join(dir, 'native/binding.gyp'), '\n');
    expect(stampOf(join(dir, 'native'))).not.toBe(edited);
  });
});

describeBuilt('the built addon and its stamp', () => {
  it('carries the stamp of the sources in native/', () => {
    expect(LOADED.addon?.sourceStamp).toBe(stampOf(join(root, 'native')));
  });

  it('loads from the installed layout (package.json "files" only)', async () => {
    const files = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).files as string[];
      for (const f of ['native/src', 'native/binding.gyp', 'scripts/native-stamp.mjs', 'scripts/build-native.mjs']) expect(files).toContain(f);
    const loaded = await loadNativeFrom(pathToFileURL(installedLayout()).href + '/');
    expect(loaded.addon).toBe(LOADED.addon); // the same file, so the same module
  });

  it('is refused, with the reason, once native/src changed', async () => {
    const dir = installedLayout();
    appendFileSync(join(dir, 'native/src/kernels.h'), '/* edited */\n');
    expect(await loadNativeFrom(pathToFileURL(dir).href + '/')).toEqual({ addon: null, reason: STALE_REASON });
  });

  it('build-native --if-stale keeps an up-to-date addon', () => {
    const dir = installedLayout();
    const out = buildScript(dir, '--if-stale');
    expect(out).toMatch(/^build:native: up to date \(.*incidental_native\.node, sources [0-9a-f]{12}\)\n$/);
  });

  it('build-native --if-stale rebuilds a stale addon with the new stamp (loaded in a child process)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'incidental-stamp-'));
    tmps.push(dir);
    cpSync(join(root, 'native/src'), join(dir, 'native/src'), { recursive: true });
    cpSync(join(root, 'native/binding.gyp'), join(dir, 'native/binding.gyp'));
    cpSync(join(root, 'scripts'), join(dir, 'scripts'), { recursive: true });
    appendFileSync(join(dir, 'native/src/kernels.h'), '/* edited */\n');
    const out = buildScript(dir, '--if-stale');
    const stamp = stampOf(join(dir, 'native'))!;
    expect(out).toContain(`build:native: built ${join(dir, 'native/build/Release/incidental_native.node')} (sources ${stamp.slice(0, 12)})`);
    const addon = join(dir, 'native/build/Release/incidental_native.node');
    expect(existsSync(addon)).toBe(true);
    const child = execFileSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(addon)}).sourceStamp)`], { encoding: 'utf8' });
    expect(child).toBe(stamp);
    expect(buildScript(dir, '--if-stale')).toMatch(/up to date/);
  });
});

describe('one addon per process', () => {
  it('no module names incidental_native.node but the loader, the build script (its own process) and the tests that check them', () => {
    const files = execFileSync('git', ['ls-files', 'src', 'bench', 'bin', 'scripts', 'test'], { cwd: root, encoding: 'utf8' }).split('\n').filter((f) => /\.(ts|mjs|js|cjs)$/.test(f));
    expect(files.length).toBeGreaterThan(50);
    const naming = files.filter((f) => readFileSync(join(root, f), 'utf8').includes('incidental_native.node'));
    expect(naming.sort()).toEqual(['scripts/build-native.mjs', 'src/kernels/native-fallback.test.ts', 'src/kernels/native-stamp.test.ts', 'src/kernels/native.ts']);
  });
});
