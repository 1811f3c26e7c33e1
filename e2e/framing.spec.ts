// Default framing of <gs-scene> (shared/math/framing.ts): a statue-like tall scene and a biker-like wide
// one, each with far floaters, are shown whole, upright and large at 4:3, 16:9 and 1:2. "Whole" means
// the border rows and columns of the screenshot are background; "large" means the figure spans most of
// the frame along its tight axis; "upright" means the statue's blue head is above its body.
import { expect, test, type Page } from '@playwright/test';
import { PNG } from 'pngjs';

const SIZES = [
  { name: '4:3', width: 400, height: 300 },
  { name: '16:9', width: 480, height: 270 },
  { name: '1:2', width: 200, height: 400 },
];

interface Mask {
  width: number;
  height: number;
  /** Foreground extent in pixels. */
  box: { x0: number; x1: number; y0: number; y1: number };
  /** Foreground pixels on the outermost rows / columns. */
  border: number;
  /** Mean row of bluish pixels (the statue's head) and of the others. */
  blueRow: number;
  otherRow: number;
}

async function open(
  page: Page,
  attributes: Record<string, string>,
  width: number,
  height: number,
): Promise<PNG> {
  const style = `width: ${width}px; height: ${height}px`;
  await page.setViewportSize({ width: width + 20, height: height + 20 });
  await page.goto(
    `/e2e/pages/viewer.html?${new URLSearchParams({ style, 'pixel-ratio': '1', ...attributes })}`,
  );
  await page.waitForFunction(
    () => (window as unknown as { events: { type: string }[] }).events.some((e) => e.type === 'load'),
    undefined,
    { timeout: 45_000 },
  );
  return PNG.sync.read(await page.locator('gs-scene').screenshot());
}

async function shoot(page: Page, src: string, width: number, height: number): Promise<Mask> {
  const png = await open(page, { src, background: '#000000' }, width, height);
  const box = { x0: png.width, x1: -1, y0: png.height, y1: -1 };
  let border = 0;
  let blue = [0, 0];
  let other = [0, 0];
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
      if (Math.max(r, g, b) <= 40) continue;
      box.x0 = Math.min(box.x0, x);
      box.x1 = Math.max(box.x1, x);
      box.y0 = Math.min(box.y0, y);
      box.y1 = Math.max(box.y1, y);
      if (x === 0 || y === 0 || x === png.width - 1 || y === png.height - 1) border++;
      if (b > r + 40) blue = [blue[0] + y, blue[1] + 1];
      else other = [other[0] + y, other[1] + 1];
    }
  }
  return {
    width: png.width,
    height: png.height,
    box,
    border,
    blueRow: blue[0] / Math.max(1, blue[1]),
    otherRow: other[0] / Math.max(1, other[1]),
  };
}

for (const fixture of ['tall', 'wide']) {
  for (const size of SIZES) {
    test(`framing: the ${fixture} fixture is whole and large at ${size.name}`, async ({ page }) => {
      const m = await shoot(page, `/e2e/fixtures/${fixture}.gsz`, size.width, size.height);
      await page.locator('gs-scene').screenshot({ path: test.info().outputPath(`${fixture}.png`) });
      expect(m.width).toBe(size.width);
      expect(m.border, 'no figure pixels on the frame edge').toBe(0);
      const spanX = (m.box.x1 - m.box.x0 + 1) / m.width;
      const spanY = (m.box.y1 - m.box.y0 + 1) / m.height;
      expect(Math.max(spanX, spanY), `span ${spanX.toFixed(2)} x ${spanY.toFixed(2)}`).toBeGreaterThan(0.6);
      if (fixture === 'tall') expect(m.blueRow, 'the head is at the top').toBeLessThan(m.otherRow);
    });
  }
}

test('background: the recorded background of the file shows unless the attribute overrides it', async ({
  page,
}) => {
  const corner = (png: PNG) => [0, 1, 2].map((c) => png.data[c]);
  const recorded = await open(page, { src: '/e2e/fixtures/tall-on-white.gsz' }, 160, 120);
  expect(corner(recorded)).toEqual([255, 230, 204]);
  const black = await open(page, { src: '/e2e/fixtures/tall-on-white.gsz', background: '#000000' }, 160, 120);
  expect(corner(black)).toEqual([0, 0, 0]);
});
