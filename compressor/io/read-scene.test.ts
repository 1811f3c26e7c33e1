// readScene's format detection: magic bytes first, extension second, a clear error for anything else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeGsz } from '../pack/gsz-encoder.ts';
import { detectSceneFormat, readScene } from './read-scene.ts';
import { SceneReadError } from './scene-read-error.ts';
import { buildPly, randomScene, sceneColumns, withTempDir } from './test-helpers.ts';

test('formats are detected by magic bytes, whatever the extension', async () => {
  await withTempDir(async (dir) => {
    const cases: [string, Uint8Array, string][] = [
      ['scene.bin', buildPly(sceneColumns(randomScene(3, 0))), 'ply'],
      ['scene.dat', new Uint8Array([0x4e, 0x47, 0x53, 0x50, 4, 0, 0, 0]), 'spz'],
      ['gz.dat', new Uint8Array([0x1f, 0x8b, 8, 0]), 'spz'],
      ['bundle.zip', new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), 'sog'],
      ['cloud.splat', new Uint8Array(64), 'splat'],
      ['meta.json', new TextEncoder().encode('{"version":2}'), 'sog-folder'],
      ['packed.bin', new Uint8Array([0x89, 0x47, 0x53, 0x5a, 1, 0]), 'gsz'],
    ];
    for (const [name, bytes, format] of cases) {
      const path = join(dir, name);
      await writeFile(path, bytes);
      assert.equal(await detectSceneFormat(path), format, name);
    }
    const scene = await readScene(join(dir, 'scene.bin'));
    assert.equal(scene.count, 3);
    assert.equal((await readScene(join(dir, 'cloud.splat'))).count, 2);
  });
});

test('unknown formats and unreadable paths fail with a SceneReadError', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'notes.txt');
    await writeFile(path, 'hello world');
    await assert.rejects(
      readScene(path),
      (e: unknown) => e instanceof SceneReadError && /unknown scene format/.test(e.message),
    );
    await assert.rejects(
      readScene(join(dir, 'absent.ply')),
      (e: unknown) => e instanceof SceneReadError && /ENOENT/.test(e.message),
    );
    await assert.rejects(readScene(dir), (e: unknown) => e instanceof SceneReadError);
  });
});

test('.gsz files are decoded by the shared format decoder; bad ones become SceneReadError', async () => {
  const scene = randomScene(300, 1, 77);
  await withTempDir(async (dir) => {
    const path = join(dir, 'scene.gsz');
    await writeFile(path, await encodeGsz(scene));
    const read = await readScene(path);
    assert.equal(read.count, scene.count);
    assert.equal(read.shDegree, scene.shDegree);
    const broken = join(dir, 'broken.gsz');
    await writeFile(broken, new Uint8Array([0x89, 0x47, 0x53, 0x5a, 1, 0, 0, 0]));
    await assert.rejects(
      readScene(broken),
      (e: unknown) => e instanceof SceneReadError && e.message.startsWith(broken) && /\.gsz/.test(e.message),
    );
    const notGsz = join(dir, 'fake.gsz');
    await writeFile(notGsz, 'hello');
    await assert.rejects(
      readScene(notGsz),
      (e: unknown) => e instanceof SceneReadError && /bad magic/.test(e.message),
    );
  });
});
