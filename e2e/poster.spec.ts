// <gs-scene>'s first moments (issue 17): a poster (attribute or slot="poster") covers the element until
// the first frame is shown and then goes; `reveal="N%"` holds the scene back until that share is drawn;
// fallback content fills the element on an error; progress/first-frame/load/error stay on the element.
import { expect, test, type Page } from '@playwright/test';
import { PNG } from 'pngjs';

interface RecordedEvent {
  type: string;
  detail: Record<string, unknown> | null;
}

const RED_POSTER =
  "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' width='4' height='3'><rect width='4' height='3' fill='%23dd2222'/></svg>";

async function openViewer(page: Page, attributes: Record<string, string>): Promise<void> {
  await page.goto(`/e2e/pages/viewer.html?${new URLSearchParams(attributes)}`);
  await page.waitForFunction(() => (window as unknown as { viewer?: unknown }).viewer !== undefined);
}

const waitForEvent = (page: Page, type: string) =>
  page.waitForFunction(
    (t) => (window as unknown as { events: RecordedEvent[] }).events.some((e) => e.type === t),
    type,
    { timeout: 45_000 },
  );

/** Share of the element's pixels close to the colour `rgb`. */
async function shareOf(page: Page, rgb: [number, number, number]): Promise<number> {
  const image = PNG.sync.read(await page.locator('gs-scene').screenshot());
  let n = 0;
  for (let i = 0; i < image.data.length; i += 4)
    if (rgb.every((c, k) => Math.abs(image.data[i + k] - c) < 24)) n++;
  return n / (image.width * image.height);
}

const posterCount = (page: Page) => page.locator('gs-scene').locator('.poster').count();

test('the poster attribute covers the element until the first frame, then goes', async ({ page }, info) => {
  // The stream stops after 10 bytes (no timeout): the poster must stay.
  await openViewer(page, {
    src: '/hostile/stall?after=10',
    'stall-timeout': '0',
    poster: RED_POSTER,
    background: '#000000',
  });
  await page.waitForFunction(() =>
    (window as unknown as { events: RecordedEvent[] }).events.some((e) => e.type === 'progress'),
  );
  await page.waitForTimeout(500);
  const before = await page.locator('gs-scene').screenshot();
  await info.attach('poster-before-first-frame.png', { body: before, contentType: 'image/png' });
  expect(await shareOf(page, [0xdd, 0x22, 0x22])).toBeGreaterThan(0.95);

  await page.evaluate(() =>
    document.querySelector('gs-scene')!.setAttribute('src', '/e2e/fixtures/small.gsz'),
  );
  await waitForEvent(page, 'first-frame');
  await expect.poll(() => posterCount(page)).toBe(0);
  await waitForEvent(page, 'load');
  expect(await shareOf(page, [0xdd, 0x22, 0x22])).toBeLessThan(0.01);
  expect(await shareOf(page, [0, 0, 0])).toBeGreaterThan(0.1); // the background around the scene
});

test('slot="poster" content wins over the attribute; reveal="100%" keeps it until every splat is drawn', async ({
  page,
}) => {
  await page.goto('/e2e/pages/viewer.html');
  await page.evaluate((poster) => {
    const el = document.createElement('gs-scene');
    const events: RecordedEvent[] = [];
    (window as unknown as { events: RecordedEvent[] }).events = events;
    for (const type of ['progress', 'first-frame', 'load', 'error'])
      el.addEventListener(type, (e) =>
        events.push({ type, detail: JSON.parse(JSON.stringify((e as CustomEvent).detail)) }),
      );
    const slotted = document.createElement('div');
    slotted.slot = 'poster';
    slotted.style.background = '#2222dd';
    el.append(slotted);
    el.setAttribute('poster', poster);
    el.setAttribute('reveal', '100%');
    el.setAttribute('background', '#000000');
    el.setAttribute('stall-timeout', '0');
    el.setAttribute('src', '/hostile/stall?after=chunk0');
    document.querySelector('gs-scene')?.remove();
    document.body.append(el);
  }, RED_POSTER);
  // Chunk 0 (1000 of 6000 Gaussians) is in and drawn, the stream stalls: the blue poster still shows.
  await page.waitForFunction(
    () => (document.querySelector('gs-scene') as unknown as { splatCount: number }).splatCount === 1000,
    null,
    { timeout: 45_000 },
  );
  await page.waitForTimeout(1000);
  expect(await posterCount(page)).toBe(1);
  expect(await shareOf(page, [0x22, 0x22, 0xdd])).toBeGreaterThan(0.95);
  const types = () =>
    page.evaluate(() => (window as unknown as { events: RecordedEvent[] }).events.map((e) => e.type));
  expect(await types()).not.toContain('first-frame');
  // The whole file, throttled: the scene shows once all 6000 are drawn, not at the first chunk.
  await page.evaluate(() => {
    (window as unknown as { events: RecordedEvent[] }).events.length = 0;
    document.querySelector('gs-scene')!.setAttribute('src', '/e2e/fixtures/small.gsz?throttle=30000');
  });
  await waitForEvent(page, 'first-frame');
  const list = await page.evaluate(() => (window as unknown as { events: RecordedEvent[] }).events);
  const first = list.find((e) => e.type === 'first-frame')!.detail as { splatsDrawn: number };
  expect(first.splatsDrawn).toBe(6000);
  await expect.poll(() => posterCount(page)).toBe(0);
});

test('element events do not bubble (like <img>), camera-change does; fallback content fills the element', async ({
  page,
}) => {
  await page.goto('/e2e/pages/viewer.html');
  await page.evaluate(() => {
    const outside: string[] = [];
    (window as unknown as { outside: string[] }).outside = outside;
    for (const type of ['progress', 'first-frame', 'load', 'error', 'camera-change'])
      document.addEventListener(type, () => outside.push(type));
    const windowErrors: string[] = [];
    (window as unknown as { windowErrors: string[] }).windowErrors = windowErrors;
    window.onerror = (message) => {
      windowErrors.push(String(message));
    };
  });
  await openViewerInPlace(page, '/e2e/fixtures/small.gsz');
  await waitForEvent(page, 'load');
  const outside = () => page.evaluate(() => (window as unknown as { outside: string[] }).outside);
  expect(await outside()).toContain('camera-change');
  expect((await outside()).filter((t) => t !== 'camera-change')).toEqual([]);

  // A failing load with fallback content: the content fills the element; nothing reaches the page.
  await page.evaluate(() => {
    const el = document.querySelector('gs-scene')!;
    const fallback = document.createElement('p');
    fallback.id = 'fallback';
    fallback.textContent = 'A picture of the scene would go here';
    fallback.style.margin = '0';
    el.append(fallback);
    el.setAttribute('src', '/hostile/status?code=404');
  });
  await waitForEvent(page, 'error');
  const box = (await page.locator('gs-scene').boundingBox())!;
  const fallbackBox = (await page.locator('#fallback').boundingBox())!;
  expect([fallbackBox.width, fallbackBox.height]).toEqual([box.width, box.height]);
  await expect(page.locator('gs-scene').locator('[role=alert]')).toContainText('HTTP 404');
  expect((await outside()).filter((t) => t !== 'camera-change')).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { windowErrors: string[] }).windowErrors)).toEqual(
    [],
  );
});

/** Points the viewer page's element (made by viewer.html) at `src`. */
async function openViewerInPlace(page: Page, src: string): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { viewer?: unknown }).viewer !== undefined);
  await page.evaluate((url) => document.querySelector('gs-scene')!.setAttribute('src', url), src);
}
