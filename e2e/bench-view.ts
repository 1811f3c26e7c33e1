// Viewer benchmark (`npm run bench:view -- [options]`): loads a .gsz into <gs-scene> in headless
// Chromium (same browser and flags as the e2e tests) and reports time to first frame, load time and the
// frame rate while auto-rotating (one camera-change per rendered frame).
//   --file PATH        a .gsz to view (default: a synthetic demo scene of --count Gaussians, made here)
//   --count N          Gaussians of the synthetic scene (default 50000)
//   --size WxH         element size in CSS pixels (default 640x480)
//   --seconds S        frame-rate measuring time (default 5)
//   --throttle BPS     serve the file at this many bytes per second
//   --screenshot PNG   also save the loaded view (before rotating)
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { generateDemoGaussians } from '../compressor/demo-scene/gaussians.ts';
import { encodeGsz } from '../compressor/pack/gsz-encoder.ts';
import { MIME_TYPES, resolveInside } from '../scripts/serve.ts';

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    count: { type: 'string', default: '50000' },
    size: { type: 'string', default: '640x480' },
    seconds: { type: 'string', default: '5' },
    throttle: { type: 'string' },
    screenshot: { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log('npm run bench:view -- [--file scene.gsz | --count 50000] [--size 640x480] [--seconds 5] [--throttle BYTES_PER_S] [--screenshot out.png]');
  process.exit(0);
}
const root = resolve(new URL('..', import.meta.url).pathname);
const [width, height] = values.size.split('x').map(Number);

let file = values.file ? resolve(values.file) : undefined;
if (!file) {
  const count = Number(values.count);
  file = `${root}/e2e/fixtures/bench-${count}.gsz`;
  if (!existsSync(file)) {
    mkdirSync(`${root}/e2e/fixtures`, { recursive: true });
    console.error(`making a synthetic scene of ${count} Gaussians -> ${file}`);
    writeFileSync(file, await encodeGsz(generateDemoGaussians({ count, seed: 1 }), { up: [0, 0, 1], zstdLevel: 3 }));
  }
}
if (!existsSync(`${root}/component/dist/gs-scene.bundle.js`)) throw new Error('run `npm run build` first');
const sceneBytes = statSync(file).size;

const page = `<!doctype html><meta charset="utf-8"><style>body{margin:0}gs-scene{width:${width}px;height:${height}px}</style>
<script type="module" src="/component/dist/gs-scene.bundle.js"></script>
<script type="module">
  window.marks = { start: performance.now(), frames: 0 };
  const el = document.createElement('gs-scene');
  el.setAttribute('background', 'black');
  el.setAttribute('pixel-ratio', '1');
  el.addEventListener('first-frame', () => (marks.firstFrame = performance.now()));
  el.addEventListener('load', () => (marks.load = performance.now()));
  el.addEventListener('error', (e) => (marks.error = e.detail));
  el.addEventListener('camera-change', () => marks.frames++);
  el.src = '/bench/scene.gsz';
  document.body.append(el);
  window.viewer = el;
</script>`;

const throttle = values.throttle ? Number(values.throttle) : 0;
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/bench/') {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(page);
    return;
  }
  const path = url.pathname === '/bench/scene.gsz' ? file : resolveInside(root, url.pathname);
  if (!path || !existsSync(path) || !statSync(path).isFile()) {
    res.writeHead(404);
    res.end();
    return;
  }
  res.writeHead(200, { 'Content-Type': MIME_TYPES[extname(path)] ?? 'application/octet-stream', 'Content-Length': statSync(path).size });
  const stream = createReadStream(path, { highWaterMark: throttle ? Math.max(1, throttle / 20) : 64 * 1024 });
  if (throttle) stream.on('data', () => { stream.pause(); setTimeout(() => stream.resume(), 50); });
  stream.pipe(res);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;

const debian = '/usr/bin/chromium';
const executablePath = process.env.GS_E2E_CHROMIUM ?? (existsSync(debian) ? debian : undefined);
const args = process.env.GS_E2E_CHROMIUM_ARGS?.split(/\s+/).filter(Boolean) ?? (executablePath === debian
  ? ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
    '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--use-angle=swiftshader']
  : ['--enable-unsafe-webgpu']);
const browser = await chromium.launch({ executablePath, args });
try {
  const tab = await browser.newPage({ viewport: { width: width + 20, height: height + 20 } });
  await tab.goto(`http://127.0.0.1:${port}/bench/`);
  await tab.waitForFunction(() => {
    const m = (window as unknown as { marks: { load?: number; error?: unknown } }).marks;
    return m && (m.load !== undefined || m.error !== undefined);
  }, null, { timeout: 300_000 });
  const adapter = await tab.evaluate(async () => (await navigator.gpu.requestAdapter())?.info.architecture ?? 'unknown');
  const loaded = await tab.evaluate(() => (window as unknown as { marks: Record<string, unknown> }).marks);
  if (loaded.error) throw new Error(`viewer error: ${JSON.stringify(loaded.error)}`);
  if (values.screenshot) await tab.locator('gs-scene').screenshot({ path: values.screenshot });
  const seconds = Number(values.seconds);
  const fps = await tab.evaluate(async (s) => {
    const w = window as unknown as { marks: { frames: number }; viewer: HTMLElement & { autoRotate: boolean } };
    w.viewer.autoRotate = true;
    await new Promise((r) => setTimeout(r, 500)); // let the rotation loop start
    const f0 = w.marks.frames;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, s * 1000));
    return ((w.marks.frames - f0) * 1000) / (performance.now() - t0);
  }, seconds);
  const splats = await tab.evaluate(() => (window as unknown as { viewer: { splatCount: number } }).viewer.splatCount);
  const m = loaded as { start: number; firstFrame: number; load: number };
  console.log(JSON.stringify({
    adapter, splats, sceneBytes, size: `${width}x${height}`,
    firstFrameMs: Math.round(m.firstFrame - m.start), loadMs: Math.round(m.load - m.start),
    fps: Number(fps.toFixed(2)), msPerFrame: Number((1000 / fps).toFixed(1)),
  }));
} finally {
  await browser.close();
  server.close();
}
