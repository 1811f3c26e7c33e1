#!/usr/bin/env node
// Build of the `gs-compress` package (`npm run build:compress` -> compressor/dist/): the CLI (cli.js) and
// the Node API (index.js) compiled from TypeScript by esbuild, so nothing transpiles at run time. `.wgsl`
// imports are inlined as text. Pure-JS libraries (msgpackr, fflate, fzstd, pngjs, jpeg-js, cli-progress)
// are bundled: consumers never resolve msgpackr's optional native `msgpackr-extract`, and a start-up
// resolves a few files instead of dozens (`--help` time, bench:package). Only `webgpu` (Dawn's native
// binaries), `@jsquash/webp` (a .wasm file it locates at run time) and `@webgpu/types` (named by the
// API's declarations) stay dependencies (compressor/package.json). Commands load lazily (code splitting). The API's types are bundled into
// dist/index.d.ts by rollup-plugin-dts.
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const root = new URL('..', import.meta.url).pathname;
const dir = `${root}compressor`;
const outdir = `${dir}/dist`;
const packageJson = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
const external = Object.keys(packageJson.dependencies);

rmSync(outdir, { recursive: true, force: true });
const started = performance.now();
const result = await build({
  // The parallel .gsz decoder's worker_threads entry (compressor/io/gsz-parallel-decode.ts finds it here).
  entryPoints: {
    cli: `${dir}/cli/main.ts`,
    index: `${dir}/index.ts`,
    'gsz-decode-worker': `${dir}/io/gsz-decode-worker.ts`,
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Bundled CommonJS (pngjs, cli-progress) calls require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  // Each package and its subpaths (`@jsquash/webp/decode.js`) resolve from the user's node_modules.
  external: external.flatMap((name) => [name, `${name}/*`]),
  loader: { '.wgsl': 'text' },
  chunkNames: 'chunks/[name]-[hash]',
  // Whitespace and syntax only: identifiers stay readable in stack traces (GS_DEBUG=1).
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: false,
  legalComments: 'inline',
  metafile: true,
  logLevel: 'warning',
});
const bundle = await rollup({
  input: `${dir}/index.ts`,
  external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
  plugins: [dts({ tsconfig: `${dir}/tsconfig.json` })],
});
// Encoder options name GPUDevice: the WebGPU types come with the package (a dependency).
await bundle.write({
  file: `${outdir}/index.d.ts`,
  format: 'es',
  banner: '/// <reference types="@webgpu/types" />',
});
await bundle.close();
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.log(
  `compressor/dist: ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1024).toFixed(0)} KiB, ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s`,
);
