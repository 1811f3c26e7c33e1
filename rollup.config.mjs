// Browser build of the `gs-scene` package (`npm run build:scene` -> component/dist/ and component/types/):
// - gs-scene.js         ESM library build, `lit` left external (a dependency of the package, deduplicated
//                       by the user's bundler);
// - gs-scene.bundle.js  self-contained, minified ESM for a CDN `<script type="module">`;
// - react.js            empty: `gs-scene/react` carries only the React JSX typings;
// - types/*.d.ts        the declarations, bundled into one file per entry (rollup-plugin-dts).
// `.wgsl` files import as strings (comments and indentation stripped); the decode Worker is bundled
// separately into one IIFE string and inlined (`*?worker-source` imports), started from a Blob URL, so
// the element works from any origin without a second file. Gzipped sizes are printed after the build.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';
import esbuild from 'rollup-plugin-esbuild';
import { gzipSync } from 'node:zlib';
import { dirname, resolve } from 'node:path';

const entry = 'component/src/index.ts';
const outDir = 'component/dist';
const tsconfig = 'component/tsconfig.json';
const esbuildOptions = { target: 'es2022', tsconfig, minifySyntax: true };

/** `.wgsl` -> `export default "<source>"`, with comments and blank lines dropped. */
function wgsl() {
  return {
    name: 'wgsl',
    transform(code, id) {
      if (!id.endsWith('.wgsl')) return null;
      const slim = code
        .split('\n')
        .map((line) => line.replace(/\/\/.*$/, '').trim())
        .filter((line) => line.length > 0)
        .join('\n');
      return { code: `export default ${JSON.stringify(slim)};`, map: { mappings: '' } };
    },
  };
}

/** `import source from './x.ts?worker-source'` -> the minified IIFE bundle of x.ts as a string. */
function workerSource() {
  const suffix = '?worker-source';
  return {
    name: 'worker-source',
    resolveId(id, importer) {
      if (!id.endsWith(suffix)) return null;
      const file = resolve(importer ? dirname(importer) : '.', id.slice(0, -suffix.length));
      return `\0worker:${file}`;
    },
    async load(id) {
      if (!id.startsWith('\0worker:')) return null;
      const file = id.slice('\0worker:'.length);
      const bundle = await rollup({
        input: file,
        plugins: [wgsl(), nodeResolve({ browser: true }), esbuild(esbuildOptions)],
      });
      const { output } = await bundle.generate({ format: 'iife', plugins: [terser({ module: false })] });
      await bundle.close();
      const code = output[0].code;
      console.log(
        `  (inlined worker ${file.split('/').pop()}: ${kib(code.length)} KiB, ${kib(gzipSync(code, { level: 9 }).length)} KiB gzipped)`,
      );
      for (const f of bundle.watchFiles ?? []) this.addWatchFile(f);
      return `export default ${JSON.stringify(code)};`;
    },
  };
}

const kib = (bytes) => (bytes / 1024).toFixed(1);

function reportSizes() {
  return {
    name: 'report-sizes',
    generateBundle(_, bundle) {
      for (const [name, chunk] of Object.entries(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const raw = Buffer.byteLength(chunk.code);
        const gz = gzipSync(chunk.code, { level: 9 }).length;
        console.log(`${outDir}/${name}: ${kib(raw)} KiB, ${kib(gz)} KiB gzipped`);
      }
    },
  };
}

const plugins = [workerSource(), wgsl(), nodeResolve({ browser: true }), esbuild(esbuildOptions)];
const isLit = (id) => id === 'lit' || id.startsWith('lit/') || id.startsWith('@lit/');

export default [
  {
    input: entry,
    external: isLit,
    plugins,
    output: { file: `${outDir}/gs-scene.js`, format: 'es', sourcemap: true, plugins: [reportSizes()] },
  },
  {
    input: entry,
    plugins,
    output: {
      file: `${outDir}/gs-scene.bundle.js`,
      format: 'es',
      plugins: [terser({ module: true, ecma: 2020, compress: { passes: 2 } }), reportSizes()],
    },
  },
  { input: 'component/src/react.ts', plugins, output: { file: `${outDir}/react.js`, format: 'es' } },
  {
    input: entry,
    external: isLit,
    plugins: [dts({ tsconfig })],
    output: { file: 'component/types/gs-scene.d.ts', format: 'es' },
  },
  {
    // The React typings import the element's types from the declaration file above.
    input: 'component/src/react.ts',
    external: (id) => id === 'react' || id.endsWith('/src/index.ts'),
    plugins: [dts({ tsconfig })],
    output: {
      file: 'component/types/react.d.ts',
      format: 'es',
      paths: (id) => (id === 'react' ? id : './gs-scene.js'),
    },
  },
];
