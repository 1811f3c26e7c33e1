// Tests of the static server: MIME types, directory index, path traversal, port fallback, throttle,
// the no-Content-Length mode, the per-request query knobs and caller routes.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { resolveInside, startServer } from './serve.ts';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'serve-'));
  await mkdir(join(root, 'demo'));
  await writeFile(join(root, 'demo', 'index.html'), '<!doctype html><title>x</title>');
  await writeFile(join(root, 'a.js'), 'export {}');
  await writeFile(join(root, 'scene.gsz'), new Uint8Array(40_000).fill(7));
});
after(async () => rm(root, { recursive: true, force: true }));

test('serves files with MIME types, directory index and redirects; refuses traversal', async () => {
  const s = await startServer({ root, port: 0 });
  try {
    const js = await fetch(`${s.url}a.js`);
    assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
    const gsz = await fetch(`${s.url}scene.gsz`);
    assert.equal(gsz.headers.get('content-type'), 'application/octet-stream');
    assert.equal(gsz.headers.get('content-length'), '40000');
    assert.equal((await gsz.arrayBuffer()).byteLength, 40_000);
    const index = await fetch(`${s.url}demo/`);
    assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
    const redirect = await fetch(`${s.url}demo?src=x`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get('location'), '/demo/?src=x');
    assert.equal((await fetch(`${s.url}missing.js`)).status, 404);
    // fetch() normalises `..` away, so send the raw path.
    const status = await new Promise<number>((done) => {
      request({ host: '127.0.0.1', port: s.port, path: '/..%2f..%2f..%2fetc%2fpasswd' }, (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      }).end();
    });
    assert.equal(status, 403);
  } finally {
    await s.close();
  }
  assert.equal(resolveInside('/srv/x', '/../y'), undefined);
  assert.equal(resolveInside('/srv/x', '/..%2fx2/y'), undefined);
  assert.equal(resolveInside('/srv/x', '/a/b.js'), '/srv/x/a/b.js');
});

test('falls back to a free port when the requested one is taken', async () => {
  const a = await startServer({ root, port: 0 });
  const b = await startServer({ root, port: a.port });
  try {
    assert.notEqual(a.port, b.port);
    assert.equal((await fetch(`${b.url}a.js`)).status, 200);
    await assert.rejects(startServer({ root, port: a.port, fallback: false }), /EADDRINUSE/);
  } finally {
    await a.close();
    await b.close();
  }
});

test('throttle limits the rate; no-content-length streams chunked', async () => {
  const s = await startServer({ root, port: 0, throttleBytesPerSecond: 100_000, noContentLength: true });
  try {
    const started = performance.now();
    const res = await fetch(`${s.url}scene.gsz`);
    assert.equal(res.headers.get('content-length'), null);
    assert.equal(res.headers.get('transfer-encoding'), 'chunked');
    assert.equal((await res.arrayBuffer()).byteLength, 40_000);
    const seconds = (performance.now() - started) / 1000;
    // 40 kB at 100 kB/s: the last ~50 ms slice goes out without waiting, so >= ~0.3 s; generous upper bound for a busy machine.
    assert.ok(seconds > 0.3 && seconds < 5, `took ${seconds} s`);
  } finally {
    await s.close();
  }
});

test('query knobs: ?nolength, ?stall and ?throttle per request; routes answer first', async () => {
  const s = await startServer({
    root,
    port: 0,
    queryKnobs: true,
    route: (url, _req, res) => {
      if (url.pathname !== '/route') return false;
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('routed');
      return true;
    },
  });
  try {
    assert.equal(await (await fetch(`${s.url}route`)).text(), 'routed');
    const chunked = await fetch(`${s.url}scene.gsz?nolength=1`);
    assert.equal(chunked.headers.get('content-length'), null);
    assert.equal((await chunked.arrayBuffer()).byteLength, 40_000);
    // ?stall: exactly that many bytes arrive, then the body hangs.
    const controller = new AbortController();
    const stalled = await fetch(`${s.url}scene.gsz?stall=1000`, { signal: controller.signal });
    const reader = stalled.body!.getReader();
    let received = 0;
    const hung = await Promise.race([
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return false;
          received += value.byteLength;
        }
      })(),
      new Promise<boolean>((done) => setTimeout(() => done(true), 500)),
    ]);
    controller.abort();
    assert.ok(hung, 'the stalled body must not end');
    assert.equal(received, 1000);
    const started = performance.now();
    assert.equal((await (await fetch(`${s.url}scene.gsz?throttle=100000`)).arrayBuffer()).byteLength, 40_000);
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds > 0.3 && seconds < 5, `took ${seconds} s`);
  } finally {
    await s.close();
  }
});
