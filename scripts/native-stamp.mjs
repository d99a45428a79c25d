// The source stamp of the native addon: a SHA-256 over native/binding.gyp and every file of
// native/src (by name, in name order). scripts/build-native.mjs compiles it into the addon
// (-Dsource_stamp), src/kernels/native.ts recomputes it from the sources present and refuses
// an addon whose stamp differs (built from older sources), and `npm run build` rebuilds the
// addon only when they differ. One function for all three, in plain JS because the install
// script runs before the TypeScript is compiled; it ships with the package ("files").
//
//   import { sourceStamp } from './native-stamp.mjs';
//   sourceStamp('/path/to/native')   // → '3f2a…' (64 hex digits), or null without binding.gyp or src/
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The stamp of the native sources under `dir` (the folder holding binding.gyp and src/), or null if either is missing. */
export function sourceStamp(dir) {
  const src = join(dir, 'src');
  if (!existsSync(join(dir, 'binding.gyp')) || !existsSync(src)) return null;
  const files = readdirSync(src)
    .filter((name) => statSync(join(src, name)).isFile())
    .sort()
    .map((name) => [`src/${name}`, join(src, name)]);
  const hash = createHash('sha256');
  for (const [name, path] of [['binding.gyp', join(dir, 'binding.gyp')], ...files]) {
    const bytes = readFileSync(path);
    hash.update(`${name}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}
