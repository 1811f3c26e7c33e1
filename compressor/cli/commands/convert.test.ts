// `gs-compress convert`: converts a scene to PLY, caps SH, and on bad input fails with exit 1 and no output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readPly } from '../../io/read-ply.ts';
import { buildPly, randomScene, sceneColumns, withTempDir } from '../../io/test-helpers.ts';
import { CliError, EXIT } from '../command.ts';
import { command } from './convert.ts';

test('convert writes the input as an INRIA PLY and caps the SH degree on request', async () => {
  const scene = randomScene(40, 2, 9);
  await withTempDir(async (dir) => {
    const input = join(dir, 'in.ply');
    await writeFile(input, buildPly(sceneColumns(scene).reverse()));
    assert.equal(await command.run([input, '-o', join(dir, 'out.ply')]), EXIT.ok);
    const out = await readPly(join(dir, 'out.ply'));
    assert.deepEqual(out.shRest, scene.shRest);
    assert.equal(await command.run([input, '-o', join(dir, 'dc.ply'), '--sh-degree', '0']), EXIT.ok);
    assert.equal((await readPly(join(dir, 'dc.ply'))).shDegree, 0);
  });
});

test('convert fails with CliError (exit 1) on bad input and leaves no output; usage errors exit 2', async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, 'bad.ply');
    await writeFile(input, 'ply\nformat ascii 1.0\nend_header\n');
    await assert.rejects(
      command.run([input, '-o', join(dir, 'out.ply')]),
      (e: unknown) =>
        e instanceof CliError && e.exitCode === EXIT.failure && /no "vertex" element/.test(e.message),
    );
    assert.deepEqual(await readdir(dir), ['bad.ply']);
    await assert.rejects(
      command.run([input]),
      (e: unknown) => e instanceof CliError && e.exitCode === EXIT.usage,
    );
    await assert.rejects(
      command.run([input, '-o', 'x.ply', '--sh-degree', '5']),
      (e: unknown) => e instanceof CliError && e.exitCode === EXIT.usage,
    );
  });
});
