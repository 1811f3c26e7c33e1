// The shared GPU radix sort (shared/gpu/radix-sort.ts), which <gs-scene> uses for its depth sort, must be
// correct in the browser's WebGPU too (here Chromium on SwiftShader), not only under Dawn in Node:
// shader compilers differ (e.g. in how a `var` declared inside a loop is re-initialised).
import { expect, test } from '@playwright/test';
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const available = existsSync(`${root}shared/gpu/radix-sort.ts`);

test.beforeAll(async () => {
  if (!available) return;
  await build({
    entryPoints: [`${root}e2e/pages/radix-sort-entry.js`],
    bundle: true,
    format: 'esm',
    loader: { '.wgsl': 'text' },
    outfile: `${root}e2e/fixtures/radix-sort-entry.js`,
    logLevel: 'warning',
  });
});

const cases = [
  { n: 100, capacity: 100, keyBits: 4, gpuCount: false, seed: 1 },
  { n: 1025, capacity: 1025, keyBits: 8, gpuCount: false, seed: 2 },
  { n: 6000, capacity: 8000, keyBits: 24, gpuCount: true, seed: 3 },
  { n: 5000, capacity: 6000, keyBits: 32, gpuCount: true, seed: 4 },
];

test('shared radix sort is a stable sort in the browser', async ({ page }) => {
  test.skip(!available, 'shared/gpu/radix-sort.ts is not in this checkout');
  test.setTimeout(120_000);
  await page.goto('/e2e/pages/radix-sort.html');
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  for (const c of cases) {
    const result = await page.evaluate(
      (arg) => (window as unknown as { checkSort(a: unknown): Promise<unknown> }).checkSort(arg),
      c,
    );
    expect(result, JSON.stringify(c)).toEqual({ error: null, permutation: true, unsorted: 0, tail: true });
  }
});
