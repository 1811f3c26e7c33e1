// `gs-compress render`: a small PLY renders to PNGs (single view and orbit); bad input and bad
// arguments fail with CliError and leave no output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { gpuOrSkip } from '../../gpu/test-gpu.ts';
import { buildPly, randomScene, sceneColumns, withTempDir } from '../../io/test-helpers.ts';
import { CliError, EXIT } from '../command.ts';
import { command, parseCameraSpec } from './render.ts';

test('render writes a PNG of the default view and N orbit views', async (t) => {
  if (!(await gpuOrSkip(t))) return;
  await withTempDir(async (dir) => {
    const input = join(dir, 'in.ply');
    await writeFile(input, buildPly(sceneColumns(randomScene(60, 1, 3))));
    assert.equal(
      await command.run([input, '-o', join(dir, 'view.png'), '--width', '24', '--height', '16']),
      EXIT.ok,
    );
    const png = PNG.sync.read(await readFile(join(dir, 'view.png')));
    assert.equal(png.width, 24);
    assert.equal(png.height, 16);
    assert.ok(
      png.data.some((v, i) => i % 4 !== 3 && v > 0),
      'the scene is visible',
    );
    assert.equal(
      await command.run([
        input,
        '-o',
        join(dir, 'orbit.png'),
        '--orbit',
        '2',
        '--width',
        '16',
        '--height',
        '16',
      ]),
      EXIT.ok,
    );
    assert.equal(
      await command.run([
        input,
        '-o',
        join(dir, 'cam.png'),
        '--camera',
        'eye=0,0,-5;target=0,0,0',
        '--width',
        '16',
        '--height',
        '16',
      ]),
      EXIT.ok,
    );
    assert.deepEqual((await readdir(dir)).sort(), [
      'cam.png',
      'in.ply',
      'orbit-000.png',
      'orbit-001.png',
      'view.png',
    ]);
  });
});

test('render rejects bad input (exit 1, no output) and bad arguments (exit 2)', async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, 'bad.ply');
    await writeFile(input, 'ply\nformat ascii 1.0\nend_header\n');
    await assert.rejects(
      command.run([input, '-o', join(dir, 'out.png')]),
      (e: unknown) => e instanceof CliError && e.exitCode === EXIT.failure,
    );
    assert.deepEqual(await readdir(dir), ['bad.ply']);
    const usage = (args: string[]) =>
      assert.rejects(command.run(args), (e: unknown) => e instanceof CliError && e.exitCode === EXIT.usage);
    await usage([input]);
    await usage([input, '-o', 'x.png', '--width', '0']);
    await usage([input, '-o', 'x.png', '--camera', 'eye=1,2;target=0,0,0']);
    await usage([input, '-o', 'x.png', '--fov', '200']);
  });
});

test('camera specs parse eye, target and optional up', () => {
  assert.deepEqual(parseCameraSpec('eye=1,2,3;target=0,0,0;up=0,0,1'), {
    eye: [1, 2, 3],
    target: [0, 0, 0],
    up: [0, 0, 1],
  });
  assert.throws(() => parseCameraSpec('eye=1,2,3'), /needs both/);
});
