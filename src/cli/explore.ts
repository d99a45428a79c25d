/**
 * `incidental explore [--port P]`: serves the built explorer (explorer-dist/, made by
 * `npm run build:explorer`) on 127.0.0.1 only. A plain static server: the explorer trains in
 * the browser, so nothing here computes anything.
 *
 * Every response carries Cross-Origin-Opener-Policy: same-origin and
 * Cross-Origin-Embedder-Policy: require-corp, which make the page cross-origin isolated so
 * SharedArrayBuffer (threaded wasm kernels) is available in the training worker, and a
 * Content-Security-Policy: the page's own scripts, workers and compiled wasm only, and no
 * framing by another site (frame-ancestors 'none').
 *
 * Requests whose Host header is not a loopback name with this server's port are refused
 * (421): a web page that points its own domain at 127.0.0.1 (DNS rebinding) cannot read
 * the explorer through the visitor's browser.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { parseNumber } from './options.js';

/** explorer-dist/ at the package root (this file is dist/cli/explore.js or src/cli/explore.ts). */
export const DEFAULT_EXPLORER_ROOT = fileURLToPath(new URL('../../explorer-dist/', import.meta.url));
export const DEFAULT_PORT = 5178;
/** Only loopback: the explorer is a local tool, never exposed to the network. */
const HOST = '127.0.0.1';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers on every response (isolation for SharedArrayBuffer; no caching of a dev tool). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
  'Content-Security-Policy': [
    "default-src 'self'",
    // compiled wasm kernels need 'wasm-unsafe-eval'; the kernels' thread workers start from a blob: URL
    "script-src 'self' 'wasm-unsafe-eval' blob:",
    "worker-src 'self' blob:",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
};

/** Host names a request may carry: loopback only, and only with the server's own port. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}` || h === `[::1]:${port}`;
}

export interface ExploreServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the static server; port 0 picks a free port. Rejects with a UserError when the
 * explorer is not built or the port is taken.
 */
export async function startExploreServer(options: { port?: number; root?: string } = {}): Promise<ExploreServer> {
  const root = resolve(options.root ?? DEFAULT_EXPLORER_ROOT);
  const port = checkPort(options.port ?? DEFAULT_PORT);
  if (!existsSync(join(root, 'index.html'))) {
    throw new UserError(`the explorer is not built: ${join(root, 'index.html')} is missing; run \`npm run build:explorer\` in the package folder`);
  }
  let actual = port;
  const server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host, actual)) return send(res, 421, `misdirected request: this server answers only to 127.0.0.1:${actual} or localhost:${actual}`);
    serveFile(root, req, res).catch(() => send(res, 500, 'internal error'));
  });
  await listen(server, port);
  actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${HOST}:${actual}/`,
    port: actual,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections(); // keep-alive sockets from the browser would hold close() open
      }),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') fail(new UserError(`port ${port} on ${HOST} is already in use; choose another with --port (e.g. --port ${port + 1}, or --port 0 for any free port)`));
      else if (err.code === 'EACCES') fail(new UserError(`not allowed to listen on port ${port}; choose a port above 1023 with --port`));
      else fail(err);
    });
    server.listen(port, HOST, () => done());
  });
}

async function serveFile(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'method not allowed');
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    return send(res, 400, 'bad request');
  }
  const file = resolveInside(root, pathname);
  if (file === null) return send(res, 404, 'not found');
  const body = await readFile(file);
  res.writeHead(200, {
    ...ISOLATION_HEADERS,
    'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': body.length,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The file a URL path names under root (directories → index.html), or null outside root or missing. */
export function resolveInside(root: string, pathname: string): string | null {
  if (pathname.includes('\0')) return null;
  let file = normalize(join(root, pathname));
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  return existsSync(file) && statSync(file).isFile() ? file : null;
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...ISOLATION_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text + '\n');
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UserError(`invalid port (--port): must be an integer in [0, 65535] (got ${port})`);
  }
  return port;
}

export function register(program: Command): void {
  program
    .command('explore')
    .description('serve the live explorer on http://127.0.0.1:PORT/ (training runs in your browser)')
    .option('--port <int>', 'port to listen on (0 = any free port)', parseNumber, DEFAULT_PORT)
    .action(async (opts: { port: number }) => {
      const server = await startExploreServer({ port: opts.port });
      process.stdout.write(`incidental explorer: ${server.url}  (Ctrl-C to stop)\n`);
      await new Promise<void>((done) => {
        const stop = () => {
          process.removeListener('SIGINT', stop);
          process.removeListener('SIGTERM', stop);
          server.close().then(done, done);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
