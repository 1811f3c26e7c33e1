// The world up axis of a capture, for the .gsz header (viewers orient by it): the mean of the cameras'
// up vectors (photographers hold cameras upright, so the mean is the scene's up even when each camera
// tilts), snapped to a coordinate axis when within 10 degrees of one; without cameras, or when they
// disagree, the dataset convention: NeRF/Blender +Z, COLMAP/INRIA -Y.
import type { Camera, Vec3 } from '../../shared/math/camera.ts';

export const CONVENTION_UP: Record<'blender' | 'colmap', Vec3> = { blender: [0, 0, 1], colmap: [0, -1, 0] };

export interface InferredUp {
  up: Vec3;
  source: 'cameras' | 'convention';
}

/** World up from the cameras (world-to-camera, OpenCV: camera -Y is up), else the convention of `kind`. */
export function inferUp(cameras: Camera[], kind: 'blender' | 'colmap'): InferredUp {
  const sum: Vec3 = [0, 0, 0];
  for (const c of cameras) {
    // Row 1 of the rotation is camera +Y (down) in world coordinates.
    sum[0] -= c.viewMatrix[1];
    sum[1] -= c.viewMatrix[5];
    sum[2] -= c.viewMatrix[9];
  }
  const length = Math.hypot(...sum);
  // Cameras whose up vectors cancel out (under half agreement) say nothing reliable.
  if (cameras.length === 0 || length < 0.5 * cameras.length)
    return { up: CONVENTION_UP[kind], source: 'convention' };
  const up = sum.map((v) => v / length) as Vec3;
  const axis = up.map((v) => Math.abs(v)).indexOf(Math.max(...up.map((v) => Math.abs(v))));
  if (Math.abs(up[axis]) > Math.cos((10 * Math.PI) / 180)) {
    const snapped: Vec3 = [0, 0, 0];
    snapped[axis] = Math.sign(up[axis]);
    return { up: snapped, source: 'cameras' };
  }
  return { up, source: 'cameras' };
}
