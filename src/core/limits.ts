/**
 * Limits shared by the config (which refuses values past them) and the kernels (which never
 * go past them), in a module without imports so the kernels stay loadable as plain ES
 * modules in a browser worker.
 */

/** Most worker threads a session may be asked for (more only adds scratch and contention). */
export const MAX_THREADS = 64;
