import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpuOrSkip } from '../gpu/test-gpu.ts';

/** A lost Dawn instance can leave a readback pending forever: fail instead of hanging the suite. */
const GPU_TEST = { timeout: 60_000 };
import { ImageLoss } from './loss.ts';
import { trainingLossReference, gaussianWindow } from '../eval/loss-reference.ts';
import { createStorage, readFloats } from './gpu-buffers.ts';

function randomImage(w: number, h: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: w * h * 3 }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  });
}

test('the SSIM window is the normalised 11-tap Gaussian with sigma 1.5', () => {
  const g = gaussianWindow();
  assert.equal(g.length, 11);
  assert.ok(Math.abs(g.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.ok(Math.abs(g[5] / g[6] - Math.exp(1 / 4.5)) < 1e-12);
});

test('CPU reference: identical images give SSIM 1 and loss 0; gradient matches finite differences', () => {
  const w = 9,
    h = 7;
  const a = randomImage(w, h, 1);
  const same = trainingLossReference(a, a, w, h);
  assert.ok(Math.abs(same.ssim - 1) < 1e-12 && Math.abs(same.loss) < 1e-12);
  const b = randomImage(w, h, 2);
  const x = Float64Array.from(a);
  const ref = trainingLossReference(x, b, w, h);
  for (const i of [0, 5, 40, 100, w * h * 3 - 1]) {
    const eps = 1e-6; // no |x − y| crosses zero within 1e-6 for these random values, so L1 is smooth here
    const up = Float64Array.from(x);
    up[i] += eps;
    const dn = Float64Array.from(x);
    dn[i] -= eps;
    const fd =
      (trainingLossReference(up, b, w, h).loss - trainingLossReference(dn, b, w, h).loss) / (2 * eps);
    // float64 central difference: truncation O(eps²) and cancellation ~1e-16/eps = 1e-10
    assert.ok(Math.abs(fd - ref.grad[i]) < 1e-8, `${i}: fd ${fd} vs ${ref.grad[i]}`);
  }
});

test(
  'GPU loss and dL/dimage match the float64 reference (16x16, and 7x13: narrower than the window)',
  GPU_TEST,
  async (t) => {
    const gpu = await gpuOrSkip(t);
    if (!gpu) return;
    const { device } = gpu;
    const loss = new ImageLoss(device, { maxPixels: 32 * 32 });
    for (const [w, h] of [
      [16, 16],
      [7, 13],
    ]) {
      const image = randomImage(w, h, 11 + w);
      const target = randomImage(w, h, 12 + w);
      for (let i = 0; i < 20; i++) target[i * 7] = image[i * 7]; // some exact matches: sign(0) = 0 path
      const ref = trainingLossReference(image, target, w, h);
      const imageBuffer = createStorage(device, image);
      const targetBuffer = createStorage(device, target);
      const gradBuffer = createStorage(device, w * h * 3);
      const encoder = device.createCommandEncoder();
      loss.encode(encoder, imageBuffer, targetBuffer, gradBuffer, w, h);
      device.queue.submit([encoder.finish()]);
      const values = await loss.read();
      const grad = await readFloats(device, gradBuffer, w * h * 3);
      // f32 moments and sums of <= 768 values: ~1e-6 relative; the loss is O(0.3).
      assert.ok(Math.abs(values.loss - ref.loss) < 1e-5, `${w}x${h}: loss ${values.loss} vs ${ref.loss}`);
      assert.ok(Math.abs(values.l1 - ref.l1) < 1e-5);
      assert.ok(Math.abs(values.ssim - ref.ssim) < 1e-5);
      let maxGrad = 0;
      for (const g of ref.grad) maxGrad = Math.max(maxGrad, Math.abs(g));
      // Gradient entries are ~1e-3 (1/768 scale); f32 cancellation in E[x²] − mu² (values in [0,1], C2 = 9e-4
      // floor on the denominator) gives ~1e-4 relative error at worst: 1e-3 of the largest entry.
      for (let i = 0; i < grad.length; i++)
        assert.ok(
          Math.abs(grad[i] - ref.grad[i]) < 1e-3 * maxGrad,
          `${w}x${h} ${i}: ${grad[i]} vs ${ref.grad[i]}`,
        );
      for (const b of [imageBuffer, targetBuffer, gradBuffer]) b.destroy();
    }
    loss.destroy();
    gpu.check();
  },
);
