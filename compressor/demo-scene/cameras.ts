// Camera poses of the demo dataset: views on a band of a sphere around the scene (a golden-angle
// spiral over elevation, so azimuth and elevation both vary smoothly), all looking at the scene centre.
// Poses are NeRF/Blender `transform_matrix`es: camera-to-world, OpenGL camera axes (+X right, +Y up,
// looking down -Z), row-major, with world +Z up.
import type { Rng } from './rng.ts';
import type { Vec3 } from './vec.ts';
import { cross, normalize, sub } from './vec.ts';

export interface OrbitOptions {
  count: number;
  target: Vec3;
  /** Camera distance from `target`, world units. */
  radius: number;
  /** Elevation band above the ground plane, radians. */
  minElevation: number;
  maxElevation: number;
}

/** Camera-to-world (OpenGL axes, row-major 4x4) for a camera at `eye` looking at `target`, world +Z up. */
export function lookAtCameraToWorld(eye: Vec3, target: Vec3): number[][] {
  const forward = normalize(sub(target, eye));
  const right = normalize(cross(forward, [0, 0, 1]));
  const up = cross(right, forward);
  // Columns: camera +X (right), +Y (up), +Z (backwards = -forward), position.
  return [
    [right[0], up[0], -forward[0], eye[0]],
    [right[1], up[1], -forward[1], eye[1]],
    [right[2], up[2], -forward[2], eye[2]],
    [0, 0, 0, 1],
  ];
}

/** `count` camera-to-world poses; the rng adds a small jitter so views are not on a perfect spiral. */
export function orbitPoses(options: OrbitOptions, rng: Rng): number[][][] {
  const { count, target, radius, minElevation, maxElevation } = options;
  const golden = Math.PI * (3 - Math.sqrt(5));
  const azimuth0 = 2 * Math.PI * rng.next();
  const poses: number[][][] = [];
  for (let i = 0; i < count; i++) {
    // Uniform in sin(elevation) = uniform by area over the spherical band.
    const f = (i + 0.25 + 0.5 * rng.next()) / count;
    const s0 = Math.sin(minElevation),
      s1 = Math.sin(maxElevation);
    const elevation = Math.asin(s0 + (s1 - s0) * f);
    const azimuth = azimuth0 + i * golden + 0.1 * (rng.next() - 0.5);
    const eye: Vec3 = [
      target[0] + radius * Math.cos(elevation) * Math.cos(azimuth),
      target[1] + radius * Math.cos(elevation) * Math.sin(azimuth),
      target[2] + radius * Math.sin(elevation),
    ];
    poses.push(lookAtCameraToWorld(eye, target));
  }
  return poses;
}
