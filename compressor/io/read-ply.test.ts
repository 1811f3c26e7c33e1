// PLY reader and writer on synthetic scenes: exact round trips for every SH degree, any property order and
// type, both byte orders, and a one-line SceneReadError for each kind of bad file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OPACITY_LOGIT_LIMIT, type GaussianScene, type ShDegree } from '../../shared/scene/gaussian-scene.ts';
import { readPly } from './read-ply.ts';
import { SceneReadError } from './scene-read-error.ts';
import { writePly, plyHeaderText } from './write-ply.ts';
import { buildPly, randomScene, random, sceneColumns, withTempDir } from './test-helpers.ts';

function assertScenesEqual(actual: GaussianScene, expected: GaussianScene): void {
  assert.equal(actual.count, expected.count);
  assert.equal(actual.shDegree, expected.shDegree);
  for (const key of ['positions', 'logScales', 'rotations', 'opacityLogits', 'shDC', 'shRest'] as const) {
    assert.deepEqual(actual[key], expected[key], key);
  }
}

async function rejectsWith(path: string, pattern: RegExp): Promise<void> {
  await assert.rejects(readPly(path), (error: unknown) => {
    assert.ok(error instanceof SceneReadError, `expected SceneReadError, got ${String(error)}`);
    assert.match(error.message, pattern);
    assert.ok(error.message.startsWith(path), 'message names the file');
    assert.ok(!error.message.includes('\n'), 'one line');
    return true;
  });
}

for (const degree of [0, 1, 2, 3] as ShDegree[]) {
  test(`write -> read round trip is exact for SH degree ${degree}`, async () => {
    // Degree 3 at 20k Gaussians is ~5 MB: more than one 4 MiB chunk on both the write and the read side.
    const scene = randomScene(degree === 3 ? 20000 : 1000 + degree, degree, 10 + degree);
    await withTempDir(async (dir) => {
      const path = join(dir, 'scene.ply');
      await writePly(path, scene);
      assertScenesEqual(await readPly(path), scene);
      // Streaming write leaves no temp file behind.
      assert.deepEqual(await readdir(dir), ['scene.ply']);
    });
  });
}

test('writer uses the INRIA property order and header', () => {
  const header = plyHeaderText(randomScene(2, 1));
  const names = header
    .split('\n')
    .filter((l) => l.startsWith('property'))
    .map((l) => l.split(' ')[2]);
  assert.deepEqual(names, [
    'x',
    'y',
    'z',
    'nx',
    'ny',
    'nz',
    'f_dc_0',
    'f_dc_1',
    'f_dc_2',
    ...Array.from({ length: 9 }, (_, i) => `f_rest_${i}`),
    'opacity',
    'scale_0',
    'scale_1',
    'scale_2',
    'rot_0',
    'rot_1',
    'rot_2',
    'rot_3',
  ]);
  assert.ok(header.startsWith('ply\nformat binary_little_endian 1.0\nelement vertex 2\n'));
});

test('writing over an existing file replaces it; a failed write leaves nothing', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'out.ply');
    await writeFile(path, 'old');
    await writePly(path, randomScene(3, 0));
    assert.equal((await readPly(path)).count, 3);
    await assert.rejects(writePly(join(dir, 'missing-dir', 'x.ply'), randomScene(3, 0)));
    assert.deepEqual(await readdir(dir), ['out.ply']);
  });
});

test('properties are matched by name in any order, with extra properties skipped', async () => {
  const scene = randomScene(300, 2, 3);
  const rand = random(7);
  for (let trial = 0; trial < 3; trial++) {
    const columns = sceneColumns(scene);
    columns.push({ name: 'nx', type: 'float32', values: new Float32Array(scene.count) });
    columns.push({ name: 'red', type: 'uint8', values: new Uint8Array(scene.count) });
    for (let i = columns.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [columns[i], columns[j]] = [columns[j], columns[i]];
    }
    await withTempDir(async (dir) => {
      const path = join(dir, 'shuffled.ply');
      await writeFile(path, buildPly(columns));
      assertScenesEqual(await readPly(path), scene);
    });
  }
});

test('double, integer and big-endian properties are read by their declared type', async () => {
  const scene = randomScene(200, 1, 4);
  const doubles = sceneColumns(scene, 'float64');
  // Integer-typed positions: exact small integers survive any type.
  const ints = Int16Array.from({ length: scene.count }, (_, i) => i - 100);
  doubles[0] = { name: 'x', type: 'int16', values: ints };
  const expected = structuredClone(scene);
  for (let i = 0; i < scene.count; i++) expected.positions[i * 3] = ints[i];
  await withTempDir(async (dir) => {
    for (const bigEndian of [false, true]) {
      const path = join(dir, `mixed-${bigEndian}.ply`);
      await writeFile(path, buildPly(doubles, { bigEndian }));
      // Values were float32 to begin with, so double -> float32 is exact.
      assertScenesEqual(await readPly(path), expected);
    }
  });
});

/** The scene as an ASCII PLY (INRIA order; String(float32) round-trips exactly through Number()). */
function asciiPly(scene: GaussianScene, extraElement = false): string {
  const columns = sceneColumns(scene);
  const rows = Array.from({ length: scene.count }, (_, i) =>
    columns.map((c) => String(c.values[i])).join(' '),
  );
  return [
    'ply',
    'format ascii 1.0',
    ...(extraElement ? ['element camera 1', 'property float f', 'property uchar g'] : []),
    `element vertex ${scene.count}`,
    ...columns.map((c) => `property float ${c.name}`),
    'end_header',
    ...(extraElement ? ['  1.5   7  '] : []),
    ...rows,
    '',
  ].join('\n');
}

test('ASCII PLY is read exactly, across chunk boundaries and after other elements', async () => {
  // 12k degree-1 rows of ~26 numbers is ~5 MB of text: more than one 4 MiB read.
  const scene = randomScene(12000, 1, 12);
  await withTempDir(async (dir) => {
    const path = join(dir, 'ascii.ply');
    await writeFile(path, asciiPly(scene, true));
    assertScenesEqual(await readPly(path), scene);
  });
});

test('opacity logits are clamped to ±OPACITY_LOGIT_LIMIT, infinities included', async () => {
  const scene = randomScene(4, 0, 5);
  const columns = sceneColumns(scene);
  const opacity = columns.find((c) => c.name === 'opacity')!;
  opacity.values = [100, -100, Infinity, -Infinity];
  await withTempDir(async (dir) => {
    const path = join(dir, 'opacity.ply');
    await writeFile(path, buildPly(columns));
    const read = await readPly(path);
    assert.deepEqual(Array.from(read.opacityLogits), [
      OPACITY_LOGIT_LIMIT,
      -OPACITY_LOGIT_LIMIT,
      OPACITY_LOGIT_LIMIT,
      -OPACITY_LOGIT_LIMIT,
    ]);
  });
});

test('bad files fail with a one-line SceneReadError naming the problem', async () => {
  const scene = randomScene(50, 1, 6);
  await withTempDir(async (dir) => {
    const write = async (name: string, bytes: Uint8Array | string) => {
      const path = join(dir, name);
      await writeFile(path, bytes);
      return path;
    };
    const good = buildPly(sceneColumns(scene));

    await rejectsWith(
      await write(
        'missing.ply',
        buildPly(sceneColumns(scene).filter((c) => c.name !== 'rot_2' && c.name !== 'opacity')),
      ),
      /lacks required properties: opacity rot_2/,
    );
    await rejectsWith(await write('truncated.ply', good.subarray(0, good.length - 7)), /truncated/);
    await rejectsWith(
      await write('long.ply', new Uint8Array([...good, 0, 0, 0, 0])),
      /4 bytes after the last element/,
    );

    const nan = sceneColumns(scene);
    nan.find((c) => c.name === 'scale_1')!.values = Array.from({ length: scene.count }, (_, i) =>
      i === 17 ? NaN : 0,
    );
    await rejectsWith(await write('nan.ply', buildPly(nan)), /vertex 17 has scale_1 = NaN/);
    const inf = sceneColumns(scene);
    inf.find((c) => c.name === 'y')!.values = Array.from({ length: scene.count }, (_, i) =>
      i === 3 ? -Infinity : 0,
    );
    await rejectsWith(await write('inf.ply', buildPly(inf)), /vertex 3 has y = -Infinity/);

    const gap = sceneColumns(scene).filter((c) => c.name !== 'f_rest_4');
    await rejectsWith(await write('gap.ply', buildPly(gap)), /f_rest_\* properties are not numbered/);
    const odd = sceneColumns(scene).filter((c) => c.name !== 'f_rest_8');
    await rejectsWith(await write('odd.ply', buildPly(odd)), /8 f_rest_\* properties is not an SH degree/);

    const asciiShort = `${asciiPly(scene).trimEnd().split('\n').slice(0, -2).join('\n')}\n`;
    await rejectsWith(
      await write('ascii-short.ply', asciiShort),
      /truncated: 50 vertices of 23 values promised, 1104 values found/,
    );
    const asciiBad = asciiPly(scene).replace(
      /\n([^\n]*)\n$/,
      (_, last: string) => `\n${last.replace(/^\S+/, 'nan')}\n`,
    );
    await rejectsWith(await write('ascii-nan.ply', asciiBad), /vertex 49 has x = "nan" \(not a number\)/);
    await rejectsWith(await write('nothing.ply', 'hello'), /not a PLY file/);
    await rejectsWith(
      await write('noend.ply', 'ply\nformat binary_little_endian 1.0\nelement vertex 1\n'),
      /no end_header/,
    );
    const list =
      'ply\nformat binary_little_endian 1.0\nelement vertex 0\nproperty list uchar int idx\nend_header\n';
    await rejectsWith(await write('list.ply', list), /list property "idx"/);
    await rejectsWith(join(dir, 'does-not-exist.ply'), /cannot open \(ENOENT\)/);
    const noVertex = 'ply\nformat binary_little_endian 1.0\nelement face 0\nproperty float x\nend_header\n';
    await rejectsWith(await write('novertex.ply', noVertex), /no "vertex" element/);
  });
});

test('elements before the vertex element are skipped by their byte size', async () => {
  const scene = randomScene(20, 0, 8);
  const body = buildPly(sceneColumns(scene));
  const text = new TextDecoder('latin1').decode(body);
  const headerEnd = text.indexOf('end_header\n') + 'end_header\n'.length;
  // Insert "element camera 2 / property double f" before the vertex element and 16 bytes of it before the body.
  const header = text
    .slice(0, headerEnd)
    .replace('element vertex', 'element camera 2\nproperty double f\nelement vertex');
  const bytes = new Uint8Array([
    ...new TextEncoder().encode(header),
    ...new Uint8Array(16).fill(0x7f),
    ...body.subarray(headerEnd),
  ]);
  await withTempDir(async (dir) => {
    const path = join(dir, 'camera.ply');
    await writeFile(path, bytes);
    assertScenesEqual(await readPly(path), scene);
    assert.equal((await readFile(path)).length, bytes.length);
  });
});
