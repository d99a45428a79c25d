/**
 * Builds the explorer (this folder) into explorer-dist/ at the package root: plain static
 * files with relative URLs, so they work from any static host or sub-path, and from
 * `incidental explore`. The training worker is bundled as an ES module worker.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Cross-origin isolation, so SharedArrayBuffer (threaded wasm kernels) works in dev too. */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: here,
  base: './',
  publicDir: false,
  clearScreen: false,
  build: {
    outDir: fileURLToPath(new URL('../../explorer-dist/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
  worker: { format: 'es' },
  server: { headers: isolation },
  preview: { headers: isolation },
});
