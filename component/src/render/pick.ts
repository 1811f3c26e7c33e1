// Approximate picking for double-click re-target: the nearest (smallest depth) splat centre whose
// projection lies within `radius` pixels of the pointer. CPU, O(loaded splats), a few ms per million.
import type { Camera, Vec3 } from '../../../shared/math/camera.ts';

export function pickSplat(
  positions: Float32Array,
  count: number,
  camera: Camera,
  x: number,
  y: number,
  radius: number,
): Vec3 | undefined {
  const m = camera.viewMatrix;
  const r2 = radius * radius;
  let best = -1;
  let bestDepth = Infinity;
  for (let i = 0; i < count; i++) {
    const px = positions[i * 3];
    const py = positions[i * 3 + 1];
    const pz = positions[i * 3 + 2];
    const z = m[2] * px + m[6] * py + m[10] * pz + m[14];
    if (z <= 1e-6 || z >= bestDepth) continue;
    const u = (camera.fx * (m[0] * px + m[4] * py + m[8] * pz + m[12])) / z + camera.cx - x;
    const v = (camera.fy * (m[1] * px + m[5] * py + m[9] * pz + m[13])) / z + camera.cy - y;
    if (u * u + v * v <= r2) {
      best = i;
      bestDepth = z;
    }
  }
  return best < 0 ? undefined : [positions[best * 3], positions[best * 3 + 1], positions[best * 3 + 2]];
}
