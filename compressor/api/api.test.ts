// The Node API (compressor/index.ts) against the parts it wraps: pack/decode round trip with profiles and
// option overrides, render's image, and compress's progress, result and abort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gpuOrSkip } from '../gpu/test-gpu.ts';
import { randomScene } from '../io/test-helpers.ts';
import { encodeGsz } from '../pack/gsz-encoder.ts';
import { compress, decodeGsz, GszFormatError, pack, readScene, render, writePly } from '../index.ts';

/** A compact cloud that renders as a blob in the middle of an orbit view. */
function blobScene(count: number) {
  const scene = randomScene(count, 0, 7);
  for (let i = 0; i < scene.positions.length; i++) scene.positions[i] *= 0.05;
  for (let i = 0; i < scene.logScales.length; i++) scene.logScales[i] = -2.5;
  for (let i = 0; i < scene.opacityLogits.length; i++) scene.opacityLogits[i] = 2;
  return scene;
}

test('pack = encodeGsz with the given steps, a render target rejects them; decodeGsz reads it back', async () => {
  const scene = randomScene(500, 1);
  const plain = await pack(scene);
  assert.deepEqual(plain, await encodeGsz(scene, {}));
  const finer = await pack(scene, { positionStep: 1 / 20000 });
  assert.deepEqual(finer, await encodeGsz(scene, { positionStep: 1 / 20000 }));
  await assert.rejects(pack(scene, { profile: 'compact', positionStep: 1 / 20000 }), /positionStep/);
  assert.equal(decodeGsz(plain).count, 500);
  assert.throws(
    () => decodeGsz(new Uint8Array(8)),
    (e) => e instanceof GszFormatError,
  );
});

test('readScene reads what writePly wrote', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gs-api-'));
  try {
    const scene = randomScene(50, 0);
    await writePly(join(dir, 'a.ply'), scene);
    const back = await readScene(join(dir, 'a.ply'));
    assert.equal(back.count, 50);
    assert.deepEqual(back.positions, scene.positions);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('render draws the scene into an image and a PNG', async (t) => {
  if (!(await gpuOrSkip(t))) return;
  const { width, height, image, png } = await render(blobScene(200), { width: 32, height: 24 });
  assert.deepEqual([width, height, image.length], [32, 24, 32 * 24 * 3]);
  assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
  const centre = ((12 * 32 + 16) * 3) as number;
  assert.ok(image[centre] + image[centre + 1] + image[centre + 2] > 0, 'the blob covers the centre');
  assert.equal(image[0] + image[1] + image[2], 0, 'the corner is background');
});

test('compress refines a scene to the budget, reports progress, and stops on abort', async (t) => {
  if (!(await gpuOrSkip(t))) return;
  const dir = mkdtempSync(join(tmpdir(), 'gs-api-'));
  try {
    const input = join(dir, 'in.ply');
    await writePly(input, blobScene(600));
    const updates: number[] = [];
    const options = {
      budget: 200,
      iterations: 20,
      resolution: 16,
      onProgress: (p: { iteration: number }) => updates.push(p.iteration),
    };
    const result = await compress(input, options);
    assert.equal(result.scene.count, 200);
    assert.equal(decodeGsz(result.gsz).count, 200);
    assert.ok(updates.length > 0, 'progress was reported');

    const controller = new AbortController();
    const reason = new Error('stop');
    await assert.rejects(
      compress(input, { ...options, signal: controller.signal, onProgress: () => controller.abort(reason) }),
      (e) => e === reason,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
