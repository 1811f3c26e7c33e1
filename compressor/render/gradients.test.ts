// Backward pass: every GPU gradient against central finite differences of the float64 CPU reference
// forward, on tiny scenes (6 Gaussians, 32x32 = 2x2 tiles).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Camera } from '../../shared/math/camera.ts';
import { gpuOrSkip } from '../gpu/test-gpu.ts';
import { GaussianRasterizer, SPLAT_GRAD, SPLAT_GRAD_STRIDE } from './gaussian-rasterizer.ts';
import type { RasterVariant } from './passes.ts';
import { rasterizationWithGradients } from './rasterization.ts';
import { rasterizeReference } from './reference/rasterize.ts';
import {
  COLUMNS,
  finiteDifferenceGradients,
  finiteDifferenceMean2d,
  toScene64,
} from './test/finite-differences.ts';
import { randomScene, rng, testCamera } from './test/scenes.ts';
import type { RasterOptions, SceneArrays } from './types.ts';

// Relative error ||gpu - fd|| / ||fd|| per parameter column. The GPU runs in float32 and recovers the
// transmittance in front of each splat by dividing by (1 - alpha), and forms dC/dalpha as a difference
// of accumulated colours, so a few 1e-4..1e-3 relative error is expected; a wrong or missing term is
// off by far more than 1e-2.
const TOLERANCE = 1e-2;

function relativeError(gpu: ArrayLike<number>, fd: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < fd.length; i++) {
    num += (gpu[i] - fd[i]) ** 2;
    den += fd[i] ** 2;
  }
  // Columns whose gradient is ~0 everywhere (e.g. a culled Gaussian) are compared absolutely.
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-6);
}

function randomCotangent(length: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length }, () => r() * 2 - 1);
}

async function checkGradients(
  t: TestContext,
  scene: SceneArrays,
  camera: Camera,
  options: RasterOptions,
  withAlpha: boolean,
  variant?: RasterVariant,
) {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const pixels = camera.width * camera.height;
  const vImage = randomCotangent(pixels * 3, 11);
  const vAlpha = withAlpha ? randomCotangent(pixels, 12) : undefined;
  const rasterizer = variant === undefined ? undefined : new GaussianRasterizer(gpu.device, { variant });
  const out = await rasterizationWithGradients(gpu, scene, camera, vImage, {
    ...options,
    vAlpha,
    rasterizer,
  });
  const fd = finiteDifferenceGradients(toScene64(scene), camera, options, vImage, vAlpha);
  for (const name of COLUMNS) {
    const error = relativeError(out.grads[name], fd[name]);
    t.diagnostic(
      `${name}: relative error ${error.toExponential(2)} (|fd| ${Math.hypot(...fd[name]).toExponential(2)})`,
    );
    assert.ok(
      error <= TOLERANCE,
      `${name}: relative error ${error} > ${TOLERANCE}\n gpu ${Array.from(out.grads[name].slice(0, 8))}\n fd  ${Array.from(fd[name].slice(0, 8))}`,
    );
  }
  return out;
}

for (const variant of ['serial', 'direct', 'batched'] as const) {
  test(`gradients match finite differences: SH degree 3, background, dL/dalpha (${variant} kernels)`, async (t) => {
    const scene = randomScene(6, 3, 21);
    await checkGradients(t, scene, testCamera(32, 32), { background: [0.3, 0.1, 0.6] }, true, variant);
  });
}

test('gradients match finite differences: antialiased (Mip-Splatting compensation), SH degree 1', async (t) => {
  const scene = randomScene(6, 1, 22, { antialiased: true, scale: 0.08 });
  await checkGradients(t, scene, testCamera(32, 32), { antialiased: true }, false);
});

test('gradients match finite differences: SH degree 3 scene rendered with the degree capped at 1', async (t) => {
  const scene = randomScene(5, 3, 23);
  await checkGradients(t, scene, testCamera(32, 32, [1, -0.5, -3.5]), { shDegree: 1 }, false);
});

test('2D mean gradient, its AbsGS absolute sum and blending weights match the reference', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const scene = randomScene(6, 0, 24);
  const camera = testCamera(32, 32);
  const vImage = randomCotangent(32 * 32 * 3, 13);
  const out = await rasterizationWithGradients(gpu, scene, camera, vImage);
  const fd = finiteDifferenceMean2d(toScene64(scene), camera, {}, vImage);
  const ref = rasterizeReference(scene, camera);
  const pick = (offset: number, width: number) =>
    Float64Array.from(
      { length: scene.count * width },
      (_, i) => out.splatGrads[Math.floor(i / width) * SPLAT_GRAD_STRIDE + offset + (i % width)],
    );
  const errors = {
    mean2d: relativeError(pick(SPLAT_GRAD.mean2d, 2), fd.total),
    absMean2d: relativeError(pick(SPLAT_GRAD.absMean2d, 2), fd.absolute),
    weight: relativeError(pick(SPLAT_GRAD.weight, 1), ref.meta.weights),
  };
  t.diagnostic(JSON.stringify(errors));
  for (const [name, error] of Object.entries(errors))
    assert.ok(error <= TOLERANCE, `${name}: relative error ${error}`);
});
