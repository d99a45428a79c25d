// The paper's configuration trained to completion by us and by the PyTorch script written the
// authors' way (bench/torch_authors.py), from the same W0, and the polysemantic-neuron
// statistics of both (neuron k polysemantic when >= 2 features have |W_ik| in [0.8, 1.2];
// mean ± standard error over instances). Both runs are compared, not gated.
//
//   npm run build:ts && node bench/compare-stats.mjs [--steps 7500] [--script torch_closed_form.py] [--threads 2]
//
// Takes long: ours ~4.5 min, torch authors-style ~20–25 min on 2 cores. Results go to bench/out/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expectedPolysemantic } from '../dist/analysis/theory.js';
import { initWeights } from '../dist/core/init.js';
import { paperConfig, polysemanticStats, showStats } from './paper-run.mjs';
import { findPython } from './python.mjs';
import { openTrainer } from '../dist/kernels/select.js';
import { decodeNpy, encodeNpy } from '../dist/io/npy.js';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const steps = Number(option('--steps', 7500));
const script = option('--script', 'torch_authors.py');
const threads = Number(option('--threads', 2));
const seed = Number(option('--seed', 0));

const config = paperConfig({ steps, seed, threads });
const { nInstances: I, nFeatures: n, nHidden: m } = config;
const here = fileURLToPath(new URL('.', import.meta.url));
const out = `${here}out/`;
mkdirSync(out, { recursive: true });
const W0 = initWeights(config);
writeFileSync(`${out}W0.npy`, encodeNpy(W0, [I, n, m]));

const stats = (W) => polysemanticStats(W, config);
const show = showStats;

console.log(`paper configuration: ${I} × (n=${n}, m=${m}), AdamW lr ${config.lr}, λ=${config.lambda}, ${steps} steps, seed ${seed}, ${threads} threads`);
let t0 = performance.now();
const trainer = await openTrainer(config, { W0 });
trainer.advance(steps);
const final = trainer.finish();
const oursSeconds = (performance.now() - t0) / 1000;
trainer.session.dispose();
const ours = stats(trainer.weights());
writeFileSync(`${out}W-ours.npy`, encodeNpy(trainer.weights(), [I, n, m]));
console.log(`ours (${trainer.session.backend}): ${oursSeconds.toFixed(0)} s, final loss ${final.lossMean.toFixed(4)}`);
console.log(`  polysemantic neurons: ${show(ours)}`);

const python = findPython('torch');
if (!python) {
  console.log('no python3 with torch: skipping the PyTorch run');
  process.exit(0);
}
t0 = performance.now();
const json = execFileSync(python, [`${here}${script}`, '--n', `${n}`, '--m', `${m}`, '--instances', `${I}`, '--steps', `${steps}`, '--warmup', '0', '--threads', `${threads}`, '--lr', `${config.lr}`, '--lam', `${config.lambda}`, '--init', `${out}W0.npy`, '--out', `${out}W-torch.npy`], { encoding: 'utf8', maxBuffer: 1 << 24 });
const torchSeconds = (performance.now() - t0) / 1000;
const report = JSON.parse(json.trim().split('\n').pop());
const Wt = decodeNpy(new Uint8Array(readFileSync(`${out}W-torch.npy`))).data;
const theirs = stats(Wt);
console.log(`${script}: ${torchSeconds.toFixed(0)} s, final loss ${report.loss.toFixed(4)}`);
console.log(`  polysemantic neurons: ${show(theirs)}`);
if (JSON.stringify(report.polysemantic) !== JSON.stringify(theirs.counts)) {
  console.log(`  (python's own count differs: ${report.polysemantic.join(' ')})`);
}
const gap = Math.abs(ours.mean - theirs.mean);
const se = Math.hypot(ours.se, theirs.se);
console.log(`difference of means ${gap.toFixed(2)} vs combined standard error ${se.toFixed(2)}: ${gap <= se ? 'within' : gap <= 2 * se ? 'within 2' : 'OUTSIDE 2'} standard errors`);
console.log(`theory n²/4m = ${expectedPolysemantic(n, m).toFixed(2)}; wall time: ours ${oursSeconds.toFixed(0)} s, torch ${torchSeconds.toFixed(0)} s (${(torchSeconds / oursSeconds).toFixed(1)}×)`);
writeFileSync(`${out}compare-stats.json`, JSON.stringify({ config, ours: { ...ours, seconds: oursSeconds }, torch: { script, ...theirs, seconds: torchSeconds } }, null, 2));
