/**
 * Backend registry and selection, the layer above core that hands the trainer its backend
 * (core never imports the kernels). `auto` picks the fastest backend that supports the
 * problem: native (C kernels, when built at install) before wasm SIMD before the float64
 * reference (for what the kernels lack, or neither of the others here). When `auto` would
 * have used the native backend but it is not built, it says so once per process (stderr).
 *
 * @example
 *   const trainer = await openTrainer(parseConfig({ nFeatures: 8, nHidden: 16, steps: 100 }));
 *   trainer.advance(100);
 */
import type { BackendChoice, TrainConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import type { DataMatrix } from '../core/data.js';
import { createTrainer, hasNoise, problemOf, type Trainer } from '../core/train.js';
import type { Backend, BackendName, Problem } from './backend.js';
import { createNativeBackend, loadNative } from './native.js';
import { referenceBackend } from './reference.js';
import { createWasmBackend } from './wasm.js';
import { KERNEL_HIDDEN_LAYERS, KERNEL_OPTIMIZERS } from './wasm-module.js';

type BackendFactory = () => Promise<Backend | null>;

/** name → async factory (null when unavailable here, e.g. no WebAssembly, or no native addon). */
export const BACKENDS: Record<BackendName, BackendFactory> = {
  reference: async () => referenceBackend,
  wasm: createWasmBackend,
  native: () => createNativeBackend(),
};

/** The `auto` order: fastest first. */
export const AUTO_ORDER: BackendName[] = ['native', 'wasm', 'reference'];

let noticed = false;

/** Once per process, in Node: why `auto` is not using the native kernels. */
async function noticeFallback(to: BackendName): Promise<void> {
  if (noticed) return;
  noticed = true;
  const loaded = await loadNative();
  if (loaded.addon === null && loaded.reason !== 'not running in Node') {
    process.stderr.write(`incidental: using the ${to} kernels; native kernels unavailable: ${loaded.reason}\n`);
  }
}

/** Returns the backend for a choice, or a UserError naming why it cannot run this problem. */
export async function selectBackend(choice: BackendChoice, problem: Problem, withNoise: boolean): Promise<Backend> {
  const order: BackendName[] = choice === 'auto' ? AUTO_ORDER : [choice];
  let nativeMissing = false;
  for (const name of order) {
    const backend = await BACKENDS[name]();
    if (backend === null) {
      if (choice === 'auto') {
        nativeMissing ||= name === 'native';
        continue;
      }
      throw new UserError(`invalid backend (--backend): "${name}" is not available on this platform${name === 'native' ? ` (${await nativeReason()})` : ''}`);
    }
    if (backend.supports(problem, withNoise)) {
      if (nativeMissing && name === 'wasm') await noticeFallback(name);
      return backend;
    }
    if (choice !== 'auto') {
      throw new UserError(`invalid backend (--backend): "${name}" does not support this configuration (${unsupportedReason(problem, withNoise)}; --backend reference runs it)`);
    }
  }
  return referenceBackend;
}

async function nativeReason(): Promise<string> {
  const loaded = await loadNative();
  return loaded.addon === null ? loaded.reason : 'loaded';
}

/** A trainer for `config` on the backend `config.backend` selects (or `options.backend`); `data`: the matrix for file data. */
export async function openTrainer(config: TrainConfig, options: { W0?: Float32Array; backend?: Backend; data?: DataMatrix | null } = {}): Promise<Trainer> {
  const backend = options.backend ?? (await selectBackend(config.backend, problemOf(config, config.threads, options.data ?? null), hasNoise(config)));
  return createTrainer(config, { ...options, backend });
}

/** What in a problem the kernels lack, for the error message. */
function unsupportedReason(p: Problem, withNoise: boolean): string {
  if (!Object.hasOwn(KERNEL_OPTIMIZERS, p.optimizer)) return `the optimizer "${p.optimizer}"`;
  if (p.data === 'batch') return Object.hasOwn(KERNEL_HIDDEN_LAYERS, p.hidden) ? 'this problem' : `the ${p.hidden} hidden layer`;
  // the one-hot (Gram) kernels are the paper's setting; the general model runs on batches
  if (withNoise) return 'hidden noise on one-hot data';
  if (!p.benefit) return 'the feature-benefit force switched off';
  if (p.hidden !== 'linear') return `the ${p.hidden} hidden layer on one-hot data`;
  if (p.untied) return 'untied weights on one-hot data';
  return 'this problem';
}
