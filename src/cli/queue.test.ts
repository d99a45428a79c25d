/**
 * Acceptance of the queue (real Redis: Debian's redis-server on a free loopback port):
 * the 3 m × 4 seeds sweep sent through `--queue` to two `incidental worker`s, one of them
 * SIGKILLed while it trains a run, ends with the same 12 rows as the local sweep, each
 * stored once, with bit-identical weights; the killed worker's run was retried by the
 * other worker (BullMQ stalled-job check, short lock for the test).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAME, redisClient } from '../jobs/queue.js';
import { startRedis, type RedisServer } from '../jobs/redis-test-server.js';
import { readRows, startCli, waitFor, writeSpec } from './sweep-test-helpers.js';
import { runCapture } from './test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'incidental-queue-'));
let redis: RedisServer;
const children: Array<ReturnType<typeof startCli>> = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const worker = () => {
  const w = startCli(['worker', '--queue', redis.url, '--lock-duration', '1500', '--stalled-interval', '500']);
  children.push(w);
  return w;
};

describe('incidental sweep --queue', () => {
  it('two workers, one SIGKILLed mid-run: the same 12 rows and bit-identical weights as the local sweep', async () => {
    const spec = join(dir, 'sweep.yaml');
    writeSpec(spec);
    const local = startCli(['sweep', spec, '--store', join(dir, 'local.db'), '--quiet']);
    children.push(local);
    expect(await local.exited).toBe(0);

    const a = worker();
    const b = worker();
    await waitFor('both workers ready', () => (/waiting for runs/.test(a.output()) && /waiting for runs/.test(b.output()) ? true : undefined), 30_000);
    const store = join(dir, 'queue.db');
    const coordinator = startCli(['sweep', spec, '--store', store, '--queue', redis.url, '--quiet']);
    children.push(coordinator);
    const killedKey = await waitFor('worker A to take a run', () => /training ([0-9a-f]{16})/.exec(a.output())?.[1]);
    a.child.kill('SIGKILL');
    await a.exited;
    expect(a.output()).not.toMatch(new RegExp(`finished ${killedKey}`)); // it died mid-run

    expect(await coordinator.exited, coordinator.output()).toBe(0);
    expect(coordinator.output()).toMatch(/12 runs: 12 trained, 0 already stored/);
    const rows = readRows(store)!;
    const localRows = readRows(join(dir, 'local.db'))!;
    expect(rows).toHaveLength(12);
    expect(new Set(rows.map((r) => r.key)).size).toBe(12);
    expect(rows.map((r) => r.key).sort()).toEqual(localRows.map((r) => r.key).sort());
    for (const r of rows) {
      const l = localRows.find((x) => x.key === r.key)!;
      for (const f of ['W0.npy', 'W.npy']) expect(readFileSync(join(r.dir, f)).equals(readFileSync(join(l.dir, f))), `${f} of ${r.key}`).toBe(true);
      expect(JSON.parse(r.counts_json)).toEqual(JSON.parse(l.counts_json));
      expect(r.polysemantic).toBe(l.polysemantic);
    }
    // the run the dead worker held was retried and stored by the other one
    const bPid = String(b.child.pid);
    const retried = rows.find((r) => r.key === killedKey)! as unknown as { worker: string };
    expect(retried.worker).toMatch(new RegExp(`pid ${bPid}$`));
    expect(rows.every((r) => (r as unknown as { worker: string }).worker.endsWith(`pid ${bPid}`) || (r as unknown as { worker: string }).worker.endsWith(`pid ${a.child.pid}`))).toBe(true);

    // a second coordinator for the same sweep trains nothing: every run is in the store
    const again = startCli(['sweep', spec, '--store', store, '--queue', redis.url, '--quiet']);
    children.push(again);
    expect(await again.exited).toBe(0);
    expect(again.output()).toMatch(/12 runs: 0 trained, 12 already stored/);
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  }, 240_000);

  it('reproduce --queue takes the same path: the same runs, weights and checks as on local threads', async () => {
    const w = worker();
    await waitFor('the worker', () => (/waiting for runs/.test(w.output()) ? true : undefined), 30_000);
    const args = (out: string) => ['reproduce', '--scale', 'test', '--only', 'E', '--out', out, '--quiet', '--no-png'];
    const viaQueue = await runCapture([...args(join(dir, 'rq')), '--queue', redis.url]);
    expect(viaQueue.code, viaQueue.stderr).toBe(0);
    const local = await runCapture([...args(join(dir, 'rl')), '--workers', '0']);
    expect(local.code).toBe(0);
    const checks = (out: string) => out.split('\n').filter((l) => /^(PASS|FAIL)/.test(l));
    expect(checks(viaQueue.stdout)).toEqual(checks(local.stdout));
    expect(checks(local.stdout).length).toBeGreaterThan(0);
    const q = readRows(join(dir, 'rq', 'runs.db'))!;
    const l = readRows(join(dir, 'rl', 'runs.db'))!;
    expect(q.map((r) => r.key).sort()).toEqual(l.map((r) => r.key).sort());
    expect(q.length).toBe(6);
    for (const r of q) {
      const twin = l.find((x) => x.key === r.key)!;
      expect(readFileSync(join(r.dir, 'W.npy')).equals(readFileSync(join(twin.dir, 'W.npy'))), r.key).toBe(true);
      expect((r as unknown as { worker: string }).worker).toMatch(new RegExp(`pid ${w.child.pid}$`));
    }
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
  }, 120_000);

  it('a run enqueued twice exists once (the job id is the run key)', async () => {
    const connection = redisClient(redis.url);
    const queue = new Queue(`${QUEUE_NAME}-dedup-test`, { connection });
    try {
      await queue.add('train', { config: {} }, { jobId: 'same-key' });
      await queue.add('train', { config: {} }, { jobId: 'same-key' });
      expect(await queue.getJobCounts('waiting', 'wait')).toMatchObject({ wait: 1 });
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }
  });

  it('says in one line when the queue cannot be reached or its URL is wrong', async () => {
    const bad = await runCapture(['worker', '--queue', 'http://127.0.0.1:1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('incidental: invalid queue (--queue): must start with redis:// (got "http://127.0.0.1:1")');
  });
});
