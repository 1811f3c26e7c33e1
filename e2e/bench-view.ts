// Viewer benchmark (`npm run bench:view -- [options]`): <gs-scene> against Spark in one headless Chromium
// (same browser, flags and run as the e2e tests), per scene, at one size and camera, and one table:
//   - ours: time to first frame and to fully loaded from localhost served whole, and throttled (default
//     20 Mbit/s) with the fraction of the file's bytes sent when the first frame was drawn, next to the
//     fraction that frame was drawn from (the file up to the end of the last chunk it drew: header,
//     codebook when it comes first, and the first chunk);
//   - steady frame time: the camera orbits a small step per frame, each frame waited for on the GPU
//     (ours: queue.onSubmittedWorkDone; Spark: a readPixels), median of --frames frames;
//   - Spark (installed on first use into .bench-cache/, see bench-view-spark.ts) loading the original
//     scene file: first frame (first non-empty frame, read back) and steady frame time;
//   - fidelity: the element's screenshot() against `gs-compress render` of the same .gsz and camera, PSNR;
//   - "other CPU": the mean CPU use of other processes during each measurement, in cores
//     (bench-view-cpu.ts); this machine may be shared, so read each figure next to it.
// Options:
//   --scene GSZ[=ORIGINAL]  a .gsz to view, and the original (.ply/.spz) Spark loads; repeatable
//                           (default: a synthetic demo scene of --count Gaussians, no Spark)
//   --count N               Gaussians of the synthetic scene (default 50000)
//   --size WxH              canvas size in pixels, pixel ratio 1 (default 800x600)
//   --frames N              steady frames measured after one warm-up (default 5 ours, --spark-frames 2 Spark)
//   --throttle BPS          bytes per second of the throttled load (default 2500000 = 20 Mbit/s; 0: skip)
//   --no-spark, --no-fidelity   skip those parts
//   --timeout S             per page step (default 600)
//   --screenshot DIR        save ours.png / reference.png per scene there
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { generateDemoGaussians } from '../compressor/demo-scene/gaussians.ts';
import { encodeGsz } from '../compressor/pack/gsz-encoder.ts';
import { decodeGszHeader, gszHeaderLength, gszPreambleLength } from '../shared/format/gsz-decoder.ts';
import { sendFile, startServer } from '../scripts/serve.ts';
import { SWIFTSHADER_CHROMIUM_ARGS } from '../scripts/chromium-args.ts';
import { cpuWindow } from './bench-view-cpu.ts';
import { benchPage, type Pose, type Vec3 } from './bench-view-page.ts';
import { ensureSpark, SPARK_VERSION, sparkPage } from './bench-view-spark.ts';

const { values } = parseArgs({
  options: {
    scene: { type: 'string', multiple: true },
    count: { type: 'string', default: '50000' },
    size: { type: 'string', default: '800x600' },
    frames: { type: 'string', default: '5' },
    'spark-frames': { type: 'string', default: '2' },
    throttle: { type: 'string', default: '2500000' },
    'no-spark': { type: 'boolean' },
    'no-fidelity': { type: 'boolean' },
    timeout: { type: 'string', default: '600' },
    screenshot: { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(`npm run bench:view -- [--scene scene.gsz[=scene.ply]]... [--count 50000] [--size 800x600] [--frames 5]
  [--spark-frames 2] [--throttle 2500000] [--no-spark] [--no-fidelity] [--timeout 600] [--screenshot DIR]
Example: npm run bench:view -- --scene /tmp/view/biker.gsz=../shared/data/scenes/biker.ply`);
  process.exit(0);
}

const root = resolve(new URL('..', import.meta.url).pathname);
const [width, height] = values.size.split('x').map(Number) as [number, number];
const frames = Number(values.frames);
const sparkFrames = Number(values['spark-frames']);
const throttle = Number(values.throttle);
const stepTimeout = Number(values.timeout) * 1000;
if (!existsSync(`${root}/component/dist/gs-scene.bundle.js`)) throw new Error('run `npm run build` first');

interface SceneFiles {
  name: string;
  gsz: string;
  original?: string;
}
const scenes: SceneFiles[] = (values.scene ?? []).map((spec) => {
  const [gsz, original] = spec.split('=') as [string, string | undefined];
  for (const f of [gsz, original]) if (f && !existsSync(f)) throw new Error(`--scene: no such file ${f}`);
  return {
    name: basename(gsz, '.gsz'),
    gsz: resolve(gsz),
    original: original ? resolve(original) : undefined,
  };
});
if (scenes.length === 0) {
  const count = Number(values.count);
  const gsz = `${root}/e2e/fixtures/bench-${count}.gsz`;
  if (!existsSync(gsz)) {
    mkdirSync(`${root}/e2e/fixtures`, { recursive: true });
    console.error(`making a synthetic scene of ${count} Gaussians -> ${gsz}`);
    writeFileSync(gsz, await encodeGsz(generateDemoGaussians({ count, seed: 1 }), { up: [0, 0, 1] }));
  }
  scenes.push({ name: `synthetic-${count}`, gsz });
}
const useSpark = !values['no-spark'] && scenes.some((s) => s.original);
if (useSpark) ensureSpark(root);

// ---- server: the repository root, plus /bench/ pages and the current scene's files -------------------
let current: SceneFiles = scenes[0]!;
let pageHtml = '';
/** Bytes of the current .gsz response written when the page reported its first frame. */
let sentAtMark: number | undefined;
let sceneSent = 0;

const server = await startServer({
  root,
  port: 0,
  route: (url, _req, res) => {
    if (url.pathname === '/bench/page.html') {
      res.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'no-store' });
      res.end(pageHtml);
      return true;
    }
    if (url.pathname === '/bench/mark') {
      sentAtMark = sceneSent;
      res.writeHead(204);
      res.end();
      return true;
    }
    if (url.pathname === '/bench/scene.gsz') {
      const bytesPerSecond = Number(url.searchParams.get('throttle')) || 0;
      sendFile(res, current.gsz, {
        bytesPerSecond,
        slicesPerSecond: 50,
        onProgress: (sent) => (sceneSent = sent),
      });
      return true;
    }
    if (url.pathname.startsWith('/bench/original') && current.original) {
      sendFile(res, current.original);
      return true;
    }
    return false;
  },
});
const origin = server.url.slice(0, -1);

// ---- browser -----------------------------------------------------------------------------------------
const debian = '/usr/bin/chromium';
const executablePath = process.env.GS_E2E_CHROMIUM ?? (existsSync(debian) ? debian : undefined);
const args =
  process.env.GS_E2E_CHROMIUM_ARGS?.split(/\s+/).filter(Boolean) ??
  (executablePath === debian ? SWIFTSHADER_CHROMIUM_ARGS : ['--enable-unsafe-webgpu']);

/** Eye positions orbiting `pose` about its up axis through the target, `stepDegrees` apart. */
function orbitPositions(pose: Pose, count: number, stepDegrees: number): Vec3[] {
  const u = normalise(pose.up);
  const v = pose.position.map((p, i) => p - pose.target[i]!) as Vec3;
  return Array.from({ length: count }, (_, k) => {
    const a = ((k + 1) * stepDegrees * Math.PI) / 180;
    const c = Math.cos(a);
    const s = Math.sin(a);
    const dot = v[0] * u[0] + v[1] * u[1] + v[2] * u[2];
    const cross = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    // Rodrigues' rotation of v about u.
    return [0, 1, 2].map((i) => pose.target[i]! + v[i]! * c + cross[i]! * s + u[i]! * dot * (1 - c)) as Vec3;
  });
}

function normalise(v: Vec3): Vec3 {
  const n = Math.hypot(...v);
  return v.map((x) => x / n) as Vec3;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function oursPage(throttleBps: number, pose?: Pose): string {
  const src = `/bench/scene.gsz${throttleBps ? `?throttle=${throttleBps}` : ''}`;
  return benchPage({ width, height, src, pose, postFirstFrameMark: true });
}

interface Marks {
  firstFrame?: number;
  load?: number;
  initialized?: number;
  error?: unknown;
  firstFrameBytes?: number;
  /** Splats the first frame drew (the first ones in file order). */
  firstFrameSplats?: number;
}

/** Bytes of `gsz` up to the end of the last section holding the first `splats` Gaussians. */
function bytesForSplats(gsz: string, splats: number): number {
  const file = new Uint8Array(readFileSync(gsz));
  const header = decodeGszHeader(file.subarray(0, gszHeaderLength(file.subarray(0, gszPreambleLength()))));
  let end = 0;
  for (const c of header.chunks) if (c.firstSplat < splats) end = Math.max(end, c.offset + c.length);
  return end;
}

async function openPage(browser: Browser, html: string): Promise<Page> {
  pageHtml = html;
  const page = await browser.newPage({ viewport: { width: width + 20, height: height + 20 } });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${origin}/bench/page.html`);
  return page;
}

async function waitMarks(page: Page, key: keyof Marks): Promise<Marks> {
  await page.waitForFunction(
    (k) => {
      const m = (window as unknown as { marks?: Record<string, unknown> }).marks;
      return m !== undefined && (m[k] !== undefined || m.error !== undefined);
    },
    key,
    { timeout: stepTimeout, polling: 250 },
  );
  const marks = await page.evaluate(() => (window as unknown as { marks: Marks }).marks);
  if (marks.error) throw new Error(`page error: ${JSON.stringify(marks.error)}`);
  return marks;
}

/** Our steady frame times (ms): one warm-up frame, then `positions.length - 1` measured ones. */
async function oursFrames(page: Page, positions: Vec3[]): Promise<number[]> {
  return page.evaluate(async (ps) => {
    const w = window as unknown as {
      viewer: { setCamera(p: { position: number[] }): void };
      gsDevice: GPUDevice;
    };
    const times: number[] = [];
    for (const p of ps) {
      const t0 = performance.now();
      w.viewer.setCamera({ position: p });
      await new Promise((r) => requestAnimationFrame(r)); // the element renders in its own rAF callback, first
      await w.gsDevice.queue.onSubmittedWorkDone();
      times.push(performance.now() - t0);
    }
    return times.slice(1);
  }, positions);
}

async function sparkFramesMs(page: Page, positions: Vec3[]): Promise<number[]> {
  return page.evaluate(async (ps) => {
    const w = window as unknown as { renderFrame(p: number[]): Promise<void> };
    const times: number[] = [];
    for (const p of ps) {
      const t0 = performance.now();
      await w.renderFrame(p);
      times.push(performance.now() - t0);
    }
    return times.slice(1);
  }, positions);
}

function psnr(a: PNG, b: PNG): number {
  if (a.width !== b.width || a.height !== b.height)
    throw new Error(`PSNR: sizes differ ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  let se = 0;
  for (let i = 0; i < a.data.length; i += 4)
    for (let c = 0; c < 3; c++) se += (a.data[i + c]! - b.data[i + c]!) ** 2;
  const mse = se / (a.width * a.height * 3);
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** The compressor's rasterizer render of `gsz` from `pose` (vertical fov -> the CLI's horizontal fov). */
function referenceRender(gsz: string, pose: Pose, out: string): PNG {
  const hfov = (2 * Math.atan(Math.tan((pose.fov * Math.PI) / 360) * (width / height)) * 180) / Math.PI;
  const camera = `eye=${pose.position.join(',')};target=${pose.target.join(',')};up=${pose.up.join(',')}`;
  execFileSync(
    process.execPath,
    [
      '--import',
      `${root}/scripts/register.mjs`,
      `${root}/compressor/cli/run.ts`,
      'render',
      gsz,
      '-o',
      out,
      '--camera',
      camera,
      '--fov',
      String(hfov),
      '--width',
      String(width),
      '--height',
      String(height),
      '--background',
      '0,0,0',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], timeout: stepTimeout },
  );
  return PNG.sync.read(readFileSync(out));
}

// ---- run -----------------------------------------------------------------------------------------------
interface Row {
  scene: string;
  splats: number;
  mb: number;
  /** <gs-scene>'s GPU bytes per splat (gpuBytesPerSplat: records, SH rest, draw order). */
  gpuBytes?: number;
  oursFirst?: [number, number | undefined];
  oursLoad?: [number, number | undefined];
  oursFrame?: [number, number | undefined];
  throttledFirst?: number;
  throttledLoad?: number;
  bytesAtFirst?: number;
  /** Fraction of the file the throttled first frame was drawn from, and its splats. */
  drawnFrom?: [number, number];
  throttledCpu?: number;
  psnr?: number;
  sparkFirst?: [number, number | undefined];
  sparkFrame?: [number, number | undefined];
}
const rows: Row[] = [];
const work = mkdtempSync(`${tmpdir()}/bench-view-`);
const browser = await chromium.launch({ executablePath, args });
let adapter = 'unknown';
const timelines: string[] = [];
try {
  // Start the GPU process's WebGPU and WebGL sides and the compositor's paths for both kinds of canvas
  // once (a frame presented on each), so neither viewer pays for that first use in its timings.
  pageHtml = '<!doctype html><canvas id="a"></canvas><canvas id="b"></canvas>';
  const warm = await browser.newPage();
  await warm.goto(`${origin}/bench/page.html`);
  await warm.evaluate(async () => {
    const device = await (await navigator.gpu?.requestAdapter())?.requestDevice();
    if (device) {
      const context = (document.querySelector('#a') as HTMLCanvasElement).getContext('webgpu')!;
      context.configure({
        device,
        format: navigator.gpu.getPreferredCanvasFormat(),
        alphaMode: 'premultiplied',
      });
      const encoder = device.createCommandEncoder();
      encoder
        .beginRenderPass({
          colorAttachments: [
            {
              view: context.getCurrentTexture().createView(),
              loadOp: 'clear',
              storeOp: 'store',
              clearValue: [0, 0, 0, 1],
            },
          ],
        })
        .end();
      device.queue.submit([encoder.finish()]);
    }
    const gl = (document.querySelector('#b') as HTMLCanvasElement).getContext('webgl2')!;
    gl.clearColor(0, 0, 0, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
    await device?.queue.onSubmittedWorkDone();
    device?.destroy();
  });
  await warm.close();
  for (const scene of scenes) {
    current = scene;
    const row: Row = { scene: scene.name, splats: 0, mb: statSync(scene.gsz).size / 1e6 };
    rows.push(row);
    console.error(`[${scene.name}] ours, served whole`);
    let cpu = cpuWindow();
    let page = await openPage(browser, oursPage(0));
    let marks = await waitMarks(page, 'firstFrame');
    row.oursFirst = [marks.firstFrame!, cpu.stop()];
    marks = await waitMarks(page, 'load');
    row.oursLoad = [marks.load!, cpu.stop()];
    const timeline = await page.evaluate(() =>
      performance
        .getEntriesByType('mark')
        .filter((m) => m.name.startsWith('gs-scene:'))
        .map((m) => `${m.name.slice(9)} ${Math.round(m.startTime)}`)
        .join(', '),
    );
    timelines.push(`${scene.name}: ${timeline} ms`);
    adapter = await page.evaluate(
      async () => (await navigator.gpu.requestAdapter())?.info.architecture || 'unknown',
    );
    row.splats = await page.evaluate(
      () => (window as unknown as { viewer: { splatCount: number } }).viewer.splatCount,
    );
    row.gpuBytes = await page.evaluate(
      () => (window as unknown as { viewer: { gpuBytesPerSplat: number } }).viewer.gpuBytesPerSplat,
    );
    const pose = (await page.evaluate(() =>
      (window as unknown as { viewer: { getCamera(): unknown } }).viewer.getCamera(),
    )) as Pose;
    if (!values['no-fidelity']) {
      console.error(`[${scene.name}] fidelity: screenshot() vs gs-compress render`);
      const b64 = await page.evaluate(async () => {
        const blob = await (
          window as unknown as { viewer: { screenshot(): Promise<Blob> } }
        ).viewer.screenshot();
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let s = '';
        for (let i = 0; i < bytes.length; i += 0x8000)
          s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(s);
      });
      const ours = PNG.sync.read(Buffer.from(b64, 'base64'));
      const reference = referenceRender(scene.gsz, pose, `${work}/${scene.name}-reference.png`);
      row.psnr = psnr(ours, reference);
      if (values.screenshot) {
        mkdirSync(values.screenshot, { recursive: true });
        writeFileSync(`${values.screenshot}/${scene.name}-ours.png`, PNG.sync.write(ours));
        writeFileSync(`${values.screenshot}/${scene.name}-reference.png`, PNG.sync.write(reference));
      }
    }
    console.error(`[${scene.name}] ours, steady frames`);
    const positions = orbitPositions(pose, Math.max(frames, sparkFrames) + 1, 2);
    cpu = cpuWindow();
    const ourTimes = await oursFrames(page, positions.slice(0, frames + 1));
    row.oursFrame = [median(ourTimes), cpu.stop()];
    await page.close();

    if (throttle > 0) {
      console.error(`[${scene.name}] ours, throttled to ${throttle} B/s`);
      sentAtMark = undefined;
      cpu = cpuWindow();
      page = await openPage(browser, oursPage(throttle, pose));
      marks = await waitMarks(page, 'firstFrame');
      row.throttledFirst = marks.firstFrame!;
      marks = await waitMarks(page, 'load');
      row.throttledLoad = marks.load!;
      row.throttledCpu = cpu.stop();
      // The server's count when the page's first-frame request arrived (an upper bound on what the
      // page had received), else the element's own progress figure.
      row.bytesAtFirst = (sentAtMark ?? marks.firstFrameBytes ?? NaN) / statSync(scene.gsz).size;
      const drawn = marks.firstFrameSplats ?? 0;
      row.drawnFrom = [bytesForSplats(scene.gsz, drawn) / statSync(scene.gsz).size, drawn];
      await page.close();
    }

    if (useSpark && scene.original) {
      console.error(`[${scene.name}] Spark ${SPARK_VERSION} on ${basename(scene.original)}`);
      cpu = cpuWindow();
      page = await openPage(
        browser,
        sparkPage({ width, height, sceneUrl: `/bench/original${extname(scene.original)}`, ...pose }),
      );
      marks = await waitMarks(page, 'firstFrame');
      row.sparkFirst = [marks.firstFrame!, cpu.stop()];
      cpu = cpuWindow();
      const sparkTimes = await sparkFramesMs(page, positions.slice(0, sparkFrames + 1));
      row.sparkFrame = [median(sparkTimes), cpu.stop()];
      await page.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(work, { recursive: true, force: true });
}

// ---- table ---------------------------------------------------------------------------------------------
const ms = (v?: [number, number | undefined]) => (v ? `${fmtMs(v[0])} (${fmtCpu(v[1])})` : '-');
const fmtMs = (x?: number) =>
  x === undefined ? '-' : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`;
const fmtCpu = (c?: number) => (c === undefined ? 'n/a' : c.toFixed(2));
const ratio = (a?: [number, number | undefined], b?: [number, number | undefined]) =>
  a && b ? `${(a[0] / b[0]).toFixed(3)}x` : '-';
console.log(
  `\nbench:view — ${width}x${height}, pixel ratio 1, adapter ${adapter}, Chromium ${browser.version()}; ` +
    `frame = median of ${frames} (ours) / ${sparkFrames} (Spark ${SPARK_VERSION}) orbit steps of 2 degrees; ` +
    `(x.xx) = other processes' CPU in cores during that measurement (${navigatorCores()} cores)`,
);
const header = [
  'scene',
  'splats',
  '.gsz MB',
  'ours GPU B/splat',
  'ours first frame',
  'ours loaded',
  'ours frame',
  'Spark first frame',
  'Spark frame',
  'frame vs Spark',
  'first vs Spark',
  `${(throttle * 8e-6).toFixed(0)} Mbit/s first / loaded (cpu)`,
  'bytes arrived at first frame',
  'first frame drawn from',
  'PSNR vs rasterizer',
];
const table = rows.map((r) => [
  r.scene,
  String(r.splats),
  r.mb.toFixed(2),
  r.gpuBytes === undefined ? '-' : r.gpuBytes.toFixed(1),
  ms(r.oursFirst),
  ms(r.oursLoad),
  ms(r.oursFrame),
  ms(r.sparkFirst),
  ms(r.sparkFrame),
  ratio(r.oursFrame, r.sparkFrame),
  ratio(r.oursFirst, r.sparkFirst),
  r.throttledFirst === undefined
    ? '-'
    : `${fmtMs(r.throttledFirst)} / ${fmtMs(r.throttledLoad)} (${fmtCpu(r.throttledCpu)})`,
  r.bytesAtFirst === undefined ? '-' : `${(r.bytesAtFirst * 100).toFixed(1)}%`,
  r.drawnFrom === undefined ? '-' : `${(r.drawnFrom[0] * 100).toFixed(1)}% (${r.drawnFrom[1]} splats)`,
  r.psnr === undefined ? '-' : `${r.psnr.toFixed(2)} dB`,
]);
console.log(`| ${header.join(' | ')} |\n|${header.map(() => ' --- ').join('|')}|`);
for (const t of table) console.log(`| ${t.join(' | ')} |`);
console.log(`\n<gs-scene> timeline, served whole (ms from navigation start): ${timelines.join('; ')}`);

function navigatorCores(): number {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('processor')).length;
  } catch {
    return NaN;
  }
}
