// `npm run demo:screenshot`: the demo page (demo/index.html) in headless Chromium at its real layout,
// after `npm run demo` has made demo/generated/scene.gsz:
//   1. checks that the scene is sharp at the size the page shows it: the element's own frame (its canvas,
//      at its CSS size x device pixel ratio) against the demo scene ray-traced from the element's camera
//      at that same pixel size (the ground truth, composited on the page's white), as PSNR;
//   2. writes that frame to docs/demo-scene.png (the README picture), upright and whole as the page
//      frames it, on the page's white (RGB, no alpha: smaller).
//
//   npm run demo:screenshot -- [--out docs/demo-scene.png] [--viewport 1280x800] [--spp 16] [--no-write]
//                              [--widths 810,400,200]   (also score the element at these CSS widths)
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { compositeRgb } from '../compressor/datasets/images.ts';
import { lookAtCameraToWorld } from '../compressor/demo-scene/cameras.ts';
import { renderView } from '../compressor/demo-scene/raytrace.ts';
import { Rng } from '../compressor/demo-scene/rng.ts';
import { buildDemoScene } from '../compressor/demo-scene/scene.ts';
import type { Vec3 } from '../compressor/demo-scene/vec.ts';
import { psnr } from '../compressor/eval/metrics.ts';
import { chromiumLaunchOptions } from './chromium-args.ts';
import { startServer } from './serve.ts';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const WHITE: [number, number, number] = [1, 1, 1];

interface ElementFrame {
  /** The canvas frame as a PNG data URL (the element's screenshot()). */
  png: string;
  cssWidth: number;
  cssHeight: number;
  devicePixelRatio: number;
  camera: { position: Vec3; target: Vec3; up: Vec3; fov: number };
}

/**
 * The element's frame at its default view. `cssWidth` resizes the stage first (its height follows from
 * the page's 4:3 aspect ratio); undefined keeps the page's own layout.
 */
function grabFrame(page: Page, cssWidth?: number): Promise<ElementFrame> {
  // No named functions inside: tsx would wrap them in a helper (__name) the page does not have.
  return page.evaluate(async (width) => {
    type Viewer = HTMLElement & {
      screenshot(): Promise<Blob>;
      getCamera(): ElementFrame['camera'];
      resetCamera(): void;
    };
    const viewer = document.getElementById('viewer') as Viewer;
    if (width !== undefined) {
      (document.querySelector('.stage') as HTMLElement).style.width = `${width}px`;
      // The element resizes its canvas on its ResizeObserver, then draws.
      for (let i = 0; i < 3; i++) await new Promise((done) => requestAnimationFrame(done));
    }
    viewer.resetCamera();
    // A few animation frames: the reset view is drawn before the canvas is read.
    for (let i = 0; i < 3; i++) await new Promise((done) => requestAnimationFrame(done));
    const blob = await viewer.screenshot();
    const png = await new Promise<string>((done) => {
      const reader = new FileReader();
      reader.onload = () => done(reader.result as string);
      reader.readAsDataURL(blob);
    });
    const box = viewer.getBoundingClientRect();
    return { png, cssWidth: box.width, cssHeight: box.height, devicePixelRatio, camera: viewer.getCamera() };
  }, cssWidth);
}

/** The frame composited on white, and its PSNR against the ray-traced scene seen from the same camera. */
function score(
  frame: ElementFrame,
  seed: number,
  spp: number,
): { rgb: Float32Array; width: number; height: number; psnr: number } {
  const shot = PNG.sync.read(Buffer.from(frame.png.split(',')[1], 'base64'));
  const { width, height } = shot;
  const { position, target, up, fov } = frame.camera;
  // The ray tracer's cameras are +Z up (the demo world); the element orients by the file's up axis.
  if (Math.abs(up[2]) < 0.999)
    throw new Error(`the element's camera up is [${up.join(', ')}], not the demo world's +Z`);
  const truth = renderView(
    buildDemoScene(seed),
    {
      width,
      height,
      focal: height / 2 / Math.tan((fov * Math.PI) / 360),
      cameraToWorld: lookAtCameraToWorld(position, target),
    },
    spp,
    new Rng(seed).fork(999_999),
  );
  const rgb = compositeRgb({ width, height, data: shot.data }, WHITE);
  return { rgb, width, height, psnr: psnr(rgb, compositeRgb({ width, height, data: truth }, WHITE)) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: join(root, 'docs', 'demo-scene.png') },
      viewport: { type: 'string', default: '1280x800' },
      spp: { type: 'string', default: '16' },
      widths: { type: 'string', default: '' },
      'no-write': { type: 'boolean' },
    },
  });
  const [vw, vh] = values.viewport.split('x').map(Number);
  if (!(vw > 0 && vh > 0)) throw new Error(`--viewport expects WIDTHxHEIGHT, got '${values.viewport}'`);
  const widths = values.widths.split(',').filter(Boolean).map(Number);
  if (widths.some((w) => !(w >= 16)))
    throw new Error(`--widths expects CSS pixel widths, got '${values.widths}'`);
  const spp = Number(values.spp);
  const datasetStamp = join(root, 'demo', 'generated', 'dataset', 'demo-scene.json');
  let seed: number;
  try {
    seed = (JSON.parse(readFileSync(datasetStamp, 'utf8')) as { options: { seed: number } }).options.seed;
  } catch {
    throw new Error(`${relative(root, datasetStamp)} is missing: run \`npm run demo\` first`);
  }

  const server = await startServer({ port: 0 });
  const browser = await chromium.launch(chromiumLaunchOptions());
  const frames: ElementFrame[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: vw, height: vh } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}demo/index.html`);
    // A still view: the default framing, as a visitor first sees it.
    await page.locator('#auto-rotate').uncheck();
    // The page marks the status 'loaded', or an error code with the class 'error'.
    await page.waitForFunction(
      () => {
        const status = document.getElementById('stat-status');
        return status?.textContent === 'loaded' || status?.classList.contains('error');
      },
      undefined,
      { timeout: 300_000 },
    );
    const status = await page.locator('#stat-status').textContent();
    if (status !== 'loaded')
      throw new Error(`the demo page did not load its scene (status: ${status}): run \`npm run demo\` first`);
    frames.push(await grabFrame(page));
    for (const width of widths) frames.push(await grabFrame(page, width));
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  } finally {
    await browser.close();
    await server.close();
  }

  const scored = frames.map((frame) => score(frame, seed, spp));
  for (const [k, frame] of frames.entries()) {
    const { width, height, psnr } = scored[k];
    console.log(
      `${k === 0 ? 'page layout' : 'resized    '}: element ${frame.cssWidth.toFixed(0)}x${frame.cssHeight.toFixed(0)} CSS px x device pixel ratio ${frame.devicePixelRatio} = ${width}x${height} px: PSNR ${psnr.toFixed(2)} dB against the ray-traced scene`,
    );
  }

  if (values['no-write']) return;
  const { rgb, width, height } = scored[0];
  const png = new PNG({ width, height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(Uint8Array.from(rgb, (v) => Math.round(v * 255)));
  const bytes = PNG.sync.write(png, {
    colorType: 2,
    inputColorType: 2,
    inputHasAlpha: false,
    deflateLevel: 9,
  });
  const out = resolve(values.out);
  const temp = join(dirname(out), `.${process.pid}.png.tmp`);
  writeFileSync(temp, bytes);
  renameSync(temp, out);
  console.log(
    `wrote ${relative(root, out)} (${bytes.length.toLocaleString('en-US')} bytes, ${width}x${height})`,
  );
}

main().catch((error: Error) => {
  console.error(`demo-screenshot: ${error.message}`);
  process.exitCode = 1;
});
