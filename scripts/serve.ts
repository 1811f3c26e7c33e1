// The one static file server of the repository (the demo, the e2e tests, bench:view, profile-view, the
// package test): serves the repository root on 127.0.0.1 (so /demo/ and /component/dist/ both resolve;
// WebGPU needs this secure-context origin), with correct MIME types, no caching, and knobs to exercise the
// viewer's streaming paths: a bandwidth throttle, omitting Content-Length, stalling after some bytes
// (server-wide, or per request in the query string), plus caller routes ahead of the files.
//
//   node --import ./scripts/register.mjs scripts/serve.ts [--port 8080] [--root .] [--throttle BYTES_PER_S] [--no-content-length]
import { createReadStream, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.wgsl': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.gsz': 'application/octet-stream',
  '.ply': 'application/octet-stream',
  '.spz': 'application/octet-stream',
  '.splat': 'application/octet-stream',
  '.sog': 'application/octet-stream',
};

export interface ServeOptions {
  /** Folder served at `/` (default: the repository root). */
  root?: string;
  /** Port to try first (default 8080); 0 picks a free port. */
  port?: number;
  /** When the port is taken, fall back to a free one instead of failing (default true). */
  fallback?: boolean;
  host?: string;
  /** Limit each response body to this many bytes per second (default: unlimited). */
  throttleBytesPerSecond?: number;
  /** Send bodies chunked without Content-Length (default false). */
  noContentLength?: boolean;
  /** Honour per-request knobs in the query string (default false; the e2e server's):
   *  `?throttle=BYTES_PER_S`, `?nolength=1`, `?stall=BYTES` (send that many bytes, then hang). */
  queryKnobs?: boolean;
  /** Handles a request before the files (return true when it answered): test routes, generated pages. */
  route?: (url: URL, req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
  /** Called for each request (for logging). */
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string; // e.g. http://127.0.0.1:8080/
  port: number;
  server: Server;
  close(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Resolves a URL path inside `root`, or undefined when it escapes it (`..`, encoded or not). */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const path = normalize(join(root, decoded));
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep) ? path : undefined;
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${text}\n`);
}

export interface SendOptions {
  /** Bytes per second (0 or undefined: unlimited), sent in slices of 1/`slicesPerSecond` s (default 20). */
  bytesPerSecond?: number;
  slicesPerSecond?: number;
  /** Send this many bytes, then hang with the response open (the client must cancel). */
  stallAfterBytes?: number;
  /** Called with the bytes written so far after each write. */
  onProgress?: (sent: number) => void;
}

/** Pauses `stream` until `sent` bytes are due at `bytesPerSecond` (0: no limit) counted from `startedMs`. */
export function pace(stream: Readable, startedMs: number, sent: number, bytesPerSecond: number): void {
  const due = bytesPerSecond ? startedMs + (sent / bytesPerSecond) * 1000 - Date.now() : 0;
  if (due > 0) {
    stream.pause();
    setTimeout(() => stream.resume(), due);
  }
}

/** Streams a file into a response whose head is written, throttled / stalled as `options` say. */
export function streamFile(path: string, res: ServerResponse, options: SendOptions = {}): void {
  const bytesPerSecond = options.bytesPerSecond ?? 0;
  const stall = options.stallAfterBytes ?? Infinity;
  const slice = bytesPerSecond
    ? Math.max(1, Math.round(bytesPerSecond / (options.slicesPerSecond ?? 20)))
    : 64 * 1024;
  const stream = createReadStream(path, { highWaterMark: slice });
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  if (!bytesPerSecond && stall === Infinity && !options.onProgress) {
    stream.pipe(res);
    return;
  }
  const started = Date.now();
  let sent = 0;
  stream.on('data', (chunk) => {
    const bytes = chunk as Buffer;
    if (sent + bytes.length > stall) {
      res.write(bytes.subarray(0, Math.max(0, stall - sent)));
      stream.destroy(); // hang: keep the response open
      return;
    }
    res.write(bytes);
    sent += bytes.length;
    options.onProgress?.(sent);
    pace(stream, started, sent, bytesPerSecond);
  });
  stream.on('end', () => res.end());
}

/** Writes the head of a file response (MIME type from the extension, no caching). */
export function writeFileHead(
  res: ServerResponse,
  path: string,
  size: number,
  noContentLength = false,
): void {
  const headers: Record<string, string | number> = {
    'Content-Type': MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'Cache-Control': 'no-store',
  };
  if (!noContentLength) headers['Content-Length'] = size;
  res.writeHead(200, headers);
}

/** Sends a whole file (head and body). */
export function sendFile(
  res: ServerResponse,
  path: string,
  options: SendOptions & { noContentLength?: boolean } = {},
): void {
  writeFileHead(res, path, statSync(path).size, options.noContentLength);
  streamFile(path, res, options);
}

function handler(root: string, options: ServeOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    options.log?.(`${req.method} ${url.pathname}`);
    if (options.route && (await options.route(url, req, res))) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
    let path = resolveInside(root, url.pathname);
    if (!path) return send(res, 403, 'forbidden');
    let info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      if (!url.pathname.endsWith('/')) {
        res.writeHead(301, { Location: `${url.pathname}/${url.search}` });
        res.end();
        return;
      }
      path = join(path, 'index.html');
      info = await stat(path).catch(() => undefined);
    }
    if (!info?.isFile()) return send(res, 404, `not found: ${url.pathname}`);
    const query = options.queryKnobs ? url.searchParams : undefined;
    writeFileHead(res, path, info.size, options.noContentLength || query?.has('nolength'));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    streamFile(path, res, {
      bytesPerSecond: Number(query?.get('throttle')) || options.throttleBytesPerSecond,
      stallAfterBytes: query?.has('stall') ? Number(query.get('stall')) : undefined,
    });
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolvePort((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Starts the server; resolves once it is listening. */
export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const root = resolve(options.root ?? repoRoot);
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    handler(root, options)(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.destroy();
    });
  });
  let port: number;
  try {
    port = await listen(server, options.port ?? 8080, host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.fallback === false) throw error;
    port = await listen(server, 0, host);
  }
  return {
    url: `http://${host}:${port}/`,
    port,
    server,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', short: 'p' },
      root: { type: 'string' },
      throttle: { type: 'string' },
      'no-content-length': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(
      'Usage: node --import ./scripts/register.mjs scripts/serve.ts [--port 8080] [--root DIR] [--throttle BYTES_PER_S] [--no-content-length] [--quiet]',
    );
    return;
  }
  const port = values.port === undefined ? 8080 : Number(values.port);
  const throttle = values.throttle === undefined ? undefined : Number(values.throttle);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`serve: bad --port '${values.port}'`);
  if (throttle !== undefined && !(throttle > 0))
    throw new Error(`serve: bad --throttle '${values.throttle}' (bytes per second > 0)`);
  const running = await startServer({
    root: values.root,
    port,
    throttleBytesPerSecond: throttle,
    noContentLength: values['no-content-length'],
    log: values.quiet ? undefined : (line) => console.log(line),
  });
  if (running.port !== port && port !== 0) console.log(`port ${port} is taken; using ${running.port}`);
  console.log(`serving ${resolve(values.root ?? repoRoot)} at ${running.url}`);
  console.log(`demo: ${running.url}demo/`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}
