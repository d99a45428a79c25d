// The Python the benchmarks compare against: Debian's python3 first (python3-torch and
// python3-numpy are installed there), then whatever python3 is on PATH. Optional: a bench
// that finds none skips its comparison and says so.
import { execFileSync } from 'node:child_process';

/** A python3 that imports `module` (e.g. 'torch', 'numpy'), or null. */
export function findPython(module) {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(candidate, ['-c', `import ${module}`], { stdio: 'ignore' });
      return candidate;
    } catch {}
  }
  return null;
}
