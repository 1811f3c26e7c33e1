// Hostile responses for the element's e2e tests (hostile.spec.ts), served by server.ts under /hostile/:
// transfers that stall, break, trickle or lie, and checksummed .gsz files whose contents are absurd.
// Every body is derived from e2e/fixtures/small.gsz (6000 Gaussians in chunks of 1000, 2000, 3000).
//   /hostile/stall?after=P      send the file up to P, then hang (P: a byte count, `header` or `chunk0`)
//   /hostile/cut?after=P        send up to P, then destroy the connection
//   /hostile/trickle?after=P&ms=N  send up to P at once, then one byte every N ms
//   /hostile/short-length       Content-Length of the whole file, the body ended after chunk 0 (Node keeps
//                               the connection open, waiting: the client sees a stall)
//   /hostile/wrong-type         the whole file as text/html
//   /hostile/html               an HTML page (200, text/html) instead of a .gsz
//   /hostile/empty              200 with an empty body
//   /hostile/status?code=N      that HTTP status, with a text body
//   /hostile/redirect-loop      302 to itself, forever
//   /hostile/reordered          chunks stored in the file order 2, 0, 1 (valid: the format allows it)
//   /hostile/count-total        header count 2^40 (chunk table left as it is)
//   /hostile/count-chunk        chunk 0 claims 2^21 Gaussians (and the header count follows)
//   /hostile/section-huge       chunk 2 claims 1 GiB more (what a gzip bomb would then fill)
//   /hostile/up-zero            up = [0, 0, 0]
//   /hostile/bounds-far         bounds around 1e30, nowhere near the Gaussians
//   /hostile/bounds-huge        bounds of +-1e30 around the Gaussians
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { readRawHeader, reorderChunks, rewriteHeader } from './gsz-tamper.ts';

const source = fileURLToPath(new URL('./fixtures/small.gsz', import.meta.url));

/** A byte position in `file`: a number, or the end of the header or of chunk 0. */
function position(file: Uint8Array, at: string | null): number {
  const header = readRawHeader(file);
  if (at === 'header') return header.chunks[0][0];
  if (at === 'chunk0') return header.chunks[0][0] + header.chunks[0][1];
  const n = Number(at);
  return Number.isFinite(n) ? Math.max(0, Math.min(file.length, n)) : file.length;
}

function sendGsz(res: ServerResponse, body: Uint8Array, type = 'application/octet-stream'): void {
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-store' });
  res.end(body);
}

/** Answers `/hostile/<name>`; returns false for any other path. */
export function hostileRoute(name: string, query: URLSearchParams, res: ServerResponse): boolean {
  const file = new Uint8Array(readFileSync(source));
  const head = () =>
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': file.length,
      'Cache-Control': 'no-store',
    });
  const upTo = position(file, query.get('after'));
  switch (name) {
    case 'stall':
      head();
      res.write(file.subarray(0, upTo)); // and never end
      return true;
    case 'cut':
      head();
      res.write(file.subarray(0, upTo), () => setTimeout(() => res.socket?.destroy(), 100));
      return true;
    case 'trickle': {
      head();
      res.write(file.subarray(0, upTo));
      let at = upTo;
      const timer = setInterval(
        () => {
          if (at >= file.length) {
            clearInterval(timer);
            res.end();
          } else res.write(file.subarray(at, ++at));
        },
        Number(query.get('ms')) || 200,
      );
      res.on('close', () => clearInterval(timer));
      return true;
    }
    case 'short-length':
      head();
      res.end(file.subarray(0, position(file, 'chunk0')));
      return true;
    case 'wrong-type':
      sendGsz(res, file, 'text/html; charset=utf-8');
      return true;
    case 'html':
      sendGsz(
        res,
        new TextEncoder().encode('<!doctype html><title>Oops</title><p>Not here</p>\n'),
        'text/html',
      );
      return true;
    case 'empty':
      sendGsz(res, new Uint8Array());
      return true;
    case 'status':
      res.writeHead(Number(query.get('code')) || 500, { 'Content-Type': 'text/plain' });
      res.end('hostile status\n');
      return true;
    case 'redirect-loop':
      res.writeHead(302, { Location: '/hostile/redirect-loop', 'Cache-Control': 'no-store' });
      res.end();
      return true;
    case 'reordered':
      sendGsz(res, reorderChunks(file, [2, 0, 1]));
      return true;
    case 'count-total':
      sendGsz(
        res,
        rewriteHeader(file, (h) => (h.count = 2 ** 40)),
      );
      return true;
    case 'count-chunk':
      sendGsz(
        res,
        rewriteHeader(file, (h) => {
          h.count += 2 ** 21 - h.chunks[0][3];
          h.chunks[0][3] = 2 ** 21;
        }),
      );
      return true;
    case 'section-huge':
      sendGsz(
        res,
        rewriteHeader(file, (h) => {
          const chunk = h.chunks[2];
          chunk[1] += 2 ** 30;
          chunk[chunk.length - 1] += 2 ** 30;
        }),
      );
      return true;
    case 'up-zero':
      sendGsz(
        res,
        rewriteHeader(file, (h) => (h.up = [0, 0, 0])),
      );
      return true;
    case 'bounds-far':
      sendGsz(
        res,
        rewriteHeader(file, (h) => (h.bounds = [1e29, 1e29, 1e29, 1e30, 1e30, 1e30])),
      );
      return true;
    case 'bounds-huge':
      sendGsz(
        res,
        rewriteHeader(file, (h) => (h.bounds = [-1e30, -1e30, -1e30, 1e30, 1e30, 1e30])),
      );
      return true;
    default:
      return false;
  }
}
