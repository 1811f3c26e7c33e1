// End-to-end tests of <gs-scene> in headless Chromium (SwiftShader WebGPU on machines without a GPU):
// real rendering, event order, streaming paths, errors, controls, lifecycle. Pages: e2e/pages/.
import { expect, test, type Page } from '@playwright/test';
import { PNG } from 'pngjs';

interface RecordedEvent {
  type: string;
  detail: Record<string, unknown> | null;
  t: number;
}

// Any GPU validation error is a bug in the element, whatever the test checks.
const gpuErrors: string[] = [];
test.beforeEach(({ page }) => {
  gpuErrors.length = 0;
  page.on('console', (m) => {
    if (m.text().includes('[gpu-error]')) gpuErrors.push(m.text());
  });
});
test.afterEach(() => {
  expect(gpuErrors).toEqual([]);
});

const SMALL = '/e2e/fixtures/small.gsz';
const SMALL_COUNT = 6000;

async function openViewer(page: Page, attributes: Record<string, string>): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/e2e/pages/viewer.html?${new URLSearchParams(attributes)}`);
  await page.waitForFunction(() => (window as unknown as { viewer?: unknown }).viewer !== undefined);
  test.info().annotations.push({ type: 'page errors', description: errors.join('\n') });
}

const events = (page: Page) => page.evaluate(() => (window as unknown as { events: RecordedEvent[] }).events);

async function waitForEvent(page: Page, type: string): Promise<void> {
  await page.waitForFunction(
    (t) => (window as unknown as { events: RecordedEvent[] }).events.some((e) => e.type === t),
    type,
    { timeout: 45_000 },
  );
}

interface ProgressDetail {
  bytesLoaded: number;
  splatsLoaded: number;
  bytesTotal?: number;
  splatsTotal?: number;
}

/** A completed stream's events: first-frame before load, no error, more than two progress events, each
 *  count monotonic, all splats at the end. Returns the progress details. */
function expectStreamedInOrder(list: RecordedEvent[]): ProgressDetail[] {
  const types = list.map((e) => e.type);
  expect(types.indexOf('first-frame')).toBeGreaterThanOrEqual(0);
  expect(types.indexOf('first-frame')).toBeLessThan(types.indexOf('load'));
  expect(types).not.toContain('error');
  const progress = list
    .filter((e) => e.type === 'progress')
    .map((e) => e.detail as unknown as ProgressDetail);
  expect(progress.length).toBeGreaterThan(2);
  for (let i = 1; i < progress.length; i++) {
    expect(progress[i].bytesLoaded).toBeGreaterThanOrEqual(progress[i - 1].bytesLoaded);
    expect(progress[i].splatsLoaded).toBeGreaterThanOrEqual(progress[i - 1].splatsLoaded);
  }
  expect(progress[progress.length - 1].splatsLoaded).toBe(SMALL_COUNT);
  return progress;
}

/** Pixels of the element's screenshot that differ from `background` by more than `tolerance` (0-255) in any channel. */
function countForeground(
  png: Buffer,
  background: [number, number, number],
  tolerance = 24,
): { foreground: number; total: number; image: PNG } {
  const image = PNG.sync.read(png);
  let foreground = 0;
  for (let i = 0; i < image.width * image.height; i++) {
    const d = Math.max(...[0, 1, 2].map((c) => Math.abs(image.data[i * 4 + c] - background[c])));
    if (d > tolerance) foreground++;
  }
  return { foreground, total: image.width * image.height, image };
}

test('renders a real scene: splats where the scene is, background elsewhere; screenshot() matches', async ({
  page,
}) => {
  await openViewer(page, { src: SMALL, background: '#000000', alt: 'demo scene' });
  await waitForEvent(page, 'load');
  const viewer = page.locator('gs-scene');
  const { foreground, total, image } = countForeground(await viewer.screenshot(), [0, 0, 0]);
  // The default camera frames the scene's bounds: it covers a good part of the view, not all of it.
  expect(foreground / total).toBeGreaterThan(0.05);
  expect(foreground / total).toBeLessThan(0.9);
  // Corners are background (the framing leaves a margin around the bounding sphere).
  for (const [x, y] of [
    [1, 1],
    [image.width - 2, 1],
    [1, image.height - 2],
    [image.width - 2, image.height - 2],
  ]) {
    const i = (y * image.width + x) * 4;
    expect(Math.max(image.data[i], image.data[i + 1], image.data[i + 2])).toBeLessThan(8);
  }
  expect(
    await viewer.evaluate((el) => (el as unknown as { splatCount: number; loaded: boolean }).splatCount),
  ).toBe(SMALL_COUNT);
  // Accessibility: the canvas is an image with the alt text as its label.
  const canvas = viewer.locator('canvas');
  await expect(canvas).toHaveAttribute('role', 'img');
  await expect(canvas).toHaveAttribute('aria-label', 'demo scene');
  // screenshot() renders the current view into a PNG of the canvas's pixel size.
  const bytes = await page.evaluate(async () => {
    const blob = await (
      document.querySelector('gs-scene') as unknown as { screenshot(): Promise<Blob> }
    ).screenshot();
    return { type: blob.type, data: Array.from(new Uint8Array(await blob.arrayBuffer())) };
  });
  expect(bytes.type).toBe('image/png');
  const shot = countForeground(Buffer.from(bytes.data), [0, 0, 0]);
  expect(shot.foreground / shot.total).toBeGreaterThan(0.05);
});

test('streaming: first frame from the first chunk; progress monotonic and complete without Content-Length', async ({
  page,
}) => {
  // The server stops sending after 30 kB (the header and the first chunk or two, not the file): the
  // first frame must come anyway, with only part of the scene.
  await openViewer(page, { src: `${SMALL}?nolength=1&stall=30000` });
  await waitForEvent(page, 'first-frame');
  const partial = await page
    .locator('gs-scene')
    .evaluate((el) => (el as unknown as { splatCount: number }).splatCount);
  expect(partial).toBeGreaterThan(0);
  expect(partial).toBeLessThan(SMALL_COUNT);
  expect((await events(page)).map((e) => e.type)).not.toContain('load');

  // Then the whole file, throttled and without Content-Length.
  await page.evaluate((src) => {
    (window as unknown as { events: RecordedEvent[] }).events.length = 0;
    document.querySelector('gs-scene')!.setAttribute('src', src);
  }, `${SMALL}?nolength=1&throttle=40000`);
  await waitForEvent(page, 'load');
  const progress = expectStreamedInOrder(await events(page));
  const last = progress[progress.length - 1];
  expect(last.splatsTotal).toBe(SMALL_COUNT);
  expect(last.bytesTotal).toBeUndefined();
});

test('Content-Length gives bytesTotal; max-splats loads a prefix', async ({ page }) => {
  await openViewer(page, { src: SMALL, 'max-splats': '2500' });
  await waitForEvent(page, 'load');
  const list = await events(page);
  const last = list.filter((e) => e.type === 'progress').pop()!.detail as {
    bytesTotal?: number;
    splatsLoaded: number;
    splatsTotal: number;
  };
  expect(last.bytesTotal).toBeGreaterThan(1000);
  expect(last.splatsTotal).toBe(2500);
  expect(last.splatsLoaded).toBe(2500);
});

test('SH degree 1 scene with a codebook loads and renders', async ({ page }) => {
  await openViewer(page, { src: '/e2e/fixtures/sh1.gsz', background: 'black' });
  await waitForEvent(page, 'load');
  const { foreground, total } = countForeground(await page.locator('gs-scene').screenshot(), [0, 0, 0]);
  expect(foreground / total).toBeGreaterThan(0.03);
});

test('error event and a visible message on 404, a file that is not a .gsz, a damaged chunk, and a truncated file', async ({
  page,
}) => {
  await openViewer(page, { src: '/e2e/fixtures/missing.gsz' });
  const cases = [
    ['/e2e/fixtures/missing.gsz', 'not-found'],
    ['/e2e/fixtures/not-a-scene.gsz', 'bad-magic'],
    ['/e2e/fixtures/corrupt-tail.gsz', 'corrupt'],
    ['/e2e/fixtures/truncated.gsz', 'truncated'],
  ] as const;
  for (const [i, [src, code]] of cases.entries()) {
    // One page for all three (each page pays for compiling the GPU pipelines): src changes in turn.
    if (i > 0)
      await page.evaluate((url) => document.querySelector('gs-scene')!.setAttribute('src', url), src);
    await page.waitForFunction(
      (n) =>
        (window as unknown as { events: RecordedEvent[] }).events.filter((e) => e.type === 'error').length >
        n,
      i,
    );
    const error = (await events(page)).filter((e) => e.type === 'error')[i].detail as {
      code: string;
      message: string;
    };
    expect(error.code, src).toBe(code);
    expect(error.message.length).toBeGreaterThan(5);
    await expect(page.locator('gs-scene').locator('[role=alert]')).toBeVisible();
  }
  expect((await events(page)).map((e) => e.type)).not.toContain('load');
  // The element (and the page) stays usable: a good file after the errors loads and the message goes.
  await page.evaluate((url) => document.querySelector('gs-scene')!.setAttribute('src', url), SMALL);
  await waitForEvent(page, 'load');
  await expect(page.locator('gs-scene').locator('[role=alert]')).toHaveCount(0);
});

test('no WebGPU: webgpu-unavailable error and the fallback content is shown', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
  await page.goto('/e2e/pages/fallback.html');
  await page.waitForFunction(() =>
    (window as unknown as { events: RecordedEvent[] }).events.some((e) => e.type === 'error'),
  );
  const error = (await events(page)).find((e) => e.type === 'error')!.detail as { code: string };
  expect(error.code).toBe('webgpu-unavailable');
  await expect(page.locator('#fallback-image')).toBeVisible();
});

test('dragging orbits the view and fires camera-change', async ({ page }) => {
  await openViewer(page, { src: SMALL, background: '#000000' });
  await waitForEvent(page, 'load');
  const viewer = page.locator('gs-scene');
  const before = await viewer.screenshot();
  const changesBefore = (await events(page)).filter((e) => e.type === 'camera-change').length;
  const box = (await viewer.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2 + 10, { steps: 5 });
  await page.mouse.up();
  // Damping settles within ~0.5 s; SwiftShader frames are slow, so wait for the events to stop.
  await page.waitForTimeout(1500);
  const changes = (await events(page)).filter((e) => e.type === 'camera-change');
  expect(changes.length).toBeGreaterThan(changesBefore);
  const from = changes[changesBefore - 1]?.detail as { position: number[] } | undefined;
  const to = changes[changes.length - 1].detail as { position: number[] };
  if (from) expect(Math.hypot(...to.position.map((v, i) => v - from.position[i]))).toBeGreaterThan(0.1);
  const after = await viewer.screenshot();
  const a = PNG.sync.read(before);
  const b = PNG.sync.read(after);
  let differing = 0;
  for (let i = 0; i < a.data.length; i += 4)
    if (Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) > 30) differing++;
  expect(differing).toBeGreaterThan(500);
});

test('changing src aborts the current stream and loads the new scene', async ({ page }) => {
  // The first URL stalls after 20 kB: only cancelling it lets the element finish.
  await openViewer(page, { src: `${SMALL}?stall=20000` });
  await page.waitForFunction(() =>
    (window as unknown as { events: RecordedEvent[] }).events.some((e) => e.type === 'progress'),
  );
  await page.evaluate(() => document.querySelector('gs-scene')!.setAttribute('src', '/e2e/fixtures/sh1.gsz'));
  await waitForEvent(page, 'load');
  expect(
    await page.locator('gs-scene').evaluate((el) => (el as unknown as { splatCount: number }).splatCount),
  ).toBe(3000);
  expect((await events(page)).map((e) => e.type)).not.toContain('error');
});

test('removing the element mid-stream frees it without errors; re-adding reloads', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openViewer(page, { src: `${SMALL}?throttle=30000` });
  await page.waitForFunction(() =>
    (window as unknown as { events: RecordedEvent[] }).events.some((e) => e.type === 'progress'),
  );
  await page.evaluate(() => {
    const el = document.querySelector('gs-scene')!;
    el.remove();
    (window as unknown as { events: RecordedEvent[] }).events.length = 0;
    setTimeout(() => document.body.append(el), 300);
  });
  await waitForEvent(page, 'load');
  expect(errors).toEqual([]);
});

test('keyboard orbits when focused; the wheel zooms only when focused; double-click re-targets', async ({
  page,
}) => {
  await openViewer(page, { src: SMALL });
  await waitForEvent(page, 'load');
  const cameraChanges = async () => (await events(page)).filter((e) => e.type === 'camera-change').length;
  const viewer = page.locator('gs-scene');
  const box = (await viewer.boundingBox())!;
  // screenshot() resolves once the GPU pre-pass and sort exist: on SwiftShader their synchronous compile
  // right after load holds the GPU process for seconds, and with it the frames that apply input.
  await viewer.evaluate((el) => (el as unknown as { screenshot(): Promise<Blob> }).screenshot());
  await page.waitForTimeout(300);
  const settled = await cameraChanges();
  // Not focused: the wheel belongs to the page.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 200);
  await page.waitForTimeout(500);
  expect(await cameraChanges()).toBe(settled);
  await viewer.locator('canvas').focus();
  await page.keyboard.press('ArrowLeft');
  await expect.poll(cameraChanges, { timeout: 5000 }).toBeGreaterThan(settled);
  const radius = (pose: { position: number[]; target: number[] }) =>
    Math.hypot(...pose.position.map((v, i) => v - pose.target[i]));
  const before = await viewer.evaluate((el) =>
    (el as unknown as { getCamera(): { position: number[]; target: number[] } }).getCamera(),
  );
  await page.mouse.wheel(0, -300);
  await page.waitForTimeout(1000);
  const after = await viewer.evaluate((el) =>
    (el as unknown as { getCamera(): { position: number[]; target: number[] } }).getCamera(),
  );
  expect(radius(after)).toBeLessThan(radius(before) * 0.9);

  // Double-click re-targets the orbit to the splat under the pointer.
  const getCamera = () =>
    viewer.evaluate((el) =>
      (el as unknown as { getCamera(): { position: number[]; target: number[] } }).getCamera(),
    );
  const beforeClick = await getCamera();
  // Off centre, on the ground disc (the default view looks slightly down at the scene's centre).
  await page.mouse.dblclick(box.x + box.width * 0.35, box.y + box.height * 0.7);
  await page.waitForTimeout(1200);
  const afterClick = await getCamera();
  expect(Math.hypot(...afterClick.target.map((v, i) => v - beforeClick.target[i]))).toBeGreaterThan(0.1);
  // The eye stays where it was (re-targeting turns the camera, it does not move it); 2% for damping residue.
  const moved = Math.hypot(...afterClick.position.map((v, i) => v - beforeClick.position[i]));
  expect(moved).toBeLessThan(
    0.02 * Math.hypot(...beforeClick.position.map((v, i) => v - beforeClick.target[i])),
  );
});

test('loading="lazy" waits until the element is scrolled into view', async ({ page }) => {
  await page.goto('/e2e/pages/lazy.html');
  await page.waitForTimeout(1500);
  const types = () =>
    page.evaluate(() => (window as unknown as { events: RecordedEvent[] }).events.map((e) => e.type));
  expect(await types()).not.toContain('progress');
  await page.locator('gs-scene').scrollIntoViewIfNeeded();
  await page.waitForFunction(
    () => (window as unknown as { events: RecordedEvent[] }).events.some((e) => e.type === 'load'),
    null,
    { timeout: 45_000 },
  );
});

test('two viewers on one page both load and render', async ({ page }) => {
  await page.goto('/e2e/pages/two.html');
  await page.waitForFunction(() => (window as unknown as { loads: number }).loads === 2, null, {
    timeout: 45_000,
  });
  expect(await page.evaluate(() => (window as unknown as { errors: unknown[] }).errors)).toEqual([]);
  const [a, b] = await page.locator('gs-scene').all();
  expect(countForeground(await a.screenshot(), [0, 0, 0]).foreground).toBeGreaterThan(2000);
  expect(countForeground(await b.screenshot(), [255, 255, 255]).foreground).toBeGreaterThan(2000);
});

test('auto-rotate turns the view, and stays still under prefers-reduced-motion', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  await openViewer(page, { src: SMALL, 'auto-rotate': '' });
  await waitForEvent(page, 'load');
  const count = async () => (await events(page)).filter((e) => e.type === 'camera-change').length;
  let before = await count();
  await page.waitForTimeout(1500);
  expect(await count()).toBeGreaterThan(before + 2);
  // The preference is read live: switching it stops the rotation.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.waitForTimeout(500);
  before = await count();
  await page.waitForTimeout(1500);
  expect(await count()).toBe(before);
});

/** PSNR (dB) of two same-size RGBA PNGs over RGB (8-bit levels). */
function psnr(a: PNG, b: PNG): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) if (i % 4 !== 3) sum += (a.data[i] - b.data[i]) ** 2;
  const mse = sum / (a.width * a.height * 3);
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

test('streaming over a throttled route: first-frame before load, progress monotonic, bytesTotal reached', async ({
  page,
}) => {
  // 30 kB/s with Content-Length: the three chunks arrive over ~2 s (the earlier streaming test covers the
  // path without Content-Length).
  await openViewer(page, {
    src: `${SMALL}?throttle=30000`,
    'pixel-ratio': '1',
    style: 'width: 160px; height: 120px',
  });
  await waitForEvent(page, 'load');
  const progress = expectStreamedInOrder(await events(page));
  const last = progress[progress.length - 1];
  expect(last.bytesLoaded).toBe(last.bytesTotal);
  // More than one distinct splat count was reported before the end: the scene arrived in steps.
  expect(
    new Set(progress.map((p) => p.splatsLoaded).filter((n) => n > 0 && n < SMALL_COUNT)).size,
  ).toBeGreaterThanOrEqual(1);
});

test('streaming: the picture improves as more of the file arrives (PSNR against the final picture rises)', async ({
  page,
}) => {
  // Deterministic prefixes instead of timing: the server stops after 30% and after 60% of the file (one
  // and two of small.gsz's three chunks, 1000 and 3000 splats), so each partial picture is fixed however
  // slow the machine is. The element draws each prefix as it would mid-stream.
  const view = {
    background: '#000000',
    'pixel-ratio': '1',
    controls: 'none',
    style: 'width: 160px; height: 120px',
    'camera-position': '3.2 -2.6 2',
    'camera-target': '0 0 0.35',
  };
  await openViewer(page, { src: SMALL, ...view });
  await waitForEvent(page, 'load');
  const shoot = async () =>
    PNG.sync.read(
      Buffer.from(
        await page.evaluate(async () => {
          const blob = await (
            document.querySelector('gs-scene') as unknown as { screenshot(): Promise<Blob> }
          ).screenshot();
          return Array.from(new Uint8Array(await blob.arrayBuffer()));
        }),
      ),
    );
  const final = await shoot();
  const size = (await (await page.request.get(SMALL)).body()).length;
  const partial: { fraction: number; splats: number; psnr: number }[] = [];
  for (const fraction of [0.3, 0.6]) {
    await page.evaluate(
      (src) => {
        (window as unknown as { events: RecordedEvent[] }).events.length = 0;
        document.querySelector('gs-scene')!.setAttribute('src', src);
      },
      `${SMALL}?stall=${Math.round(fraction * size)}`,
    );
    await waitForEvent(page, 'first-frame');
    // The stream has stalled once the splat count stops changing.
    let splats = -1;
    await expect
      .poll(
        async () => {
          const now = await page
            .locator('gs-scene')
            .evaluate((el) => (el as unknown as { splatCount: number }).splatCount);
          const same = now === splats;
          splats = now;
          return same;
        },
        { intervals: [300] },
      )
      .toBe(true);
    partial.push({ fraction, splats, psnr: psnr(await shoot(), final) });
  }
  console.log(
    `PSNR vs the final picture: ${partial.map((p) => `${p.fraction * 100}% of the file: ${p.splats} splats, ${p.psnr.toFixed(1)} dB`).join('; ')}`,
  );
  expect(partial[0].splats).toBeGreaterThan(0);
  expect(partial[0].splats).toBeLessThan(partial[1].splats);
  expect(partial[1].splats).toBeLessThan(SMALL_COUNT);
  // 1 dB: well above the run-to-run noise of these renders (a few 8-bit levels on a few dozen pixels).
  expect(partial[1].psnr).toBeGreaterThan(partial[0].psnr + 1);
  expect((await events(page)).map((e) => e.type)).not.toContain('error');
});

test('resizing the element resizes the canvas and re-renders, without errors', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openViewer(page, { src: SMALL, background: '#000000', 'pixel-ratio': '1' });
  await waitForEvent(page, 'load');
  const canvasSize = () =>
    page
      .locator('gs-scene canvas')
      .evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
  expect(await canvasSize()).toEqual([320, 240]);
  await page
    .locator('gs-scene')
    .evaluate((el) => Object.assign((el as HTMLElement).style, { width: '200px', height: '260px' }));
  await expect.poll(canvasSize).toEqual([200, 260]);
  const { foreground, total, image } = countForeground(
    await page.locator('gs-scene').screenshot(),
    [0, 0, 0],
  );
  expect([image.width, image.height]).toEqual([200, 260]);
  // The scene is drawn for the new aspect ratio (not stretched from the old frame): it still covers a part.
  expect(foreground / total).toBeGreaterThan(0.05);
  expect(errors).toEqual([]);
});
