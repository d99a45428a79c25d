#!/usr/bin/env node
// Timing of the sparsification simulation (src/analysis/sparsify.ts), never a test gate.
// Usage: npm run build:ts && node bench/sparsify.mjs [--big]   (--big adds m = 1e7)
// Prints wall times split into the init (half-normal draw + sort) and the Euler steps, and
// the fast/reference ratio measured in the same run (the machine is shared: absolute times
// are noisy, ratios less so). Targets (issue 4): m = 1e5, λ = 1e-5 under 1 s; m = 1e7 under 30 s.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const lib = new URL('../dist/analysis/sparsify.js', import.meta.url);
if (!existsSync(fileURLToPath(lib))) {
  process.stderr.write('bench/sparsify.mjs: dist/ is missing; run `npm run build:ts` first\n');
  process.exit(1);
}
const { simulateSparsification, simulateSparsificationReference, sparsifyInit } = await import(lib.href);

const big = process.argv.includes('--big');
const cases = [
  { m: 1e5, lambda: 1e-5, reference: true },
  { m: 1e6, lambda: 1e-5, reference: false },
  ...(big ? [{ m: 1e7, lambda: 1e-5, reference: false }] : []),
];

const time = (f) => {
  const t0 = performance.now();
  const out = f();
  return [out, (performance.now() - t0) / 1000];
};

console.log('m\tλ\tinit s\tfast total s\tsteps\tt*·λ\treference s\treference/fast');
for (const c of cases) {
  const [, initS] = time(() => sparsifyInit({ m: c.m }));
  const [fast, fastS] = time(() => simulateSparsification({ m: c.m, lambda: c.lambda }));
  let refS = NaN;
  if (c.reference) [, refS] = time(() => simulateSparsificationReference({ m: c.m, lambda: c.lambda }));
  console.log(
    [c.m.toExponential(0), c.lambda.toExponential(0), initS.toFixed(3), fastS.toFixed(3), fast.steps, fast.tStarTimesLambda?.toFixed(3), Number.isNaN(refS) ? '-' : refS.toFixed(3), Number.isNaN(refS) ? '-' : (refS / fastS).toFixed(1)].join('\t'),
  );
}
