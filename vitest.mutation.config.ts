/**
 * The test selection StrykerJS runs against each mutant (`npm run test:mutation`): the unit
 * tests of the mutated modules. Left out are the end-to-end runs (training to the paper's end
 * state, whole reproduce reports, the CLI, jobs, sweeps, the run store, the explorer, plots),
 * the wasm and native kernels and the contract suite of every backend (their oracle, the
 * reference, has its own tests), the large sparsification cross-checks, Monte-Carlo
 * simulations and the .npy fuzzer: each takes seconds and would run against hundreds of
 * mutants. Every mutant they would kill must be killed by a unit test, so the score measured
 * here is a lower bound for the whole suite.
 */
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      // one module graph for all test files: StrykerJS re-runs the covering tests for every
      // mutant, and re-importing each file's modules would cost more than the tests
      isolate: false,
      exclude: [
        'test/browser/**',
        'node_modules/**',
        'src/core/end-state.test.ts',
        'src/reproduce/reproduce.test.ts',
        'src/reproduce/cache.test.ts',
        'src/cli/**',
        'src/jobs/**',
        'src/store/**',
        'src/sweep/**',
        'src/explorer/**',
        'src/plots/**',
        'src/analysis/sparsify-large.test.ts',
        'src/analysis/theory-monte-carlo.test.ts',
        'src/kernels/wasm*.test.ts',
        'src/kernels/native*.test.ts',
        'src/kernels/backend-contract.test.ts',
        'src/io/npy-fuzz.test.ts',
        'src/io/staged-dir.test.ts',
        'src/analysis/sparsify-crosscheck.test.ts',
      ],
    },
  }),
);
