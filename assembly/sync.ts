/**
 * Waiting and barriers on shared memory: spin briefly (a step's phases are short), then
 * sleep in memory.atomic.wait32 so idle workers cost nothing. Never called with one thread,
 * so the single-threaded build (unshared memory, where wait traps) never reaches a wait.
 */
import { BAR_COUNT, BAR_GEN } from './control';

const SPIN: i32 = 1 << 15;

/** Waits until the i32 at `ptr` differs from `seen`; returns the new value. */
export function waitChange(ptr: usize, seen: i32): i32 {
  for (let s = 0; s < SPIN; s++) {
    const v = atomic.load<i32>(ptr);
    if (v != seen) return v;
  }
  while (true) {
    const v = atomic.load<i32>(ptr);
    if (v != seen) return v;
    atomic.wait<i32>(ptr, seen, -1);
  }
  return 0;
}

/** Waits until the i32 at `ptr` equals `target` (it only grows towards it). */
export function waitFor(ptr: usize, target: i32): void {
  let v = atomic.load<i32>(ptr);
  while (v != target) {
    waitChange(ptr, v);
    v = atomic.load<i32>(ptr);
  }
}

/** All `threads` threads meet here (generation barrier: the last to arrive releases the rest). */
export function barrier(ctl: usize, threads: i32): void {
  if (threads <= 1) return;
  const gen = atomic.load<i32>(ctl + BAR_GEN);
  if (atomic.add<i32>(ctl + BAR_COUNT, 1) == threads - 1) {
    atomic.store<i32>(ctl + BAR_COUNT, 0);
    atomic.add<i32>(ctl + BAR_GEN, 1);
    atomic.notify(ctl + BAR_GEN, threads);
  } else {
    waitChange(ctl + BAR_GEN, gen);
  }
}
