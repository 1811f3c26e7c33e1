// Tiny deterministic scenes and cameras for the rasterizer's tests.
import { lookAt, type Camera } from '../../../shared/math/camera.ts';
import {
  createScene,
  shRestCount,
  type GaussianScene,
  type ShDegree,
} from '../../../shared/scene/gaussian-scene.ts';

import { mulberry32 as rng } from '../../../shared/math/random.ts';
export { rng };

/** A camera at distance 4 on -Z looking at the origin, OpenCV axes, 60-degree-ish field of view. */
export function testCamera(
  width: number,
  height: number,
  eye: [number, number, number] = [0.3, -0.2, -4],
): Camera {
  const f = 0.9 * width;
  return {
    width,
    height,
    fx: f,
    fy: f,
    cx: width / 2,
    cy: height / 2,
    viewMatrix: lookAt(eye, [0, 0, 0], [0, -1, 0]),
  };
}

/** `count` random Gaussians in a unit-ish cube around the origin with moderate sizes and opacities. */
export function randomScene(
  count: number,
  degree: ShDegree,
  seed: number,
  options: { scale?: number; antialiased?: boolean } = {},
): GaussianScene {
  const r = rng(seed);
  const s = createScene(count, degree, options.antialiased ?? false);
  const k = shRestCount(degree);
  const baseScale = Math.log(options.scale ?? 0.18);
  for (let i = 0; i < count; i++) {
    for (let a = 0; a < 3; a++) {
      s.positions[i * 3 + a] = (r() - 0.5) * 1.6;
      s.logScales[i * 3 + a] = baseScale + (r() - 0.5) * 0.8;
      s.shDC[i * 3 + a] = (r() - 0.5) * 2;
    }
    for (let a = 0; a < 4; a++) s.rotations[i * 4 + a] = r() - 0.5;
    s.opacityLogits[i] = (r() - 0.3) * 3;
    for (let j = 0; j < k * 3; j++) s.shRest[i * k * 3 + j] = (r() - 0.5) * 0.4;
  }
  return s;
}
