// Chromium flags of the e2e tests, bench:view and test-package for Debian's /usr/bin/chromium on
// SwiftShader (see docs/toolchain.md), in one place.
//
// Chromium keeps only the last --enable-features / --disable-features switch, so these lists replace
// Playwright's defaults: the disable list repeats Playwright's (1.65) and adds the omnibox popups. This
// headless Chromium starts omnibox-popup WebUI renderers (chrome://omnibox-popup.top-chrome/, its AIM
// variant since Chromium 156) for every page; they took ~1.3 s of CPU per page here (browser CPU over
// opening two pages: 7.2 s with them, 4.6 s without, /proc), competing with the page being measured on
// a small machine.
import { existsSync } from 'node:fs';

const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
];

export const SWIFTSHADER_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, 'WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'].join(',')}`,
];

/**
 * Browser for the e2e tests, the package test and benchmarks: Debian's /usr/bin/chromium with the
 * SwiftShader flags above when it exists (machines without a GPU), else Playwright's own Chromium with
 * the GPU. Override with GS_E2E_CHROMIUM=/path/to/chrome and GS_E2E_CHROMIUM_ARGS="--flag --flag".
 */
export function chromiumLaunchOptions(): { executablePath: string | undefined; args: string[] } {
  const debianChromium = '/usr/bin/chromium';
  const executablePath =
    process.env.GS_E2E_CHROMIUM ?? (existsSync(debianChromium) ? debianChromium : undefined);
  const args =
    process.env.GS_E2E_CHROMIUM_ARGS?.split(/\s+/).filter(Boolean) ??
    (executablePath === debianChromium ? SWIFTSHADER_CHROMIUM_ARGS : ['--enable-unsafe-webgpu']);
  return { executablePath, args };
}
