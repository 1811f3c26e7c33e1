// The demo page (demo/index.html) in headless Chromium: it shows a scene given by ?src=, opens another one
// from the file picker and from a drag and drop, keeps its live stats (status, splats, bytes, frame
// rate) up to date, and offers an embed snippet to copy. Uses the e2e fixtures, not demo/generated
// (which only `npm run demo` makes).
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

async function foregroundFraction(page: Page): Promise<number> {
  // The demo's background is white (#ffffff), unless the colour input changes it.
  const image = PNG.sync.read(await page.locator('#viewer').screenshot());
  let n = 0;
  for (let i = 0; i < image.width * image.height; i++) {
    if (Math.max(...[0, 1, 2].map((c) => 255 - image.data[i * 4 + c])) > 24) n++;
  }
  return n / (image.width * image.height);
}

/**
 * How the demo scene sits in the page: the share of warm object pixels among the foreground (pixels off
 * the white background), and the mean row of the ground disc's blue checker pixels against theirs.
 */
async function uprightness(
  page: Page,
): Promise<{ groundRow: number; objectRow: number; objectShare: number }> {
  const image = PNG.sync.read(await page.locator('#viewer').screenshot());
  let ground = [0, 0];
  let objects = [0, 0];
  let foreground = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const i = (y * image.width + x) * 4;
      const [r, g, b] = [image.data[i], image.data[i + 1], image.data[i + 2]];
      if (Math.max(255 - r, 255 - g, 255 - b) <= 24) continue;
      foreground++;
      if (b > r + 40 && b > g + 10) ground = [ground[0] + y, ground[1] + 1];
      if (r > b + 60) objects = [objects[0] + y, objects[1] + 1];
    }
  }
  return {
    groundRow: ground[0] / Math.max(1, ground[1]),
    objectRow: objects[0] / Math.max(1, objects[1]),
    objectShare: objects[1] / Math.max(1, foreground),
  };
}

test('the demo page loads a ?src= scene, renders it, shows live stats, and opens files by picker and by drop', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.text().includes('[gpu-error]')) errors.push(m.text());
  });
  await page.setViewportSize({ width: 900, height: 600 });
  // Auto-rotate off: the still view keeps SwiftShader's frame loop idle (the checkbox is the page's own).
  await page.goto('/demo/index.html?src=/e2e/fixtures/small.gsz');
  await page.locator('#auto-rotate').uncheck();
  await expect(page.locator('#stat-status')).toHaveText('loaded', { timeout: 45_000 });
  await expect(page.locator('#stat-splats')).toHaveText('6,000');
  await expect(page.locator('#stat-bytes')).toHaveText(/KiB/);
  await expect(page.locator('#stat-first')).toHaveText(/\d+(\.\d+)? m?s/);
  await expect(page.locator('#stat-load')).toHaveText(/\d+(\.\d+)? m?s/);
  await expect(page.locator('#stat-fps')).toHaveText(/\d+ fps/);
  await expect(page.locator('#source-name')).toHaveText('/e2e/fixtures/small.gsz');
  expect(await foregroundFraction(page)).toBeGreaterThan(0.02);
  await expect(page.locator('#message')).toBeHidden();
  // Upright (the file's up is +Z): seen from 20 degrees above, the warm objects stand on the ground
  // disc; the same file read as -Y up shows the disc face-on from below, hiding the objects.
  const pose = await uprightness(page);
  // Measured: upright 11.5% of the foreground is object pixels, the -Y-up reading 0.9%.
  expect(pose.objectShare, JSON.stringify(pose)).toBeGreaterThan(0.04);
  expect(pose.objectRow, JSON.stringify(pose)).toBeLessThan(pose.groundRow);

  // Embed snippet: the bundle's script tag and the scene's absolute URL; Copy puts it on the clipboard.
  const snippet = await page.locator('#snippet').textContent();
  expect(snippet).toContain('<script type="module" src="http://127.0.0.1:');
  expect(snippet).toContain('/component/dist/gs-scene.bundle.js"></script>');
  expect(snippet).toMatch(/<gs-scene src="http:\/\/127\.0\.0\.1:\d+\/e2e\/fixtures\/small\.gsz"/);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.locator('#copy').click();
  await expect(page.locator('#copy')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(snippet);

  // File picker: another scene (3000 splats, SH degree 1).
  await page.locator('#file').setInputFiles(`${fixtures}sh1.gsz`);
  await expect(page.locator('#source-name')).toHaveText('sh1.gsz');
  await expect(page.locator('#stat-status')).toHaveText('loaded', { timeout: 45_000 });
  await expect(page.locator('#stat-splats')).toHaveText('3,000');

  // Drag and drop of a file anywhere on the page: the overlay shows while dragging, the file opens on drop.
  const bytes = Array.from(readFileSync(`${fixtures}small.gsz`));
  await page.evaluate((data) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(data)], 'dropped.gsz'));
    document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true }));
    (window as unknown as { dropTransfer: DataTransfer }).dropTransfer = transfer;
  }, bytes);
  await expect(page.locator('#drop')).toBeVisible();
  await page.evaluate(() => {
    const transfer = (window as unknown as { dropTransfer: DataTransfer }).dropTransfer;
    document.body.dispatchEvent(
      new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
    );
  });
  await expect(page.locator('#drop')).toBeHidden();
  await expect(page.locator('#source-name')).toHaveText('dropped.gsz');
  await expect(page.locator('#stat-status')).toHaveText('loaded', { timeout: 45_000 });
  await expect(page.locator('#stat-splats')).toHaveText('6,000');

  // A file that is not a .gsz is refused with a message; the current scene stays.
  await page
    .locator('#file')
    .setInputFiles({ name: 'scene.ply', mimeType: 'application/octet-stream', buffer: Buffer.from('ply\n') });
  await expect(page.locator('#message')).toContainText('is not a .gsz file');
  await expect(page.locator('#source-name')).toHaveText('dropped.gsz');
  expect(errors).toEqual([]);
});

test('the demo page explains a missing scene and stays usable', async ({ page }) => {
  await page.goto('/demo/index.html?src=/e2e/fixtures/missing.gsz');
  await expect(page.locator('#stat-status')).toHaveText('not-found', { timeout: 45_000 });
  await expect(page.locator('#message')).toBeVisible();
  await expect(page.locator('#message')).toContainText('missing.gsz');
  // Still usable: a good URL from the URL box loads.
  const good = new URL('/e2e/fixtures/sh1.gsz', page.url()).href; // the box is type=url: absolute only
  await page.locator('#url').fill(good);
  await page.locator('#url-form button[type=submit]').click();
  await expect(page.locator('#stat-status')).toHaveText('loaded', { timeout: 45_000 });
  await expect(page.locator('#message')).toBeHidden();
  expect(new URL(page.url()).searchParams.get('src')).toBe(good);
});
