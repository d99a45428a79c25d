/**
 * How the coordinator reads a job (readJob), against a fake queue that finishes the job at
 * the worst moment: between the coordinator's two reads. CI once saw the coordinator read
 * the job's hash while it was active and its state just after it completed, and take the
 * missing return value for another run's result; the state is now read first.
 */
import { describe, expect, it } from 'vitest';
import { readJob, type JobReader } from './queue.js';
import type { WireResult } from './wire.js';

const result = { key: 'k1' } as WireResult;

/** A queue holding one job `k1` that a worker completes the first time its state is read. */
function finishingOnStateRead(): JobReader & { removed: boolean } {
  let done = false;
  const q = {
    removed: false,
    async getJobState(id: string) {
      if (id !== 'k1') return 'unknown';
      done = true; // the worker's result lands now
      return 'completed';
    },
    async getJob(id: string) {
      if (id !== 'k1' || q.removed) return undefined;
      const snapshot = done ? result : (undefined as unknown as WireResult); // the hash as it is at this read
      return { returnvalue: snapshot, failedReason: '', remove: async () => void (q.removed = true) };
    },
  };
  return q;
}

describe('readJob', () => {
  it('a job completing between the reads comes back with its result (state read before the hash)', async () => {
    const q = finishingOnStateRead();
    const seen = await readJob(q, 'k1');
    expect(seen.state).toBe('completed');
    if (seen.state !== 'completed') return;
    expect(seen.result).toBe(result);
    await seen.remove();
    expect(q.removed).toBe(true);
  });

  it('unknown or removed jobs are missing; active ones pending; failed ones carry the reason', async () => {
    expect(await readJob(finishingOnStateRead(), 'other')).toEqual({ state: 'missing' });
    const gone: JobReader = { getJobState: async () => 'completed', getJob: async () => undefined };
    expect(await readJob(gone, 'k1')).toEqual({ state: 'missing' });
    for (const state of ['active', 'waiting', 'delayed', 'prioritized']) {
      let fetched = false;
      const q: JobReader = { getJobState: async () => state, getJob: async () => ((fetched = true), undefined) };
      expect(await readJob(q, 'k1')).toEqual({ state: 'pending' });
      expect(fetched).toBe(false);
    }
    const failed: JobReader = {
      getJobState: async () => 'failed',
      getJob: async () => ({ returnvalue: result, failedReason: 'rejected: nFeatures', remove: async () => {} }),
    };
    expect(await readJob(failed, 'k1')).toEqual({ state: 'failed', reason: 'rejected: nFeatures' });
  });
});
