import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/browser/**', 'node_modules/**'],
    testTimeout: 60_000,
    // a private TMPDIR for the run, and a failure if the tests leave anything in it
    globalSetup: ['test/temp-dir-guard.ts'],
    reporters: ['default'],
  },
});
