/**
 * Worker threads for the wasm kernels, the same way in Node (worker_threads) and browsers
 * (Web Workers, only when cross-origin isolated). A worker instantiates the kernels on the
 * session's shared memory and stays inside `workerLoop`, waiting on the control block with
 * atomics; there is no message passing per step. node: modules are imported dynamically
 * and only in Node, so a browser bundle never sees them.
 */
import { FAILED_OFFSET, makeWait } from './wasm-module.js';

/** What a worker needs to join a session. */
export interface WorkerStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctl: number;
  thread: number;
}

export interface Spawner {
  /** Threads worth using here (cores). */
  readonly cores: number;
  /** Whether the calling thread may block (Atomics.wait) until workers are up. */
  readonly canBlock: boolean;
  spawn(start: WorkerStart): { terminate(): void };
}

/**
 * Runs in each worker, in Node (eval'd CommonJS, start data as workerData) or a browser (first
 * message). A worker that fails raises the session's failure flag, so the threads waiting for
 * it throw instead of sleeping forever (wasm-module.ts makeWait).
 */
const WORKER_SOURCE = `
const makeWait = ${makeWait.toString()};
const start = (d) => {
  const instance = new WebAssembly.Instance(d.module, { env: { memory: d.memory, wait: makeWait(d.memory, ${FAILED_OFFSET}) } });
  try {
    instance.exports.workerLoop(d.ctl, d.thread);
  } catch (error) {
    Atomics.store(new Int32Array(d.memory.buffer, d.ctl, 64), ${FAILED_OFFSET} >> 2, 1);
    throw error;
  }
};
if (typeof require === 'function') {
  start(require('node:worker_threads').workerData);
} else {
  self.onmessage = (event) => { start(event.data); self.close(); };
}
`;

let loading: Promise<Spawner | null> | undefined;

/** A way to start workers here, or null (no workers: one thread). */
export function loadSpawner(): Promise<Spawner | null> {
  loading ??= createSpawner();
  return loading;
}

const isNode = () => typeof process === 'object' && process !== null && typeof process.versions?.node === 'string';

async function createSpawner(): Promise<Spawner | null> {
  if (isNode()) return nodeSpawner();
  return browserSpawner();
}

async function nodeSpawner(): Promise<Spawner | null> {
  // variables keep bundlers from resolving node: modules for the browser
  const threadsName = 'node:worker_threads';
  const osName = 'node:os';
  try {
    const { Worker } = (await import(/* @vite-ignore */ threadsName)) as typeof import('node:worker_threads');
    const os = (await import(/* @vite-ignore */ osName)) as typeof import('node:os');
    return {
      cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
      canBlock: true,
      spawn(start) {
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: start });
        worker.unref(); // an undisposed session must not keep the process alive
        worker.on('error', () => {}); // a failed worker never reports ready: the session stays on one thread
        return { terminate: () => void worker.terminate() };
      },
    };
  } catch {
    return null;
  }
}

function browserSpawner(): Spawner | null {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (typeof Worker === 'undefined' || g.crossOriginIsolated !== true) return null;
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  return {
    cores: g.navigator?.hardwareConcurrency ?? 1,
    // a nested worker may only start once its creator yields, so never block for it
    canBlock: false,
    spawn(start) {
      const worker = new Worker(url);
      worker.postMessage(start);
      return { terminate: () => worker.terminate() };
    },
  };
}
