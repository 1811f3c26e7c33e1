// <gs-scene> under phone-class GPU limits (the device requested with WebGPU's defaults: 256 MiB buffers,
// 128 MiB bindings) on a synthetic scene larger than they hold (6M Gaussians, generated at test time by
// make-limits-fixture.ts): the element keeps the file's most important prefix, draws it, reports how many
// it kept and why (`budget` event and property), and never fails silently. Prints GPU bytes per splat.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, type Page, test } from '@playwright/test';
import { PNG } from 'pngjs';

/** make-limits-fixture.ts's LIMITS_FIXTURE_COUNT (not imported: it pulls in the encoder). */
const COUNT = 6_000_000;
const SRC = `/e2e/fixtures/limits-${COUNT}.gsz`;
const MiB = 1024 * 1024;

interface Budget {
  splatsTotal: number;
  splatsKept: number;
  reason?: string;
  message: string;
  bytesPerSplat: number;
}
type RecordedEvent = { type: string; detail: Record<string, unknown> | null };

test.beforeAll(() => {
  // Tens of seconds the first time (encoding 4.5M Gaussians); skipped when the file exists.
  execFileSync(process.execPath, ['--import', './scripts/register.mjs', 'e2e/make-limits-fixture.ts'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: 'inherit',
    timeout: 300_000,
  });
});

/** Opens the capped-limits page and waits for `load` or `error`; returns the events and the viewer's state. */
async function load(page: Page, attributes: Record<string, string>) {
  const problems: string[] = [];
  // GPU errors (gs-scene [gpu-error] warnings), page errors and failed requests other than the favicon.
  page.on('console', (m) => {
    if ((m.type() === 'error' || m.type() === 'warning') && m.text().includes('gs-scene'))
      problems.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(
    `/e2e/pages/limits.html?${new URLSearchParams({ src: SRC, background: '#000000', ...attributes })}`,
  );
  await page.waitForFunction(
    () =>
      (window as unknown as { events: RecordedEvent[] }).events.some(
        (e) => e.type === 'load' || e.type === 'error',
      ),
    undefined,
    { timeout: 420_000, polling: 500 },
  );
  const state = await page.evaluate(() => {
    const w = window as unknown as {
      events: RecordedEvent[];
      viewer: { splatCount: number; budget: unknown; gpuBytesPerSplat: number };
    };
    return {
      events: w.events,
      splatCount: w.viewer.splatCount,
      budget: w.viewer.budget as Budget,
      gpuBytesPerSplat: w.viewer.gpuBytesPerSplat,
    };
  });
  return { ...state, problems };
}

/** Share of the element's pixels brighter than the black background. */
async function foregroundShare(page: Page): Promise<number> {
  const image = PNG.sync.read(await page.locator('gs-scene').screenshot());
  let foreground = 0;
  for (let i = 0; i < image.width * image.height; i++)
    if (Math.max(image.data[i * 4]!, image.data[i * 4 + 1]!, image.data[i * 4 + 2]!) > 24) foreground++;
  return foreground / (image.width * image.height);
}

test.describe.configure({ timeout: 600_000 });

test('default budget on phone-class limits: a reported prefix is drawn, no error', async ({ page }) => {
  const { events, splatCount, budget, gpuBytesPerSplat, problems } = await load(page, {});
  const types = events.map((e) => e.type);
  expect(types).not.toContain('error');
  expect(types).toEqual(expect.arrayContaining(['budget', 'first-frame', 'load']));
  const reported = events.find((e) => e.type === 'budget')!.detail as unknown as Budget;
  // SH degree 0: 28 bytes per splat; 64 MiB of GPU memory by default on phone-class devices.
  expect(reported).toEqual(budget);
  expect(budget).toMatchObject({ splatsTotal: COUNT, reason: 'memory-budget', bytesPerSplat: 28 });
  expect(budget.splatsKept).toBe(Math.floor((64 * MiB) / 28));
  expect(splatCount).toBe(budget.splatsKept);
  expect(events.find((e) => e.type === 'load')!.detail).toEqual({ splatCount: budget.splatsKept });
  expect(await foregroundShare(page)).toBeGreaterThan(0.05);
  expect(problems).toEqual([]);
  console.log(
    `phone-class limits, default budget: kept ${budget.splatsKept} of ${budget.splatsTotal} (${budget.reason}); ` +
      `GPU bytes per splat: ${budget.bytesPerSplat} by layout, ${gpuBytesPerSplat.toFixed(1)} measured from the buffers`,
  );
});

test('max-splats above what the limits hold: the device limit caps the prefix, no error', async ({
  page,
}) => {
  const { events, splatCount, budget, gpuBytesPerSplat, problems } = await load(page, {
    'max-splats': '100000000',
  });
  expect(events.map((e) => e.type)).not.toContain('error');
  // The 24-byte splat records are the largest per-splat array at degree 0: 128 MiB / 24.
  expect(budget).toMatchObject({
    splatsTotal: COUNT,
    splatsKept: Math.floor((128 * MiB) / 24),
    reason: 'device-limit',
  });
  expect(budget.message).toContain('maxStorageBufferBindingSize 128 MiB');
  expect(splatCount).toBe(budget.splatsKept);
  expect(await foregroundShare(page)).toBeGreaterThan(0.05);
  expect(problems).toEqual([]);
  console.log(
    `phone-class limits, max-splats 1e8: kept ${budget.splatsKept} of ${budget.splatsTotal} (${budget.reason}); ` +
      `${gpuBytesPerSplat.toFixed(1)} GPU bytes per splat measured`,
  );
});

test('sh-degree caps the GPU memory; raising it reloads the scene with its SH', async ({ page }) => {
  await page.goto('/e2e/pages/limits.html?cap=none&src=/e2e/fixtures/sh3.gsz&sh-degree=0');
  const loads = () =>
    page.evaluate(
      () => (window as unknown as { events: RecordedEvent[] }).events.filter((e) => e.type === 'load').length,
    );
  await expect.poll(loads, { timeout: 60_000 }).toBe(1);
  const bytes = () =>
    page.evaluate(
      () => (window as unknown as { viewer: { gpuBytesPerSplat: number } }).viewer.gpuBytesPerSplat,
    );
  // An SH-degree-3 file drawn at degree 0 holds no SH rest on the GPU.
  expect(await bytes()).toBeCloseTo(28, 1);
  await page.evaluate(() => document.querySelector('gs-scene')!.setAttribute('sh-degree', '3'));
  await expect.poll(loads, { timeout: 60_000 }).toBe(2);
  expect(await bytes()).toBeCloseTo(64, 1);
  const types = await page.evaluate(() =>
    (window as unknown as { events: RecordedEvent[] }).events.map((e) => e.type),
  );
  expect(types).not.toContain('error');
});

test('a scene given to setScene() is reloaded with its SH when sh-degree rises', async ({ page }) => {
  await page.goto('/e2e/pages/limits.html?cap=none&sh-degree=0');
  await page.evaluate(async () => {
    const n = 1000;
    const rest = 45;
    const scene = {
      count: n,
      shDegree: 3,
      antialiased: false,
      positions: Float32Array.from({ length: n * 3 }, (_, i) => Math.sin(i * 12.9898) * 0.5),
      logScales: new Float32Array(n * 3).fill(-3),
      rotations: Float32Array.from({ length: n * 4 }, (_, i) => (i % 4 === 0 ? 1 : 0)),
      opacityLogits: new Float32Array(n).fill(2),
      shDC: new Float32Array(n * 3).fill(0.5),
      shRest: new Float32Array(n * rest).fill(0.1),
    };
    await (window as unknown as { viewer: { setScene(s: unknown): Promise<void> } }).viewer.setScene(scene);
  });
  const state = () =>
    page.evaluate(() => {
      const w = window as unknown as {
        events: RecordedEvent[];
        viewer: { splatCount: number; gpuBytesPerSplat: number };
      };
      return {
        loads: w.events.filter((e) => e.type === 'load').length,
        splats: w.viewer.splatCount,
        bytes: Math.round(w.viewer.gpuBytesPerSplat),
      };
    });
  await expect.poll(state, { timeout: 60_000 }).toEqual({ loads: 1, splats: 1000, bytes: 28 });
  await page.evaluate(() => document.querySelector('gs-scene')!.setAttribute('sh-degree', '3'));
  await expect.poll(state, { timeout: 60_000 }).toEqual({ loads: 2, splats: 1000, bytes: 64 });
});
