// Compiles the AssemblyScript kernels (assembly/) to build/kernels.wasm and inlines
// the bytes into src/kernels/wasm-bytes.generated.ts so Node and browsers load them the same way.
import { existsSync } from 'node:fs';
if (!existsSync(new URL('../assembly/index.ts', import.meta.url))) {
  console.log('build:wasm: no assembly/ sources yet, skipping');
  process.exit(0);
}
await import('./build-wasm-impl.mjs');
