/**
 * One command (a training step or an evaluation) split over threads. Instances are
 * independent, so T threads first take whole instances round-robin, each with its own
 * scratch slot and no synchronization; the instances left over (fewer than T) are done by all
 * threads together, rows (row groups for the Gram matrix) split between them, with a barrier
 * between phases:
 *   pack W │ Gram row groups (triangle split by area) │ coefficients + product row groups │ rows: stats + update
 * A thread with a whole instance instead updates each 16-column panel of W as soon as its
 * panel of D is computed (D is never stored whole), unless the step reports forces.
 * Which thread computes an entry never changes how it is summed, so any T gives the same bits.
 */
import {
  ACC_OFF, CMD, CMD_STEP, COUNTS_OFF, D_OFF, DENSE_OFF, DIAG_OFF, G_OFF, MI_OFF, H_BASE, INSTANCES, INTERFERENCE, LAMBDA, LISTS_OFF, LOSS_PTR, FORCES_PTR, M,
  M4, M16, N, N4, OPTIMIZER, PANEL_BYTES, PANELS_PTR, ROW_STATS, S1_PTR, S2_PTR, SLOT_BYTES, SLOTS_PTR, STATS_PTR, W_PTR,
  WITH_FORCES, WP_OFF, ctlF64, ctlI32, ctlPtr,
} from './control';
import { PANEL_ROW_BYTES, coefficientGroups } from './coefficients';
import { gramGroups, packGroups } from './gram';
import { rowStats, updatePanel } from './optimizer';
import { PANEL_COLUMNS, packPanel, productGroups, productPanel } from './product';
import { barrier } from './sync';

/** Thread t's share of the current command, among `threads`. */
export function share(ctl: usize, t: i32, threads: i32): void {
  const instances = ctlI32(ctl, INSTANCES);
  const alone = (instances / threads) * threads;
  for (let inst = t; inst < alone; inst += threads) runInstance(ctl, inst, t, 0, 1);
  for (let inst = alone; inst < instances; inst++) runInstance(ctl, inst, 0, t, threads);
}

/** [lo, hi) of `count` items split evenly over `parts`. */
// @ts-ignore: decorator
@inline function evenLo(count: i32, part: i32, parts: i32): i32 {
  return ((count as i64) * part / parts) as i32;
}

/** First row group of part `part` when group g costs (groups − g): the Gram triangle. */
function triangleLo(groups: i32, part: i32, parts: i32): i32 {
  if (part <= 0) return 0;
  if (part >= parts) return groups;
  const total = (groups as i64) * (groups + 1) / 2;
  const target = total * part / parts;
  let cum: i64 = 0;
  let g = 0;
  while (g < groups && cum < target) {
    cum += groups - g;
    g++;
  }
  return g;
}

/**
 * Instance `inst` with scratch slot `slot`, as part `t` of `parts` cooperating threads
 * (parts = 1: the whole instance, no barriers).
 */
function runInstance(ctl: usize, inst: i32, slot: i32, t: i32, parts: i32): void {
  const n = ctlI32(ctl, N), m = ctlI32(ctl, M), n4 = ctlI32(ctl, N4), m4 = ctlI32(ctl, M4), m16 = ctlI32(ctl, M16);
  const groups = n4 >> 2;
  const base = ctlPtr(ctl, SLOTS_PTR) + (slot as usize) * ctlPtr(ctl, SLOT_BYTES);
  const Wp = base + ctlPtr(ctl, WP_OFF), G = base + ctlPtr(ctl, G_OFF), D = base + ctlPtr(ctl, D_OFF);
  const lists = base + ctlPtr(ctl, LISTS_OFF), counts = base + ctlPtr(ctl, COUNTS_OFF), diag = base + ctlPtr(ctl, DIAG_OFF);
  const Mi = base + ctlPtr(ctl, MI_OFF), dense = base + ctlPtr(ctl, DENSE_OFF), acc = base + ctlPtr(ctl, ACC_OFF);
  const panel = ctlPtr(ctl, PANELS_PTR) + ((parts == 1 ? slot : t) as usize) * ctlPtr(ctl, PANEL_BYTES);
  const size = (n as usize) * (m as usize);
  const W = ctlPtr(ctl, W_PTR) + ((inst as usize) * size << 2);
  const stats = ctlPtr(ctl, STATS_PTR) + ((inst as usize) * (n as usize) * (ROW_STATS as usize) << 3);

  barrier(ctl, parts); // the previous shared instance is finished with the shared slot
  packGroups(W, n, m, m4, Wp, evenLo(groups, t, parts), evenLo(groups, t + 1, parts));
  barrier(ctl, parts);
  gramGroups(Wp, n4, m4, G, triangleLo(groups, t, parts), triangleLo(groups, t + 1, parts));
  barrier(ctl, parts); // coefficient rows read mirrored entries written by other threads
  const g0 = evenLo(groups, t, parts), g1 = evenLo(groups, t + 1, parts);
  coefficientGroups(G, n, n4, ctlI32(ctl, INTERFERENCE) != 0, lists, counts, diag, Mi, dense, stats, panel, g0, g1);

  const update = ctlI32(ctl, CMD) == CMD_STEP;
  const forces = ctlI32(ctl, WITH_FORCES) != 0;
  const opt = ctlI32(ctl, OPTIMIZER);
  const h = ctl + H_BASE;
  const stateBytes = (n as usize) * (m16 as usize) << 2;
  const S1 = ctlPtr(ctl, S1_PTR) + (inst as usize) * stateBytes;
  const S2 = ctlPtr(ctl, S2_PTR) + (inst as usize) * stateBytes;
  const panelState = (n as usize) << 6;
  if (parts == 1 && update && !forces) {
    // the whole instance on this thread: each panel of D is used for the update as soon as it
    // is computed, from a one-panel buffer at D (columns of W right of the panel are still unread)
    for (let c = 0; c < m16; c += PANEL_COLUMNS) {
      packPanel(W, n, m, c, panel);
      productPanel(lists, counts, Mi, dense, n, panel, D, PANEL_ROW_BYTES, 0, groups);
      const s = ((c >> 4) as usize) * panelState;
      updatePanel(opt, h, W, m, c, D, PANEL_ROW_BYTES, S1 + s, S2 + s, 0, n, acc, stats);
    }
    return;
  }
  productGroups(lists, counts, Mi, dense, W, n, m, m16, D, panel, g0, g1);
  barrier(ctl, parts); // every product row has read all of W before any row is updated

  const rowBytes = (m as usize) << 2;
  const dRowBytes = (m16 as usize) << 2;
  const r0 = evenLo(n, t, parts), r1 = evenLo(n, t + 1, parts);
  if (forces || !update) {
    for (let i = r0; i < r1; i++) {
      const st = stats + ((i as usize) * (ROW_STATS as usize) << 3);
      rowStats(W + (i as usize) * rowBytes, D + (i as usize) * dRowBytes, m, load<f32>(diag + ((i as usize) << 2)), forces, st);
    }
  }
  if (!update) return;
  for (let c = 0; c < m16; c += PANEL_COLUMNS) {
    const s = ((c >> 4) as usize) * panelState;
    updatePanel(opt, h, W, m, c, D + ((c as usize) << 2), dRowBytes, S1 + s, S2 + s, r0, r1, acc, stats);
  }
}

/** Per instance: loss = smooth + λ‖W‖₁ and the three force norms, summed over rows in order. */
export function finalize(ctl: usize): void {
  const instances = ctlI32(ctl, INSTANCES), n = ctlI32(ctl, N);
  const lambda = ctlF64(ctl, LAMBDA);
  const loss = ctlPtr(ctl, LOSS_PTR), forces = ctlPtr(ctl, FORCES_PTR);
  for (let inst = 0; inst < instances; inst++) {
    let smooth: f64 = 0, benefit: f64 = 0, l1: f64 = 0, nonzero: f64 = 0, inter: f64 = 0;
    let st = ctlPtr(ctl, STATS_PTR) + ((inst as usize) * (n as usize) * (ROW_STATS as usize) << 3);
    for (let i = 0; i < n; i++) {
      smooth += load<f64>(st);
      benefit += load<f64>(st, 8);
      l1 += load<f64>(st, 16);
      nonzero += load<f64>(st, 24);
      inter += load<f64>(st, 32);
      st += (ROW_STATS as usize) << 3;
    }
    store<f64>(loss + ((inst as usize) << 3), smooth + lambda * l1);
    const f = forces + ((inst as usize) * 24);
    store<f64>(f, Math.sqrt(benefit));
    store<f64>(f, Math.sqrt(inter), 8);
    store<f64>(f, lambda * Math.sqrt(nonzero), 16);
  }
}
