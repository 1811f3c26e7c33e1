// Every way a transfer can fail (refused, stalled before or after the response, cut mid-body, HTTP
// status) ends as a LoadError with the element's code and the URL, and a slow-but-moving body is not
// mistaken for a stall. Against a real local HTTP server.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { LoadError, NetworkReader } from './network-reader.ts';

let server: Server;
let base = '';
before(async () => {
  server = createServer((req, res) => {
    const route = req.url ?? '';
    if (route === '/silent') return; // never answers
    if (route === '/missing') return void res.writeHead(404).end();
    if (route === '/broken') return void res.writeHead(500).end();
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    if (route === '/stall') return void res.write(new Uint8Array(10));
    if (route === '/cut') {
      res.write(new Uint8Array(100));
      setTimeout(() => res.socket?.destroy(), 50);
      return;
    }
    if (route === '/trickle') {
      // A byte every 100 ms, well inside the 400 ms timeout, for 1 s in all.
      let sent = 0;
      const timer = setInterval(() => {
        res.write(new Uint8Array(1));
        if (++sent === 10) {
          clearInterval(timer);
          res.end();
        }
      }, 100);
      return;
    }
    res.end(new Uint8Array(5));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

async function readAll(path: string, timeoutMs = 400): Promise<number> {
  const reader = new NetworkReader(`${base}${path}`, timeoutMs);
  await reader.open();
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return total;
    total += value.length;
  }
}

function failsWith(code: string, pattern: RegExp) {
  return (e: unknown) =>
    e instanceof LoadError && e.code === code && e.message.includes(base) && pattern.test(e.message);
}

test('a body that stalls after 10 bytes fails as network-error (stalled) after the timeout', async () => {
  const t0 = performance.now();
  await assert.rejects(readAll('/stall'), failsWith('network-error', /no data for 0.4 s after byte 10/));
  assert.ok(performance.now() - t0 < 3000);
});

test('a server that never answers fails as network-error waiting for the response', async () => {
  await assert.rejects(readAll('/silent'), failsWith('network-error', /waiting for the response/));
});

test('a connection cut mid-body fails as network-error, not as a decoding error', async () => {
  await assert.rejects(readAll('/cut', 5000), failsWith('network-error', /connection failed after byte 100/));
});

test('a refused connection fails as network-error', async () => {
  const reader = new NetworkReader('http://127.0.0.1:9/x.gsz', 2000);
  await assert.rejects(
    reader.open(),
    (e: unknown) => e instanceof LoadError && e.code === 'network-error' && e.message.includes('127.0.0.1:9'),
  );
});

test('HTTP 404 is not-found and 500 is http-error', async () => {
  await assert.rejects(readAll('/missing'), failsWith('not-found', /HTTP 404/));
  await assert.rejects(readAll('/broken'), failsWith('http-error', /HTTP 500/));
});

test('a slow body that keeps moving is read whole; waiting between reads is not a stall', async () => {
  assert.equal(await readAll('/trickle'), 10);
  const reader = new NetworkReader(`${base}/ok`, 200);
  await reader.open();
  await new Promise((r) => setTimeout(r, 500)); // the reader is not reading: no timer runs
  const { value } = await reader.read();
  assert.equal(value?.length, 5);
});
