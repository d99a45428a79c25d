import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.js';
import { hostAllowed, resolveInside, startExploreServer, type ExploreServer } from './explore.js';
import { runCapture } from './test-helpers.js';

let root: string;
let server: ExploreServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'explore-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>');
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'explore-secret.txt'), 'secret');
  server = await startExploreServer({ port: 0, root });
});

afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(join(tmpdir(), 'explore-secret.txt'), { force: true });
});

describe('incidental explore server', () => {
  it('listens on 127.0.0.1 only and serves index.html with the isolation headers', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(await res.text()).toContain('<title>x</title>');
  });

  it('serves assets with their content type and ignores the query string', async () => {
    const res = await fetch(`${server.url}assets/app.js?n=16&m=32`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/javascript');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
  });

  it('answers 404 for missing files and never serves outside its folder', async () => {
    expect((await fetch(`${server.url}nope.js`)).status).toBe(404);
    expect((await fetch(`${server.url}..%2fexplore-secret.txt`)).status).toBe(404);
    expect(resolveInside(root, '/../explore-secret.txt')).toBeNull();
    expect(resolveInside(root, '/assets/../index.html')).toBe(join(root, 'index.html'));
  });

  it('sends a Content-Security-Policy that forbids framing', async () => {
    const csp = (await fetch(server.url)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain("'unsafe-inline'");
  });

  it('refuses a Host header that is not loopback with its port (DNS rebinding)', async () => {
    const port = server.port;
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/', headers: { Host: host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status('evil.example.com')).toBe(421);
    expect(await status(`evil.example.com:${port}`)).toBe(421);
    expect(await status(`127.0.0.1:${port + 1}`)).toBe(421);
    expect(await status('127.0.0.1')).toBe(421);
    expect(await status(`127.0.0.1:${port}`)).toBe(200);
    expect(await status(`localhost:${port}`)).toBe(200);
    expect(await status(`[::1]:${port}`)).toBe(200);
    expect(hostAllowed(undefined, port)).toBe(false);
  });

  it('refuses other methods', async () => {
    expect((await fetch(server.url, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('says how to build the explorer when it is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'explore-empty-'));
    await expect(startExploreServer({ port: 0, root: empty })).rejects.toThrow(/not built.*npm run build:explorer/);
    rmSync(empty, { recursive: true, force: true });
  });

  it('names the port when it is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await startExploreServer({ port, root }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('rejects a bad --port through the CLI with a one-line message', async () => {
    const { code, stderr } = await runCapture(['explore', '--port', '70000']);
    expect(code).toBe(2);
    expect(stderr).toBe('incidental: invalid port (--port): must be an integer in [0, 65535] (got 70000)\n');
  });
});
