// The boundary checker flags browser code that imports Node-side code, and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFile, checkTree, importSpecifiers } from './check-boundaries.ts';

test('finds static, re-export, side-effect and dynamic imports, not prose', () => {
  const source = [
    "import { a } from './a.ts';",
    "import type { B } from '../b.ts';",
    "export * from './c.ts';",
    "import './d.ts';",
    "const e = await import('./e.ts');",
    "// import { x } from 'node:fs';",
    "/* import y from 'fs'; */",
  ].join('\n');
  assert.deepEqual(importSpecifiers(source), ['./a.ts', '../b.ts', './c.ts', './d.ts', './e.ts']);
});

test('browser code importing compressor/ or Node modules is reported', () => {
  const root = '/repo';
  const renderer = 'component/src/render/splat-renderer.ts';
  assert.equal(
    checkFile(root, renderer, "import { packCamera } from '../../../compressor/render/camera-uniform.ts';")
      .length,
    1,
  );
  assert.equal(
    checkFile(root, 'component/src/x.ts', "import { readFile } from 'node:fs/promises';").length,
    1,
  );
  assert.equal(checkFile(root, 'shared/format/x.ts', "import { join } from 'path';").length, 1);
  assert.equal(
    checkFile(root, 'shared/format/x.ts', "import { GsScene } from '../../component/src/gs-scene.ts';")
      .length,
    1,
  );
  assert.equal(
    checkFile(root, 'shared/format/x.ts', "import { f } from '../../compressor/pack/f.ts';").length,
    1,
  );
});

test('allowed imports and test files pass', () => {
  const root = '/repo';
  assert.deepEqual(
    checkFile(root, 'component/src/x.ts', "import { camera } from '../../shared/math/camera.ts';"),
    [],
  );
  assert.deepEqual(checkFile(root, 'component/src/x.ts', "import { html } from 'lit';"), []);
  assert.deepEqual(
    checkFile(root, 'shared/format/x.test.ts', "import { f } from '../../compressor/pack/f.ts';"),
    [],
  );
  assert.deepEqual(checkFile(root, 'compressor/pack/x.ts', "import { readFile } from 'node:fs';"), []);
});

test('the repository has no violations', () => {
  assert.deepEqual(checkTree(new URL('..', import.meta.url).pathname), []);
});
