// Sanity of the CPU reference itself, from first principles (it is what the GPU is tested against).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScene, SH_C0 } from '../../../shared/scene/gaussian-scene.ts';
import { lookAt } from '../../../shared/math/camera.ts';
import { rasterizeReference } from './rasterize.ts';
import { covariance3d, projectReference } from './projection.ts';
import { shBasisReference } from './sh.ts';

const camera = {
  width: 32,
  height: 32,
  fx: 40,
  fy: 40,
  cx: 16,
  cy: 16,
  viewMatrix: lookAt([0, 0, -4], [0, 0, 0], [0, -1, 0]),
};

test('an isotropic Gaussian on the optical axis projects to the image centre with variance (f s / z)^2 + 0.3', () => {
  const p = projectReference(
    camera,
    [0, 0, 0],
    [Math.log(0.1), Math.log(0.1), Math.log(0.1)],
    [1, 0, 0, 0],
    0,
    false,
  );
  assert.ok(p.visible);
  assert.deepEqual(p.mean2d, [16, 16]);
  const variance = ((40 * 0.1) / 4) ** 2 + 0.3;
  assert.ok(Math.abs(p.conic[0] - 1 / variance) < 1e-12);
  assert.ok(Math.abs(p.conic[1]) < 1e-12);
  assert.equal(p.opacity, 0.5);
  assert.equal(p.depth, 4);
});

test('covariance is rotation-invariant for isotropic scales and follows the quaternion otherwise', () => {
  const iso = covariance3d([0, 0, 0], [0.3, 0.5, -0.2, 0.7]);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(iso[i][j] - (i === j ? 1 : 0)) < 1e-12);
  // 90 degrees about z (w = cos 45, z = sin 45) swaps the x and y variances.
  const c = covariance3d([Math.log(2), 0, 0], [Math.SQRT1_2, 0, 0, Math.SQRT1_2]);
  assert.ok(Math.abs(c[0][0] - 1) < 1e-12 && Math.abs(c[1][1] - 4) < 1e-12);
});

test('behind the camera and at the near plane are culled', () => {
  assert.equal(projectReference(camera, [0, 0, -5], [0, 0, 0], [1, 0, 0, 0], 5, false).visible, false);
  assert.equal(
    projectReference(camera, [0, 0, -4 + 0.005], [-3, -3, -3], [1, 0, 0, 0], 5, false).visible,
    false,
  );
});

test('SH basis: band 0 constant, band 1 orthonormal direction terms', () => {
  const b = shBasisReference(3, 0, 0, 1);
  assert.equal(b.length, 16);
  assert.equal(b[0], SH_C0);
  assert.ok(Math.abs(b[2] - 0.4886025119029199) < 1e-15 && b[1] === 0 && b[3] === 0);
});

test('one opaque Gaussian: centre pixel alpha = min(0.99, opacity exp(-power)), colour over the background', () => {
  const scene = createScene(1, 0);
  scene.logScales.fill(Math.log(0.5));
  scene.rotations[0] = 1;
  scene.opacityLogits[0] = 2; // opacity 0.881
  scene.shDC.set([1, 0, -1]);
  const out = rasterizeReference(scene, camera, { background: [0, 1, 0] });
  const p = 15 * 32 + 15; // pixel centre (15.5, 15.5), half a pixel from the mean in x and y
  const sigma2 = ((40 * 0.5) / 4) ** 2 + 0.3;
  const a = (1 / (1 + Math.exp(-2))) * Math.exp((-0.5 * (0.25 + 0.25)) / sigma2);
  // 1e-8: the scene stores log(0.5) in float32, so its scale is 0.5 only to ~1e-8.
  assert.ok(Math.abs(out.alpha[p] - a) < 1e-8);
  const colour = [0.5 + SH_C0, 0.5, 0.5 - SH_C0];
  assert.ok(Math.abs(out.image[p * 3] - colour[0] * a) < 1e-8);
  assert.ok(Math.abs(out.image[p * 3 + 1] - (colour[1] * a + (1 - a))) < 1e-8);
});
