// The paper's configuration trained to completion on the native and the wasm backend from the
// same W0 (same seed), one after the other: wall time of each, the polysemantic-neuron
// statistics of both (neuron k polysemantic when >= 2 features have |W_ik| in [0.8, 1.2]; mean
// ± standard error over instances), and how far the final weights are apart (float32 rounding
// with and without fused multiply-adds, amplified by 7500 steps of training). Not a test gate.
//
//   npm run build:ts && node bench/compare-backends.mjs [--steps 7500] [--threads 2] [--seed 0] [--only native|wasm]
//
// --only trains one backend and keeps its result (bench/out/compare-<backend>.npy, .json), so the
// two runs may go in two processes at once; without it, both run (or, with both results kept
// already and --compare, none) and the comparison goes to bench/out/compare-backends.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expectedPolysemantic } from '../dist/analysis/theory.js';
import { initWeights } from '../dist/core/init.js';
import { paperConfig, polysemanticStats, showStats } from './paper-run.mjs';
import { decodeNpy, encodeNpy } from '../dist/io/npy.js';
import { BACKENDS, openTrainer } from '../dist/kernels/select.js';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const steps = Number(option('--steps', 7500));
const threads = Number(option('--threads', 2));
const seed = Number(option('--seed', 0));
const only = option('--only', null);
const out = fileURLToPath(new URL('out/', import.meta.url));
mkdirSync(out, { recursive: true });

const config = paperConfig({ steps, seed, threads });
const { nInstances: I, nFeatures: n, nHidden: m } = config;
const W0 = initWeights(config);

const stats = (W) => polysemanticStats(W, config);
const show = showStats;

console.log(`paper configuration: ${I} × (n=${n}, m=${m}), AdamW lr ${config.lr}, λ=${config.lambda}, ${steps} steps, seed ${seed}, ${threads} threads`);
const results = {};
const names = args.includes('--compare') ? [] : only ? [only] : ['native', 'wasm'];
for (const name of names) {
  const backend = await BACKENDS[name]();
  if (!backend) {
    console.log(`${name}: not available here`);
    process.exit(1);
  }
  const t0 = performance.now();
  const trainer = await openTrainer(config, { W0, backend });
  trainer.advance(steps);
  const final = trainer.finish();
  const seconds = (performance.now() - t0) / 1000;
  const W = Float32Array.from(trainer.weights());
  trainer.session.dispose();
  results[name] = { seconds, loss: final.lossMean, W, ...stats(W) };
  writeFileSync(`${out}compare-${name}.npy`, encodeNpy(W, [I, n, m]));
  writeFileSync(`${out}compare-${name}.json`, JSON.stringify({ seconds, loss: final.lossMean, steps, seed }));
  console.log(`${name}: ${seconds.toFixed(0)} s (${((seconds / steps) * 1e3).toFixed(1)} ms/step), final loss ${final.lossMean.toFixed(6)}`);
  console.log(`  polysemantic neurons: ${show(results[name])}`);
}
if (only) process.exit(0);
for (const name of ['native', 'wasm']) {
  if (results[name]) continue;
  if (!existsSync(`${out}compare-${name}.npy`)) {
    console.log(`no kept result for ${name}: run with --only ${name} first`);
    process.exit(1);
  }
  const W = decodeNpy(new Uint8Array(readFileSync(`${out}compare-${name}.npy`))).data;
  const kept = JSON.parse(readFileSync(`${out}compare-${name}.json`, 'utf8'));
  results[name] = { ...kept, W, ...stats(W) };
  console.log(`${name} (kept): ${kept.seconds.toFixed(0)} s (${((kept.seconds / kept.steps) * 1e3).toFixed(1)} ms/step), final loss ${kept.loss.toFixed(6)}`);
  console.log(`  polysemantic neurons: ${show(results[name])}`);
}
const [a, b] = [results.native.W, results.wasm.W];
let diff2 = 0, norm2 = 0, maxAbs = 0;
for (let i = 0; i < a.length; i++) {
  const d = a[i] - b[i];
  diff2 += d * d;
  norm2 += b[i] * b[i];
  maxAbs = Math.max(maxAbs, Math.abs(d));
}
const rel = Math.sqrt(diff2 / norm2);
const same = results.native.counts.filter((c, i) => c === results.wasm.counts[i]).length;
console.log(`final weights: ‖W_native − W_wasm‖ / ‖W_wasm‖ = ${rel.toExponential(2)}, max |difference| ${maxAbs.toExponential(2)}`);
console.log(`polysemantic counts identical in ${same} of ${I} instances; theory n²/4m = ${expectedPolysemantic(n, m).toFixed(2)}`);
console.log(`wall time: native ${results.native.seconds.toFixed(0)} s, wasm ${results.wasm.seconds.toFixed(0)} s (${(results.wasm.seconds / results.native.seconds).toFixed(2)}×)`);
const strip = ({ W, ...r }) => r;
writeFileSync(`${out}compare-backends.json`, JSON.stringify({ config, native: strip(results.native), wasm: strip(results.wasm), relativeDifference: rel, maxAbsDifference: maxAbs, identicalCounts: same }, null, 2));
