// Forward pass: GPU rasterizer vs the independent CPU reference on small scenes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpuOrSkip } from '../gpu/test-gpu.ts';
import { createScene, type GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { GaussianRasterizer } from './gaussian-rasterizer.ts';
import { rasterization, rasterizationWithGradients } from './rasterization.ts';
import { rasterizeReference } from './reference/rasterize.ts';
import { randomScene, testCamera } from './test/scenes.ts';

function compare(gpu: Float32Array, ref: Float64Array): { psnr: number; maxAbs: number } {
  let se = 0;
  let maxAbs = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = gpu[i] - ref[i];
    se += d * d;
    maxAbs = Math.max(maxAbs, Math.abs(d));
  }
  const mse = se / ref.length;
  return { psnr: mse === 0 ? Infinity : 10 * Math.log10(1 / mse), maxAbs };
}

for (const variant of ['serial', 'direct', 'batched'] as const) {
  test(`forward matches the CPU reference (SH degree 3, 40 Gaussians, 48x40, ${variant} kernels)`, async (t) => {
    const gpu = await gpuOrSkip(t);
    if (!gpu) return;
    const scene = randomScene(40, 3, 1);
    const camera = testCamera(48, 40);
    const options = { background: [0.2, 0.4, 0.9] as const };
    const out = await rasterization(gpu, scene, camera, {
      ...options,
      rasterizer: new GaussianRasterizer(gpu.device, { variant }),
    });
    const ref = rasterizeReference(scene, camera, options);
    const image = compare(out.image, ref.image);
    const alpha = compare(out.alpha, ref.alpha);
    t.diagnostic(
      `image PSNR ${image.psnr.toFixed(1)} dB, max abs ${image.maxAbs.toExponential(2)}; alpha max abs ${alpha.maxAbs.toExponential(2)}`,
    );
    // float32 vs float64 with exp/sqrt: errors ~1e-6; 50 dB (RMS 3e-3) is the agreed floor.
    assert.ok(image.psnr >= 50, `PSNR ${image.psnr}`);
    assert.ok(alpha.psnr >= 50, `alpha PSNR ${alpha.psnr}`);
  });
}

test("the serial kernels' per-splat pixel boxes lose nothing: same image as per-pixel kernels (300 small splats)", async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  // Sub-pixel to few-pixel splats, where a box one pixel too small would drop visible alpha.
  const scene = randomScene(300, 1, 9, { scale: 0.012 });
  const camera = testCamera(64, 48);
  const render = (variant: 'serial' | 'direct') =>
    rasterization(gpu, scene, camera, { rasterizer: new GaussianRasterizer(gpu.device, { variant }) });
  const [serial, direct] = [await render('serial'), await render('direct')];
  let maxAbs = 0;
  for (let i = 0; i < direct.image.length; i++)
    maxAbs = Math.max(maxAbs, Math.abs(serial.image[i] - direct.image[i]));
  t.diagnostic(
    `max abs difference ${maxAbs.toExponential(2)}, ${serial.meta.numIntersections} intersections`,
  );
  // Both do the same float operations per pixel in the same order: identical images.
  assert.equal(maxAbs, 0);
});

function withGaussian(
  scene: GaussianScene,
  i: number,
  g: { position?: number[]; logScale?: number; logit?: number },
): void {
  if (g.position) scene.positions.set(g.position, i * 3);
  if (g.logScale !== undefined) scene.logScales.fill(g.logScale, i * 3, i * 3 + 3);
  if (g.logit !== undefined) scene.opacityLogits[i] = g.logit;
}

test('degenerate Gaussians: behind the camera, on the near plane, huge, sub-pixel, transparent', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const camera = testCamera(32, 32, [0, 0, -4]);
  const scene = randomScene(12, 1, 5);
  withGaussian(scene, 0, { position: [0, 0, -6] }); // behind the camera
  withGaussian(scene, 1, { position: [0.1, 0, -4 + 0.005] }); // between the camera and the near plane
  withGaussian(scene, 2, { position: [0.2, 0.1, 3], logScale: Math.log(30), logit: -1 }); // covers everything (camera inside)
  withGaussian(scene, 3, { position: [0.05, 0.02, 0], logScale: Math.log(1e-4), logit: 5 }); // far below a pixel
  withGaussian(scene, 4, { position: [0, 0.1, 0.2], logit: -20 }); // fully transparent
  const options = { background: [1, 1, 1] as const };
  const out = await rasterization(gpu, scene, camera, options);
  const ref = rasterizeReference(scene, camera, options);
  assert.ok(out.image.every(Number.isFinite) && out.alpha.every(Number.isFinite));
  const image = compare(out.image, ref.image);
  t.diagnostic(`image PSNR ${image.psnr.toFixed(1)} dB, max abs ${image.maxAbs.toExponential(2)}`);
  assert.ok(image.psnr >= 50, `PSNR ${image.psnr}`); // as above
  // Culled ones have an empty extent (no tiles), the huge one covers all 4 tiles.
  const extent = (i: number) => out.meta.splats[i * 12 + 2];
  assert.equal(extent(0), 0);
  assert.equal(extent(1), 0);
  assert.equal(extent(4), 0);
  assert.ok(extent(2) > 32);
  const vImage = new Float32Array(32 * 32 * 3).fill(1);
  const grads = await rasterizationWithGradients(gpu, scene, camera, vImage, options);
  for (const [name, column] of Object.entries(grads.grads)) {
    assert.ok((column as Float32Array).every(Number.isFinite), `${name} has a non-finite gradient`);
  }
  // Culled Gaussians get exactly zero gradients.
  for (const i of [0, 1, 4])
    assert.deepEqual(Array.from(grads.grads.positions.subarray(i * 3, i * 3 + 3)), [0, 0, 0]);
});

test('an empty scene renders the background; NaN input and bad cameras are rejected', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const camera = testCamera(20, 12);
  const empty = await rasterization(gpu, createScene(0, 0), camera, { background: [0.25, 0.5, 0.75] });
  assert.deepEqual(Array.from(empty.image.subarray(0, 3)), [0.25, 0.5, 0.75]);
  assert.ok(empty.alpha.every((a) => a === 0));
  const bad = randomScene(3, 0, 6);
  bad.logScales[4] = NaN;
  await assert.rejects(rasterization(gpu, bad, camera), /log-scale of Gaussian 1 is NaN/);
  await assert.rejects(rasterization(gpu, randomScene(3, 0, 6), { ...camera, fx: Infinity }), /camera/);
});
