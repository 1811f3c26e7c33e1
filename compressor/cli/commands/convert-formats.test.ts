// `convert` / `export` write the format -o's extension names (.ply, .spz v4 / v3, .splat, .glb): each output
// reads back as the scene; a format that cannot hold the scene fails with one line (exit 1) and no file; an
// unknown extension or SPZ version is a usage error (exit 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeGsz } from '../../pack/gsz-encoder.ts';
import { readScene } from '../../io/read-scene.ts';
import { randomScene, withTempDir } from '../../io/test-helpers.ts';
import { writePly } from '../../io/write-ply.ts';
import { CliError, EXIT } from '../command.ts';
import { command as convert } from './convert.ts';
import { command as exportCommand } from './export.ts';

test('convert writes SPZ v4 (default) and v3, glTF and .splat by extension, each reading back', async () => {
  const scene = randomScene(300, 2, 41);
  await withTempDir(async (dir) => {
    const input = join(dir, 'in.ply');
    await writePly(input, scene);
    assert.equal(await convert.run([input, '-o', join(dir, 'v4.spz')]), EXIT.ok);
    const v4 = await readFile(join(dir, 'v4.spz'));
    assert.equal(v4.toString('latin1', 0, 4), 'NGSP');
    assert.equal(v4.readUInt32LE(4), 4);
    assert.equal(await convert.run([input, '-o', join(dir, 'v3.spz'), '--spz-version', '3']), EXIT.ok);
    assert.deepEqual([...(await readFile(join(dir, 'v3.spz'))).subarray(0, 2)], [0x1f, 0x8b]);
    assert.equal(await convert.run([input, '-o', join(dir, 'scene.glb')]), EXIT.ok);
    assert.equal(await convert.run([input, '-o', join(dir, 'dc.splat'), '--sh-degree', '0']), EXIT.ok);
    for (const [name, degree] of [
      ['v4.spz', 2],
      ['v3.spz', 2],
      ['scene.glb', 2],
      ['dc.splat', 0],
    ] as const) {
      const back = await readScene(join(dir, name));
      assert.equal(back.count, scene.count, name);
      assert.equal(back.shDegree, degree, name);
      assert.ok(Math.abs(back.positions[5] - scene.positions[5]) < 1e-3, name);
    }
    // glTF in, PLY out: the glTF reader behind convert.
    assert.equal(await convert.run([join(dir, 'scene.glb'), '-o', join(dir, 'back.ply')]), EXIT.ok);
    assert.deepEqual(
      (await readScene(join(dir, 'back.ply'))).shRest,
      (await readScene(join(dir, 'scene.glb'))).shRest,
    );
  });
});

test('convert refuses what the target cannot hold with one line and no file; bad -o / --spz-version exit 2', async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, 'in.ply');
    await writePly(input, randomScene(20, 1, 3));
    const out = join(dir, 'out.splat');
    await assert.rejects(convert.run([input, '-o', out]), (e: unknown) => {
      assert.ok(e instanceof CliError);
      assert.equal(e.exitCode, EXIT.failure);
      assert.equal(
        e.message,
        `${out}: .splat holds SH degree 0 at most, the scene has degree 1 (pass --sh-degree 0 to drop the higher bands)`,
      );
      return true;
    });
    for (const args of [
      ['-o', join(dir, 'x.obj')],
      ['-o', join(dir, 'x.spz'), '--spz-version', '5'],
    ]) {
      await assert.rejects(
        convert.run([input, ...args]),
        (e: unknown) => e instanceof CliError && e.exitCode === EXIT.usage,
      );
    }
    assert.deepEqual(await readdir(dir), ['in.ply']);
  });
});

test('export decodes a .gsz to SPZ and glTF, and to .splat once its SH is dropped', async () => {
  const scene = randomScene(500, 1, 43);
  await withTempDir(async (dir) => {
    const gsz = join(dir, 'scene.gsz');
    await writeFile(gsz, await encodeGsz(scene, { codebookSize: 16, kmeansIterations: 2 }));
    for (const name of ['scene.spz', 'scene.glb']) {
      assert.equal(await exportCommand.run([gsz, '-o', join(dir, name)]), EXIT.ok);
      const back = await readScene(join(dir, name));
      assert.equal(back.count, scene.count);
      assert.equal(back.shDegree, 1);
    }
    const splat = join(dir, 'scene.splat');
    await assert.rejects(exportCommand.run([gsz, '-o', splat]), /holds SH degree 0 at most/);
    assert.equal(await exportCommand.run([gsz, '-o', splat, '--sh-degree', '0']), EXIT.ok);
    assert.equal((await readScene(splat)).count, scene.count);
  });
});
