/**
 * Backend registry and selection. `auto` picks the fastest backend that supports the
 * problem (wasm SIMD when available; the reference for hidden noise or without wasm).
 */
import type { BackendChoice } from '../core/config.js';
import { UserError } from '../core/errors.js';
import type { Backend, BackendName, Problem } from './backend.js';
import { referenceBackend } from './reference.js';
import { createWasmBackend } from './wasm.js';

type BackendFactory = () => Promise<Backend | null>;

/** name → async factory (null when unavailable here, e.g. no WebAssembly). */
export const BACKENDS: Record<BackendName, BackendFactory> = {
  reference: async () => referenceBackend,
  wasm: createWasmBackend,
};

/** Returns the backend for a choice, or a UserError naming why it cannot run this problem. */
export async function selectBackend(choice: BackendChoice, problem: Problem, withNoise: boolean): Promise<Backend> {
  const order: BackendName[] = choice === 'auto' ? ['wasm', 'reference'] : [choice];
  for (const name of order) {
    const backend = await BACKENDS[name]();
    if (backend === null) {
      if (choice === 'auto') continue;
      throw new UserError(`invalid backend (--backend): "${name}" is not available on this platform`);
    }
    if (backend.supports(problem, withNoise)) return backend;
    if (choice !== 'auto') {
      throw new UserError(`invalid backend (--backend): "${name}" does not support this configuration${withNoise ? ' (hidden noise needs --backend reference)' : ''}`);
    }
  }
  return referenceBackend;
}
