// Backward with `accumulate`: the parameter gradients are ADDED to the buffer (the trainer sums views
// between optimizer steps), exactly the f32 sum of what the overwriting backward writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpuOrSkip } from '../gpu/test-gpu.ts';
import { GaussianRasterizer } from './gaussian-rasterizer.ts';
import { packGaussians } from './gaussian-layout.ts';
import { readBuffer, storageBuffer } from './gpu-buffers.ts';
import { randomScene, rng, testCamera } from './test/scenes.ts';

test("backward with accumulate adds the overwriting backward's gradients (bit for bit)", async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const { device } = gpu;
  const scene = randomScene(8, 2, 31);
  scene.positions.set([0, 0, -50], 0); // behind the camera: a Gaussian with no gradient, left untouched
  const camera = testCamera(32, 32);
  const { layout, data } = packGaussians(scene);
  const gaussians = storageBuffer(device, 'test.gaussians', data.byteLength);
  device.queue.writeBuffer(gaussians, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  const r = rng(5);
  const vImage = storageBuffer(device, 'test.vImage', 32 * 32 * 12);
  device.queue.writeBuffer(
    vImage,
    0,
    Float32Array.from({ length: 32 * 32 * 3 }, () => r() * 2 - 1),
  );
  const prior = Float32Array.from({ length: layout.length }, () => r() - 0.5);
  const written = storageBuffer(device, 'test.written', layout.length * 4);
  const summed = storageBuffer(device, 'test.summed', layout.length * 4);
  device.queue.writeBuffer(summed, 0, prior);
  const rasterizer = new GaussianRasterizer(device);
  try {
    await rasterizer.forward({ gaussians, layout, camera, shDegree: 2 });
    const encoder = device.createCommandEncoder();
    rasterizer.encodeBackward(encoder, { vImage, grads: written });
    rasterizer.encodeBackward(encoder, { vImage, grads: summed, accumulate: true });
    rasterizer.encodeBackward(encoder, { vImage, grads: summed, accumulate: true });
    device.queue.submit([encoder.finish()]);
    const g = new Float32Array(await readBuffer(device, written, layout.length * 4));
    const s = new Float32Array(await readBuffer(device, summed, layout.length * 4));
    let nonzero = 0;
    for (let i = 0; i < layout.length; i++) {
      if (g[i] !== 0) nonzero++;
      assert.equal(s[i], Math.fround(Math.fround(prior[i] + g[i]) + g[i]), `float ${i}`);
    }
    assert.ok(nonzero > layout.length / 4, `only ${nonzero} non-zero gradients`);
    gpu.check();
  } finally {
    rasterizer.destroy();
    for (const b of [gaussians, vImage, written, summed]) b.destroy();
  }
});
