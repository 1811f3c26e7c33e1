// A scene whose packed parameters exceed the storage-binding limit renders (and back-propagates) in
// parameter chunks, matching the one-buffer result; one too large for the per-Gaussian arrays is refused
// up front with one line naming the limit and how many Gaussians fit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GpuLimitError } from '../gpu/limits.ts';
import { cappedGpuOrSkip, gpuOrSkip } from '../gpu/test-gpu.ts';
import { GaussianRasterizer } from './gaussian-rasterizer.ts';
import { chunkCapacity, chunkRanges } from './param-chunks.ts';
import { rasterization, rasterizationWithGradients } from './rasterization.ts';
import { randomScene, testCamera } from './test/scenes.ts';

const MiB = 1 << 20;

test('chunk ranges cover the rows in order, at most capacity each', () => {
  assert.deepEqual(chunkRanges(600, 256), [
    { first: 0, count: 256 },
    { first: 256, count: 256 },
    { first: 512, count: 88 },
  ]);
  assert.deepEqual(chunkRanges(0, 256), [{ first: 0, count: 0 }]);
});

test('render and gradients in parameter chunks under a 1 MiB binding equal the one-buffer result', async (t) => {
  const capped = await cappedGpuOrSkip(t, { maxBindingBytes: MiB, maxBufferBytes: 2 * MiB });
  const gpu = await gpuOrSkip(t);
  if (!capped || !gpu) return;
  // 12,000 SH3 Gaussians: 2.8 MB of parameters (236 B each), three chunks of at most 4,352.
  const scene = randomScene(12000, 3, 7, { scale: 0.03 });
  assert.equal(chunkCapacity(capped.gpu.device, 3), 4352);
  const camera = testCamera(64, 48);
  const vImage = new Float32Array(64 * 48 * 3).map((_, i) => Math.sin(i * 0.37) * 0.01);
  const options = { background: [0.1, 0.2, 0.3] as const };
  const chunked = await rasterizationWithGradients(capped.gpu, scene, camera, vImage, {
    ...options,
    rasterizer: new GaussianRasterizer(capped.gpu.device),
  });
  const whole = await rasterizationWithGradients(gpu, scene, camera, vImage, {
    ...options,
    rasterizer: new GaussianRasterizer(gpu.device),
  });
  assert.ok(capped.largestBuffer() <= 2 * MiB, `largest buffer ${capped.largestBuffer()} B`);
  assert.equal(chunked.meta.numIntersections, whole.meta.numIntersections);
  // Same per-Gaussian arithmetic and the same sort: the same image and splats, bit for bit.
  assert.deepEqual(chunked.image, whole.image);
  assert.deepEqual(chunked.meta.splats, whole.meta.splats);
  // Gradients sum float atomics in scheduling order: equal to float tolerance.
  let maxAbs = 0;
  let maxDiff = 0;
  for (const key of Object.keys(whole.grads) as (keyof typeof whole.grads)[]) {
    const a = whole.grads[key];
    const b = chunked.grads[key];
    assert.equal(b.length, a.length);
    for (let i = 0; i < a.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(a[i]));
      maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    }
  }
  assert.ok(maxAbs > 0, 'some gradient is non-zero');
  assert.ok(maxDiff <= 1e-5 * maxAbs, `max gradient difference ${maxDiff} (max ${maxAbs})`);
  capped.gpu.check();
});

test('a scene over the per-Gaussian limit is refused before any GPU work, naming the limit', async (t) => {
  const capped = await cappedGpuOrSkip(t, { maxBindingBytes: 256 * 1024 });
  if (!capped) return;
  const scene = randomScene(12000, 3, 7, { scale: 0.03 });
  await assert.rejects(
    rasterization(capped.gpu, scene, testCamera(32, 24)),
    (e: unknown) =>
      e instanceof GpuLimitError &&
      /projected splats: 12,000 Gaussians need .*storage-binding limit.* 256 KiB|at most 5,461 Gaussians fit/.test(
        e.message,
      ) &&
      !e.message.includes('\n'),
  );
  capped.gpu.check();
});
