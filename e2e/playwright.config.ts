// Playwright config of the <gs-scene> end-to-end tests (`npm run test:e2e`, after `npm run build`).
// Browser: Debian's /usr/bin/chromium with SwiftShader WebGPU flags when it exists (machines without a
// GPU, see docs/toolchain.md); otherwise Playwright's own Chromium with the GPU. Override with
// GS_E2E_CHROMIUM=/path/to/chrome and GS_E2E_CHROMIUM_ARGS="--flag --flag".
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '../scripts/chromium-args.ts';

const PORT = Number(process.env.GS_E2E_PORT ?? 4178);

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: './test-results',
  // SwiftShader shares 2 cores with everything else: one worker, generous per-test time.
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  globalSetup: './global-setup.ts',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 480, height: 360 },
    launchOptions: chromiumLaunchOptions(),
  },
  webServer: {
    command: `node --import ./scripts/register.mjs e2e/server.ts --port ${PORT}`,
    cwd: '..',
    url: `http://127.0.0.1:${PORT}/e2e/pages/viewer.html`,
    reuseExistingServer: true,
    timeout: 30_000,
  },
});
