// @ts-check
/**
 * Mutation testing (`npm run test:mutation`): StrykerJS plants one small bug at a time
 * (a flipped comparison, a dropped term, an off-by-one) in the modules whose numbers the
 * report rests on, and runs the tests that cover it. A mutant no test notices is a blind
 * spot. Not part of CI (too slow for every submission); run it before a stop, on what
 * changed: incremental mode reuses the results for code and tests that did not change.
 *
 * Narrow a run to one module group with `--mutate`, e.g.
 *   npx stryker run --mutate 'src/core/rng.ts,src/core/noise.ts'
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  plugins: ['@stryker-mutator/*', './scripts/stryker-presentation-ignorer.mjs'],
  ignorers: ['presentation'],
  checkers: ['typescript'],
  // only the mutated modules and their imports: a small program per type check
  tsconfigFile: 'tsconfig.stryker.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // Static mutants (module-level code: registries, defaults, schema messages built at load)
  // need every test re-run in a fresh module graph, ~40 s each here; they are reported as
  // ignored and left out of the score.
  ignoreStatic: true,
  // The machine is shared: two processes at most.
  concurrency: 2,
  incremental: true,
  incrementalFile: 'stryker-incremental.json',
  mutate: [
    // the model (forward, loss, gradient) and the reference session that uses it
    'src/core/model.ts',
    // the general model's data generation
    'src/core/data.ts',
    'src/kernels/reference.ts',
    // optimizers, RNG, noise, initial weights, the training loop's noise plumbing
    'src/core/optimizers.ts',
    'src/core/rng.ts',
    'src/core/noise.ts',
    'src/core/init.ts',
    // config
    'src/core/config.ts',
    // analysis, theory, sparsification
    'src/analysis/neurons.ts',
    'src/analysis/criterion.ts',
    'src/analysis/correlation.ts',
    'src/analysis/theory.ts',
    'src/analysis/sparsify.ts',
    // .npy I/O
    'src/io/npy.ts',
    // the reproduce checks and the statistics behind them
    'src/reproduce/stats.ts',
    'src/reproduce/experiments/count-grid.ts',
    'src/reproduce/experiments/a-sparsification.ts',
    'src/reproduce/experiments/b-count-vs-m.ts',
    'src/reproduce/experiments/e-noise.ts',
    'src/reproduce/experiments/g-cooccurrence.ts',
    'src/reproduce/experiments/h-mechanisms.ts',
    'src/reproduce/experiments/i-necessary.ts',
    'src/reproduce/experiments/j-duplication.ts',
    'src/reproduce/experiments/k-race.ts',
    'src/reproduce/experiments/l-slow-regularization.ts',
  ],
  ignorePatterns: ['/reports', '/runs', '/reproduce-out', '/bench/out', '/screenshots', '/.ci-artifacts', 'stryker-incremental.json'],
  timeoutMS: 10000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
