// Static server for the e2e tests: the repository root on 127.0.0.1 (a secure origin, as WebGPU needs),
// with per-request streaming knobs in the query string, so one server covers every streaming path:
//   ?throttle=BYTES_PER_S   send the body slowly (in ~20 slices a second)
//   ?nolength=1             chunked transfer, no Content-Length
//   ?stall=BYTES            send BYTES, then hang (the client must cancel)
// and hostile responses under /hostile/ (hostile-routes.ts).
//   node --import ./scripts/register.mjs e2e/server.ts [--port 4178]
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import { extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MIME_TYPES, resolveInside } from '../scripts/serve.ts';
import { hostileRoute } from './hostile-routes.ts';
import { pace } from './pace.ts';

const root = resolve(new URL('..', import.meta.url).pathname);
const { values } = parseArgs({ options: { port: { type: 'string', default: '4178' } } });

function sendFile(path: string, size: number, res: ServerResponse, query: URLSearchParams): void {
  const throttle = Number(query.get('throttle')) || 0;
  const stall = query.has('stall') ? Number(query.get('stall')) : Infinity;
  const headers: Record<string, string | number> = {
    'Content-Type': MIME_TYPES[extname(path)] ?? 'application/octet-stream',
    'Cache-Control': 'no-store',
  };
  if (!query.has('nolength')) headers['Content-Length'] = size;
  res.writeHead(200, headers);
  const slice = throttle ? Math.max(1, Math.round(throttle / 20)) : 64 * 1024;
  const stream = createReadStream(path, { highWaterMark: slice });
  res.on('close', () => stream.destroy());
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
    pace(stream, started, sent, throttle);
  });
  stream.on('end', () => res.end());
  stream.on('error', () => res.destroy());
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const hostile = /^\/hostile\/([\w-]+)$/.exec(url.pathname);
  if (hostile && hostileRoute(hostile[1], url.searchParams, res)) return;
  const path = resolveInside(root, url.pathname);
  const info = path ? await stat(path).catch(() => undefined) : undefined;
  if (!path || !info?.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' });
    res.end('not found\n');
    return;
  }
  sendFile(path, info.size, res, url.searchParams);
});
server.listen(Number(values.port), '127.0.0.1', () =>
  console.log(`e2e server on http://127.0.0.1:${values.port}/`),
);
