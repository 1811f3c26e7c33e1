// The packages as users get them (`npm run test:package`, part of `npm test`): both tarballs installed
// into a fresh folder (scripts/package-consumer.ts), then
//  - gs-compress: `npx gs-compress --version`, `demo-scene` + `pack` + `info` of a small synthetic scene,
//    the Node API from a .mjs (pack, decode, a GPU render), no TypeScript tooling and no msgpackr-extract in what a consumer resolves,
//    a clear error from an old Node;
//  - gs-scene: only the whitelisted files, no install scripts, size limits, an SSR-safe import in Node,
//    consumer .ts/.tsx files (both packages) type-checked with tsc (typed element, attributes, events, React JSX; negative
//    cases with @ts-expect-error), and two pages rendering the scene in Chromium: one bundled by esbuild
//    from `import 'gs-scene'`, one loading the self-contained bundle by a CDN-shaped URL.
// `--no-build` skips `npm run build` (npm test builds first). Exit 1 on the first failed check.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { chromiumLaunchOptions } from './chromium-args.ts';
import { installConsumer, kb, packageFigures, repoRoot } from './package-consumer.ts';
import {
  BUNDLED_HTML,
  CDN_HTML,
  COMPRESS_CONSUMER_TS,
  CONSUMER_TS,
  CONSUMER_TSCONFIG,
  CONSUMER_TSX,
  PAGE_JS,
} from './package-test-files.ts';
import { startServer } from './serve.ts';

const LIMITS = { sceneBytes: 1_000_000, bundleGzipBytes: 50_000 };
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const step = (text: string) => console.log(`[test-package ${elapsed()}] ${text}`);

step('build, pack and install both tarballs into a fresh folder');
const consumer = installConsumer({ build: !process.argv.includes('--no-build'), extra: ['@types/react@19'] });
const { dir } = consumer;
const run = (command: string, args: string[]) =>
  execFileSync(command, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const version = (name: string) =>
  (JSON.parse(readFileSync(join(repoRoot, name, 'package.json'), 'utf8')) as { version: string }).version;

try {
  step('tarball contents');
  const allowed =
    /^(package\.json|README\.md|LICENSE|custom-elements\.json|dist\/[\w.-]+\.js(\.map)?|types\/[\w.-]+\.d\.ts)$/;
  const sceneFiles = consumer.files['gs-scene'].map((f) => f.path);
  assert.deepEqual(
    sceneFiles.filter((f) => !allowed.test(f)),
    [],
    'gs-scene ships only dist, types, manifest, README, LICENSE',
  );
  for (const needed of [
    'dist/gs-scene.js',
    'dist/gs-scene.bundle.js',
    'types/gs-scene.d.ts',
    'custom-elements.json',
  ])
    assert.ok(sceneFiles.includes(needed), `gs-scene tarball has ${needed}`);
  const compressFiles = consumer.files['gs-compress'].map((f) => f.path);
  assert.deepEqual(
    compressFiles.filter(
      (f) =>
        !/^(package\.json|README\.md|LICENSE|bin\/(gs-compress|stderr-filter)\.js|dist\/.+\.(js|d\.ts))$/.test(
          f,
        ),
    ),
    [],
    'gs-compress ships only bin, dist, README, LICENSE',
  );

  step('gs-compress CLI');
  // `0.2.0` or `gs-compress 0.2.0`: the version from the installed package.json.
  assert.match(
    run('npx', ['gs-compress', '--version']).trim(),
    new RegExp(`(^| )${version('compressor').replaceAll('.', '\\.')}$`),
  );
  for (const tool of ['tsx', 'esbuild', 'typescript', 'msgpackr', 'msgpackr-extract'])
    assert.ok(!existsSync(join(dir, 'node_modules', tool)), `a consumer does not install ${tool}`);
  run('npx', [
    'gs-compress',
    'demo-scene',
    '-o',
    'data',
    '--views',
    '2',
    '--size',
    '16',
    '--spp',
    '1',
    '--points',
    '100',
    '--gaussians',
    'scene.ply',
    '--gaussian-count',
    '3000',
    '--gaussian-frame',
    'y-down',
  ]);
  run('npx', ['gs-compress', 'pack', 'scene.ply', '-o', 'scene.gsz']);
  const info = run('npx', ['gs-compress', 'info', 'scene.gsz']);
  assert.match(info, /3000 Gaussians/);
  const oldNode = spawnSync(
    process.execPath,
    [
      '--import',
      "data:text/javascript,Object.defineProperty(process.versions,'node',{value:'18.19.0'})",
      join(dir, 'node_modules/gs-compress/bin/gs-compress.js'),
      '--version',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(oldNode.status, 1);
  assert.match(oldNode.stderr, /needs Node\.js 20\.6 or newer; this is Node\.js 18\.19\.0/);

  step('gs-compress Node API');
  writeFileSync(
    join(dir, 'api.mjs'),
    `import { readFile } from 'node:fs/promises';
import { decodeGsz, GszFormatError, pack, readScene, render } from 'gs-compress';
const scene = await readScene('scene.ply');
const bytes = await pack(scene, { profile: 'compact' });
const decoded = decodeGsz(bytes);
const fromCli = decodeGsz(new Uint8Array(await readFile('scene.gsz')));
let code;
try { decodeGsz(new Uint8Array(16)); } catch (e) { code = e instanceof GszFormatError ? e.code : String(e); }
const { png } = await render(decoded, { width: 32, height: 24 });
const isPng = String.fromCharCode(...png.subarray(1, 4)) === 'PNG';
console.log(JSON.stringify({ count: scene.count, decoded: decoded.count, fromCli: fromCli.count, code, isPng, smaller: bytes.length < (await readFile('scene.gsz')).length }));
`,
  );
  const api = JSON.parse(run(process.execPath, ['api.mjs'])) as Record<string, unknown>;
  assert.deepEqual(api, {
    count: 3000,
    decoded: 3000,
    fromCli: 3000,
    code: 'bad-magic',
    isPng: true,
    smaller: true,
  });

  step('gs-scene: install scripts, sizes, SSR-safe import');
  const figures = packageFigures(consumer);
  assert.deepEqual(figures.sceneInstallScripts, [], 'gs-scene and its dependencies run no install scripts');
  assert.ok(figures.sceneBytes <= LIMITS.sceneBytes, `gs-scene installs ${kb(figures.sceneBytes)}`);
  assert.ok(
    figures.bundleGzipBytes <= LIMITS.bundleGzipBytes,
    `bundle ${kb(figures.bundleGzipBytes)} gzipped`,
  );
  const ssr = run(process.execPath, [
    '--input-type=module',
    '-e',
    "const m = await import('gs-scene'); console.log(typeof m.GsScene, typeof window, typeof document, globalThis.customElements?.get('gs-scene'));",
  ]);
  assert.equal(ssr.trim(), 'function undefined undefined undefined', 'importing in Node registers nothing');

  step('consumer types of both packages (tsc)');
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src/consumer.ts'), CONSUMER_TS);
  writeFileSync(join(dir, 'src/react-consumer.tsx'), CONSUMER_TSX);
  writeFileSync(join(dir, 'src/compress-consumer.ts'), COMPRESS_CONSUMER_TS);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
  const tsc = spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', '.'], {
    cwd: dir,
    encoding: 'utf8',
  });
  assert.equal(tsc.status, 0, `tsc on the consumer:\n${tsc.stdout}${tsc.stderr}`);

  step('gs-scene: render in Chromium (esbuild bundle of the package, and the bundle by URL)');
  const www = join(dir, 'www');
  mkdirSync(www);
  cpSync(join(dir, 'scene.gsz'), join(www, 'scene.gsz'));
  writeFileSync(join(dir, 'src/page.js'), PAGE_JS);
  await build({
    absWorkingDir: dir,
    entryPoints: ['src/page.js'],
    bundle: true,
    format: 'esm',
    outfile: 'www/page.js',
    logLevel: 'warning',
  });
  writeFileSync(join(www, 'bundled.html'), BUNDLED_HTML);
  const cdnPath = `npm/gs-scene@${version('component')}/dist`;
  mkdirSync(join(www, cdnPath), { recursive: true });
  cpSync(
    join(dir, 'node_modules/gs-scene/dist/gs-scene.bundle.js'),
    join(www, cdnPath, 'gs-scene.bundle.js'),
  );
  writeFileSync(join(www, 'cdn.html'), CDN_HTML.replace('CDN_PATH', `/${cdnPath}/gs-scene.bundle.js`));
  const server = await startServer({ root: www, port: 0 });
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    for (const pageName of ['bundled.html', 'cdn.html']) {
      const page = await browser.newPage({ viewport: { width: 400, height: 300 } });
      await page.goto(`${server.url}${pageName}`);
      await page.waitForFunction(
        () => {
          const events = (window as unknown as { events?: { type: string }[] }).events ?? [];
          return events.some((e) => e.type === 'load' || e.type === 'error');
        },
        undefined,
        { timeout: 120_000 },
      );
      const result = await page.evaluate(() => ({
        events: (window as unknown as { events: { type: string; detail: unknown }[] }).events,
        splatCount: (document.querySelector('gs-scene') as HTMLElement & { splatCount: number }).splatCount,
      }));
      const types = result.events.map((e) => e.type);
      assert.deepEqual(types, ['first-frame', 'load'], `${pageName}: ${JSON.stringify(result.events)}`);
      assert.equal(result.splatCount, 3000, pageName);
      await page.close();
      step(`${pageName}: first-frame, load, ${result.splatCount} splats`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(
    `test-package: ok in ${elapsed()}; gs-scene installs ${kb(figures.sceneBytes)} ` +
      `(${kb(figures.sceneWithDependenciesBytes)} with lit), ${figures.sceneInstallScripts.length} install scripts, ` +
      `bundle ${kb(figures.bundleGzipBytes)} gzipped; gs-compress: ${figures.compressDependencies} dependencies, ` +
      `${kb(figures.compressWithDependenciesBytes)} installed`,
  );
} finally {
  if (!process.env.GS_KEEP_PACKAGE_TEST) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
