// Builds the native kernels (native/, src/kernels/native.ts) with node-gyp and the system C
// compiler, against the Node headers installed beside this node; nothing is downloaded. Runs
// at `npm install` and must never fail it: without a compiler, make, python3 or the headers
// it says so in one line and exits 0, and `--backend auto` uses the wasm kernels.
// The addon carries the stamp of the sources it was compiled from (scripts/native-stamp.mjs);
// with --if-stale (`npm run build`) an addon whose stamp matches native/src is kept, and
// anything else (sources changed, not built) is rebuilt.
//
//   node scripts/build-native.mjs [--dir native] [--if-stale]     (INCIDENTAL_SKIP_NATIVE=1 skips it)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceStamp } from './native-stamp.mjs';

const args = process.argv.slice(2);
const dir = resolve(args.includes('--dir') ? args[args.indexOf('--dir') + 1] : fileURLToPath(new URL('../native', import.meta.url)));
const ifStale = args.includes('--if-stale');
const say = (line) => console.log(`build:native: ${line}`);
const addonPath = join(dir, 'build/Release/incidental_native.node');

/** Whether the built addon was compiled from the sources with `stamp` (found in its bytes: nothing is loaded, so nothing can crash here). */
function builtFrom(stamp) {
  return existsSync(addonPath) && readFileSync(addonPath).includes(stamp);
}

function nodeGyp() {
  // npm sets npm_config_node_gyp to its bundled node-gyp during install scripts
  const candidates = [process.env.npm_config_node_gyp, join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js')];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {}
  return candidates.find((c) => c && existsSync(c));
}

function main() {
  if (process.env.INCIDENTAL_SKIP_NATIVE) return say('skipped (INCIDENTAL_SKIP_NATIVE is set); the wasm kernels will be used');
  if (!existsSync(join(dir, 'binding.gyp'))) return say(`no ${join(dir, 'binding.gyp')}; skipped`);
  const stamp = sourceStamp(dir);
  if (ifStale && stamp !== null && builtFrom(stamp)) return say(`up to date (${addonPath}, sources ${stamp.slice(0, 12)})`);
  const gyp = nodeGyp();
  if (!gyp) return say("node-gyp not found (it ships with npm); skipped, the wasm kernels will be used");
  // the headers of the running node (Debian's nodejs: /usr/include/node; official tarballs: <prefix>/include/node)
  const nodedir = resolve(dirname(process.execPath), '..');
  if (!existsSync(join(nodedir, 'include/node/node_api.h'))) {
    return say(`no Node headers under ${nodedir}/include/node (install nodejs' headers, e.g. Debian's libnode-dev); skipped, the wasm kernels will be used`);
  }
  try {
    execFileSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '--loglevel=error', '--', `-Dsource_stamp=${stamp ?? 'none'}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    say(`built ${addonPath} (sources ${String(stamp).slice(0, 12)})`);
  } catch (error) {
    const output = `${error.stderr ?? ''}${error.stdout ?? ''}`;
    const lines = output.split('\n').map((l) => l.trim());
    const why = lines.find((l) => /\b(cc|gcc|clang|c\+\+)\b.*(not found|No such file)/i.test(l)) ?? lines.find((l) => /not found|No such file|Python/i.test(l)) ?? 'compiler error';
    say(`could not build the native kernels (${why}); the wasm kernels will be used. Details: cd native && npx node-gyp rebuild --nodedir=${nodedir}`);
  }
}

try {
  main();
} catch (error) {
  say(`skipped (${error.message})`);
}
process.exit(0);
