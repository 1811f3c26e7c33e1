// A small static file server for the demo and e2e tests: serves the repository root on 127.0.0.1 (so
// /demo/ and /component/dist/ both resolve; WebGPU needs this secure-context origin), with correct MIME
// types, no caching, and two test knobs: a bandwidth throttle and omitting Content-Length (to exercise
// the viewer's streaming paths).
//
//   node --import ./scripts/register.mjs scripts/serve.ts [--port 8080] [--root .] [--throttle BYTES_PER_S] [--no-content-length]
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** Pipes a file into the response, at most `bytesPerSecond` (in ~50 ms slices) when throttled. */
function streamFile(path: string, res: ServerResponse, bytesPerSecond: number | undefined): void {
  const slice = bytesPerSecond ? Math.max(1, Math.round(bytesPerSecond / 20)) : 64 * 1024;
  const stream = createReadStream(path, { highWaterMark: slice });
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  if (!bytesPerSecond) {
    stream.pipe(res);
    return;
  }
  const started = Date.now();
  let sent = 0;
  stream.on('data', (chunk) => {
    res.write(chunk);
    sent += chunk.length;
    const due = started + (sent / bytesPerSecond) * 1000 - Date.now();
    if (due > 0) {
      stream.pause();
      setTimeout(() => stream.resume(), due);
    }
  });
  stream.on('end', () => res.end());
}

function handler(root: string, options: ServeOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    options.log?.(`${req.method} ${url.pathname}`);
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
    const headers: Record<string, string | number> = {
      'Content-Type': MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
    };
    if (!options.noContentLength) headers['Content-Length'] = info.size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    streamFile(path, res, options.throttleBytesPerSecond);
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
