// The first frames' depth order, on the CPU: the GPU depth order needs compute pipelines that take
// seconds to compile on software GPUs, while the draw pipeline compiles in milliseconds. Until they
// exist the renderer orders the first (most important) Gaussians here, back to front by camera depth,
// and the draw (which projects and culls each splat itself) pulls them in that order.
import type { Camera } from '../../../shared/math/camera.ts';
import { NEAR_PLANE } from '../../../shared/math/projection-constants.ts';
import { cameraEye } from './frame-params.ts';

/** Indices of the first `count` Gaussians of `positions` ([n, 3]) in front of the camera (nearer than
 *  NEAR_PLANE is never drawn), far to near. */
export function orderOnCpu(positions: Float32Array, count: number, camera: Camera): Uint32Array<ArrayBuffer> {
  const m = camera.viewMatrix;
  const [ex, ey, ez] = cameraEye(camera);
  const depth = new Float64Array(count);
  const order: number[] = [];
  for (let i = 0; i < count; i++) {
    const d =
      m[2]! * (positions[i * 3]! - ex) +
      m[6]! * (positions[i * 3 + 1]! - ey) +
      m[10]! * (positions[i * 3 + 2]! - ez);
    depth[i] = d;
    if (d >= NEAR_PLANE) order.push(i);
  }
  order.sort((a, b) => depth[b]! - depth[a]!);
  return Uint32Array.from(order);
}
