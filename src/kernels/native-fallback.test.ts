// Installing without a C compiler: scripts/build-native.mjs (the npm install script) must
// exit 0 with one line saying why, build nothing, and the CLI must then train on wasm, saying
// once that the native kernels are unavailable. The compiler is hidden with PATH (only node
// on it), and the addon with INCIDENTAL_NATIVE=off (the built one stays for other tests).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCapture } from '../cli/test-helpers.js';
import { parseConfig } from '../core/config.js';
import { problemOf } from '../core/train.js';
import { OFF_ENV } from './native.js';
import { selectBackend } from './select.js';

// before anything loads the addon (loadNative runs once per test file, at the first selection)
process.env[OFF_ENV] = 'off';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'incidental-nocc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('install without a compiler', () => {
  it('the install script exits 0, says why in one line and builds nothing', () => {
    const bin = join(tmp, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    cpSync(join(root, 'native/src'), join(tmp, 'native/src'), { recursive: true });
    cpSync(join(root, 'native/binding.gyp'), join(tmp, 'native/binding.gyp'));
    const out = execFileSync(process.execPath, [join(root, 'scripts/build-native.mjs'), '--dir', join(tmp, 'native')], {
      env: { PATH: bin, HOME: tmp },
      encoding: 'utf8',
    });
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(out).toMatch(/^build:native: could not build the native kernels \(.+\); the wasm kernels will be used/);
    expect(existsSync(join(tmp, 'native/build/Release/incidental_native.node'))).toBe(false);
  });

  it('then `incidental train` (backend auto) trains on wasm and says so once, in one line', async () => {
    const out = join(tmp, 'run');
    const first = await runCapture(['train', '--n', '8', '--m', '16', '--steps', '50', '--instances', '2', '--out', out, '--quiet']);
    expect(first.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).backend).toBe('wasm');
    const second = await runCapture(['train', '--n', '8', '--m', '16', '--steps', '20', '--out', join(tmp, 'run2'), '--quiet']);
    expect(second.code).toBe(0);
    const notices = (first.stderr + second.stderr).split('\n').filter((l) => l.includes('native kernels unavailable'));
    expect(notices).toEqual(['incidental: using the wasm kernels; native kernels unavailable: INCIDENTAL_NATIVE=off']);
    expect((await selectBackend('auto', problemOf(parseConfig({ nFeatures: 4, nHidden: 8 })), false)).name).toBe('wasm');
  });
});
