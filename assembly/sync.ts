/**
 * Waiting and barriers on shared memory: spin briefly (a step's phases are short), then
 * sleep so idle workers cost nothing. Never called with one thread, so the single-threaded
 * build (unshared memory) never reaches a wait.
 *
 * The sleep is the imported env.wait (Atomics.wait in JS, src/kernels/wasm-module.ts), not
 * memory.atomic.wait32: V8 11 (Node 20) compiles wait32 in its baseline tier (Liftoff) without
 * saving the integer registers live across it, so a local computed before a barrier could
 * read back wrong after it (seen as a division by zero in a worker's share of a step,
 * reproduced with a three-line function). A call to an import is opaque to every tier.
 */
import { BAR_COUNT, BAR_GEN } from './control';

/**
 * Sleeps while the i32 at ctl + `field` equals `expected`, at most `timeoutMs` (< 0: no limit).
 * It throws (unwinding this thread's wasm frames) once another thread has set ctl + FAILED.
 */
// @ts-ignore: decorator
@external("env", "wait")
export declare function sleepWhile(ctl: usize, field: usize, expected: i32, timeoutMs: f64): void;

const SPIN: i32 = 1 << 15;

/** Waits until the i32 at ctl + `field` differs from `seen`; returns the new value. */
export function waitChange(ctl: usize, field: usize, seen: i32): i32 {
  const ptr = ctl + field;
  for (let s = 0; s < SPIN; s++) {
    const v = atomic.load<i32>(ptr);
    if (v != seen) return v;
  }
  while (true) {
    const v = atomic.load<i32>(ptr);
    if (v != seen) return v;
    sleepWhile(ctl, field, seen, -1);
  }
  return 0;
}

/** Waits until the i32 at ctl + `field` equals `target` (it only grows towards it). */
export function waitFor(ctl: usize, field: usize, target: i32): void {
  let v = atomic.load<i32>(ctl + field);
  while (v != target) {
    waitChange(ctl, field, v);
    v = atomic.load<i32>(ctl + field);
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
    waitChange(ctl, BAR_GEN, gen);
  }
}
