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

/**
 * Returns the backend for a choice, or a UserError naming why it cannot run this problem.
 * Each backend's real footprint (src/core/backend.ts `memory`) is checked against
 * `memoryLimitMiB` and this machine's memory: `auto` moves on to the next backend that fits,
 * and when none does (or the named one does not) the error gives the real figures.
 */
export async function selectBackend(choice: BackendChoice, problem: Problem, withNoise: boolean, memoryLimitMiB = Infinity): Promise<Backend> {
  const order: BackendName[] = choice === 'auto' ? AUTO_ORDER : [choice];
  let nativeMissing = false;
  const tooBig: string[] = [];
  for (const name of order) {
    const backend = await BACKENDS[name]();
    if (backend === null) {
      if (choice === 'auto') {
        nativeMissing ||= name === 'native';
        continue;
      }
      throw new UserError(`invalid backend (--backend): "${name}" is not available on this platform${name === 'native' ? ` (${await nativeReason()})` : ''}`);
    }
    if (!backend.supports(problem, withNoise)) {
      if (choice === 'auto') continue;
      throw new UserError(`invalid backend (--backend): "${name}" does not support this configuration (${unsupportedReason(problem, withNoise)}; --backend reference runs it)`);
    }
    const why = memoryRefusal(backend, problem, memoryLimitMiB, await machineMemoryBytes());
    if (why !== null) {
      tooBig.push(`${why.gib} on the ${name} backend (${why.reason})`);
      continue;
    }
    if (nativeMissing && name === 'wasm') await noticeFallback(name);
    return backend;
  }
  if (tooBig.length > 0) {
    throw new UserError(
      `invalid nInstances × nFeatures × nHidden: ${problem.nInstances} × ${problem.nFeatures} × ${problem.nHidden} needs ${tooBig.join(' and ')}; use fewer instances or a smaller n or m`,
    );
  }
  return referenceBackend;
}

/** Why `backend` cannot hold `problem` (8.1 GiB, "over the 4 GiB of a wasm memory"), or null when it can. */
function memoryRefusal(backend: Backend, problem: Problem, memoryLimitMiB: number, total: number | null): { gib: string; reason: string } | null {
  const need = backend.memory?.(problem);
  if (!need) return null;
  // the trainer's own float32 copies (initial and final weights) come on top of the backend's state
  const bytes = need.bytes + 8 * problem.nInstances * problem.nFeatures * problem.nHidden;
  const gib = `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (need.fits !== null) return { gib, reason: need.fits };
  if (bytes > memoryLimitMiB * 2 ** 20) return { gib, reason: `over the ${memoryLimitMiB} MiB of --memory-limit; raise it to allow more` };
  if (total !== null && bytes > total) return { gib, reason: `more than this machine's ${(total / 2 ** 30).toFixed(1)} GiB of memory` };
  return null;
}

/** Physical memory where the platform says (Node), else null (browsers). */
async function machineMemoryBytes(): Promise<number | null> {
  if (typeof process !== 'object' || process === null || typeof process.versions?.node !== 'string') return null;
  const osName = 'node:os'; // a variable keeps bundlers from resolving node: modules for the browser
  try {
    const os = (await import(/* @vite-ignore */ osName)) as typeof import('node:os');
    return os.totalmem();
  } catch {
    return null;
  }
}

async function nativeReason(): Promise<string> {
  const loaded = await loadNative();
  return loaded.addon === null ? loaded.reason : 'loaded';
}

/** A trainer for `config` on the backend `config.backend` selects (or `options.backend`); `data`: the matrix for file data. */
export async function openTrainer(config: TrainConfig, options: { W0?: Float32Array; backend?: Backend; data?: DataMatrix | null } = {}): Promise<Trainer> {
  const backend = options.backend ?? (await selectBackend(config.backend, problemOf(config, config.threads, options.data ?? null), hasNoise(config), config.memoryLimitMiB));
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
