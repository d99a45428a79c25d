/**
 * A deterministic uniform [0, 1) stream for tests (mulberry32): small, seedable, and
 * independent of the project's own RNG, so test inputs do not move when that changes.
 *
 * @example
 *   const next = uniform(7); const x = next(); // same x for seed 7 everywhere
 */
export function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
