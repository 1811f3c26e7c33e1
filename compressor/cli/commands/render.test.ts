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

test('camera specs take an off-centre principal point (cx and cy together)', () => {
  assert.deepEqual(parseCameraSpec('eye=1,2,3;target=0,0,0;cx=10.5;cy=4'), {
    eye: [1, 2, 3],
    target: [0, 0, 0],
    cx: 10.5,
    cy: 4,
  });
  assert.throws(() => parseCameraSpec('eye=1,2,3;target=0,0,0;cx=3'), /both cx= and cy=/);
  assert.throws(() => parseCameraSpec('eye=0,0,0;target=0,0,0'), /same point/);
});

test('render: a .gsz brings its background; --camera cx/cy moves the principal point', async (t) => {
  if (!(await gpuOrSkip(t))) return;
  const { command: pack } = await import('./pack.ts');
  await withTempDir(async (dir) => {
    const scene = randomScene(40, 0, 5);
    // One small bright Gaussian at the origin, the rest far behind the camera.
    for (let i = 0; i < scene.count; i++) {
      scene.positions.set(i === 0 ? [0, 0, 0] : [0, 0, -50 - i], i * 3);
      scene.logScales.set([-3, -3, -3], i * 3);
      scene.opacityLogits[i] = 8;
      scene.shDC.set([2, 2, 2], i * 3);
    }
    const input = join(dir, 'in.ply');
    await writeFile(input, buildPly(sceneColumns(scene)));
    const gsz = join(dir, 'in.gsz');
    assert.equal(await pack.run([input, '-o', gsz, '--background', '1,0,0']), EXIT.ok);
    const centroidX = async (name: string, camera: string) => {
      const out = join(dir, name);
      assert.equal(
        await command.run([gsz, '-o', out, '--camera', camera, '--width', '32', '--height', '32']),
        EXIT.ok,
      );
      const png = PNG.sync.read(await readFile(out));
      let sum = 0;
      let weight = 0;
      let red = 0;
      for (let p = 0; p < 32 * 32; p++) {
        const [r, g] = [png.data[p * 4], png.data[p * 4 + 1]];
        if (r > 200 && g < 30) red++;
        sum += (p % 32) * g;
        weight += g;
      }
      return { x: sum / Math.max(1, weight), red };
    };
    const centred = await centroidX('a.png', 'eye=0,0,5;target=0,0,0');
    const shifted = await centroidX('b.png', 'eye=0,0,5;target=0,0,0;cx=24;cy=16');
    assert.ok(centred.red > 900, `the file's red background fills the frame (${centred.red} px)`);
    assert.ok(Math.abs(centred.x - 15.5) < 1.5, `centred at ${centred.x}`);
    assert.ok(Math.abs(shifted.x - 23.5) < 1.5, `moved with cx to ${shifted.x}`);
  });
});
