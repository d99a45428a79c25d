/**
 * Sizes the explorer refuses instead of attempting. Training runs in a worker, so a big
 * model would not freeze the page outright, but it would crawl, and every frame redraws
 * and re-analyses n·m weights on the main thread. Measured with bench/explorer-sizes.mjs
 * (headless Chromium 156, this project's 2-core machine, reference backend): n=128, m=1024 trains at 42 steps/s with 22 ms per redraw; at the work
 * limit n=256, m=512 it is 25 steps/s (≈ 1.2 ns · n²·m per step) with 41 ms per redraw;
 * at the weight limit n=64, m=2048, 57 steps/s with 16 ms per redraw. Beyond these the page
 * stutters, so they are refused with a message pointing to the CLI.
 */
import type { ExplorerState } from './state.js';

/** I·n·m: weights drawn, analysed and stored per frame. */
export const MAX_WEIGHTS = 131_072;
/** I·n²·m: the work of one step (≈ 40 ms on the reference backend in Chromium). */
export const MAX_STEP_WORK = 33_554_432;
/** Instances trained side by side. */
export const MAX_INSTANCES = 16;

/** A message saying why these sizes are refused, or null when they are fine. */
export function refuseSize(s: Pick<ExplorerState, 'nFeatures' | 'nHidden' | 'nInstances'>): string | null {
  const { nFeatures: n, nHidden: m, nInstances: I } = s;
  if (![n, m, I].every((v) => Number.isInteger(v) && v >= 1)) return null; // parseConfig names the bad field
  if (I > MAX_INSTANCES) return `${I} instances is more than this page trains live (at most ${MAX_INSTANCES}); use \`incidental train --instances ${I}\` for that.`;
  const weights = I * n * m;
  if (weights > MAX_WEIGHTS) {
    return `n·m·instances = ${fmt(weights)} weights is more than this page draws live (at most ${fmt(MAX_WEIGHTS)}); try smaller n or m, or run \`incidental train\` on the command line.`;
  }
  const work = I * n * n * m;
  if (work > MAX_STEP_WORK) {
    const ms = Math.round(work * 1.2e-6);
    return `n²·m·instances = ${fmt(work)} would take about ${ms} ms per step here (at most ${fmt(MAX_STEP_WORK)}, ≈ 40 ms); try smaller n or m, or run \`incidental train\` on the command line.`;
  }
  return null;
}

const fmt = (x: number) => x.toLocaleString('en-US');
