// <gs-scene> robustness in headless Chromium: a lost GPUDevice (GPUDevice.destroy() from the page fires
// device.lost) is recovered once, with a fresh device and the scene re-uploaded, and reported as an
// `error` event with code 'device-lost' when it happens again at once; pinch zoom with two touch points
// (real touch input through the DevTools protocol).
import { expect, test, type Page } from '@playwright/test';

interface RecordedEvent {
  type: string;
  detail: Record<string, unknown> | null;
}

const SMALL = '/e2e/fixtures/small.gsz';
const SMALL_COUNT = 6000;

/** Keeps every GPUDevice the page creates in window.gsDevices (before any page script runs). */
async function captureDevices(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { gsDevices: GPUDevice[] };
    w.gsDevices = [];
    if (typeof GPUAdapter === 'undefined') return;
    const requestDevice = GPUAdapter.prototype.requestDevice;
    GPUAdapter.prototype.requestDevice = async function (
      this: GPUAdapter,
      ...args: Parameters<GPUAdapter['requestDevice']>
    ) {
      const device = await requestDevice.apply(this, args);
      w.gsDevices.push(device);
      return device;
    };
  });
}

async function openViewer(page: Page, attributes: Record<string, string>): Promise<void> {
  await page.goto(`/e2e/pages/viewer.html?${new URLSearchParams(attributes)}`);
  await page.waitForFunction(() => (window as unknown as { viewer?: unknown }).viewer !== undefined);
}

const events = (page: Page) => page.evaluate(() => (window as unknown as { events: RecordedEvent[] }).events);
const count = async (page: Page, type: string) => (await events(page)).filter((e) => e.type === type).length;

test('a lost device is recovered: a new device, the scene reloaded and drawn, no error event', async ({
  page,
}) => {
  await captureDevices(page);
  await openViewer(page, { src: SMALL, 'pixel-ratio': '1', background: '#000000' });
  await expect.poll(() => count(page, 'load'), { timeout: 45_000 }).toBe(1);
  expect(await page.evaluate(() => (window as unknown as { gsDevices: GPUDevice[] }).gsDevices.length)).toBe(
    1,
  );

  await page.evaluate(() => (window as unknown as { gsDevices: GPUDevice[] }).gsDevices[0]!.destroy());
  await expect.poll(() => count(page, 'load'), { timeout: 45_000 }).toBe(2);
  const list = await events(page);
  expect(list.filter((e) => e.type === 'error')).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { gsDevices: GPUDevice[] }).gsDevices.length)).toBe(
    2,
  );
  expect(
    await page.evaluate(() => (window as unknown as { viewer: { splatCount: number } }).viewer.splatCount),
  ).toBe(SMALL_COUNT);
  // The recovered element draws: its screenshot has splats on the black background.
  const lit = await page.evaluate(async () => {
    const blob = await (window as unknown as { viewer: { screenshot(): Promise<Blob> } }).viewer.screenshot();
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! > 30) n++;
    return n;
  });
  expect(lit).toBeGreaterThan(100);
});

test('a device lost again during the recovery is reported: error event with code device-lost', async ({
  page,
}) => {
  await captureDevices(page);
  await openViewer(page, { src: SMALL, 'pixel-ratio': '1' });
  await expect.poll(() => count(page, 'load'), { timeout: 45_000 }).toBe(1);
  await page.evaluate(() => (window as unknown as { gsDevices: GPUDevice[] }).gsDevices[0]!.destroy());
  // The second device exists once the recovery has started; lose it too, before the scene is back.
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { gsDevices: GPUDevice[] }).gsDevices.length), {
      timeout: 45_000,
    })
    .toBe(2);
  await page.evaluate(() => (window as unknown as { gsDevices: GPUDevice[] }).gsDevices[1]!.destroy());
  await expect
    .poll(async () => (await events(page)).find((e) => e.type === 'error')?.detail?.code, { timeout: 45_000 })
    .toBe('device-lost');
  await expect(page.locator('gs-scene').locator('[role=alert]')).toBeVisible();
});

test('pinch: two touch points moving apart zoom in, moving together zoom out', async ({ browser }) => {
  const context = await browser.newContext({ hasTouch: true, viewport: { width: 480, height: 360 } });
  const page = await context.newPage();
  await openViewer(page, { src: SMALL, 'pixel-ratio': '1', style: 'width: 320px; height: 240px' });
  await expect.poll(() => count(page, 'load'), { timeout: 45_000 }).toBe(1);
  // Focused, the canvas takes every touch gesture (touch-action: none) instead of leaving pinch to the page.
  await page.evaluate(() =>
    (document.querySelector('gs-scene')!.shadowRoot!.querySelector('canvas') as HTMLCanvasElement).focus(),
  );
  const distance = () =>
    page.evaluate(() => {
      const pose = (
        window as unknown as { viewer: { getCamera(): { position: number[]; target: number[] } } }
      ).viewer.getCamera();
      return Math.hypot(...pose.position.map((p, i) => p - pose.target[i]!));
    });
  const cdp = await context.newCDPSession(page);
  const pinch = async (from: number, to: number) => {
    // Centre of the element (at 0,0 in the page), fingers on a horizontal line, midpoint fixed.
    const at = (half: number) => [
      { x: 160 - half, y: 120, id: 1 },
      { x: 160 + half, y: 120, id: 2 },
    ];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(from) });
    for (let k = 1; k <= 8; k++) {
      await cdp.send('Input.dispatchTouchEvent', {
        type: 'touchMove',
        touchPoints: at(from + ((to - from) * k) / 8),
      });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  };
  // Damping settles within ~0.5 s: poll until the distance stops changing.
  const settled = async () => {
    let last = -1;
    await expect
      .poll(
        async () => {
          const d = await distance();
          const same = Math.abs(d - last) < 1e-6 * d;
          last = d;
          return same;
        },
        { intervals: [400] },
      )
      .toBe(true);
    return last;
  };
  const before = await settled();
  await pinch(20, 80);
  const zoomedIn = await settled();
  // Spread x4: the distance shrinks by about 4 (pinch zoom follows the fingers' spread ratio).
  expect(zoomedIn).toBeLessThan(before * 0.5);
  await pinch(80, 40);
  const zoomedOut = await settled();
  expect(zoomedOut).toBeGreaterThan(zoomedIn * 1.5);
  await context.close();
});
