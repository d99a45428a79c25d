/**
 * The kernel interface lives in core (src/core/backend.ts): core defines the contract, the
 * backends here implement it, and imports point one way. Re-exported for the kernels.
 */
export type { Backend, BackendName, Problem, Session, StepStats, DataKind } from '../core/backend.js';
