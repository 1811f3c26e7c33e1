// Writes frame-params.wgsl's FrameParams uniform, and the camera-relative Camera uniform beside it: the
// view rotation alone, with the camera position (eye) in FrameParams, so every pass computes
// mean - eye in float32 before rotating (no cancellation of large numbers far from the origin).
import type { Camera } from '../../../shared/math/camera.ts';
import { CAMERA_UNIFORM_BYTES, packCamera } from '../../../shared/math/camera-uniform.ts';
import type { SplatGrids } from './splat-layout.ts';

/** Byte size of FrameParams (eye @0, count @12, sh_degree @16, sh_words @20, antialiased @24,
 *  key_offset @28, key_scale @32, grid @48). */
export const FRAME_PARAMS_BYTES = 64;
/** Field names in declaration order, as in the WGSL struct (checked by frame-params.test.ts). */
export const FRAME_PARAMS_FIELDS = [
  'eye',
  'count',
  'sh_degree',
  'sh_words',
  'antialiased',
  'key_offset',
  'key_scale',
  'grid',
] as const;
const KEY_MAX = 65535;

export interface FrameValues {
  camera: Camera;
  count: number;
  shDegree: number;
  shWords: number;
  antialiased: boolean;
  /** Bounding box of the positions (min xyz, max xyz): the depth keys' range. */
  bounds: Float64Array;
  grids: SplatGrids;
}

/** Camera position (world units) of a world-to-camera matrix: -R^T t, in float64. */
export function cameraEye(camera: Camera): [number, number, number] {
  const m = camera.viewMatrix;
  return [
    -(m[0]! * m[12]! + m[1]! * m[13]! + m[2]! * m[14]!),
    -(m[4]! * m[12]! + m[5]! * m[13]! + m[6]! * m[14]!),
    -(m[8]! * m[12]! + m[9]! * m[13]! + m[10]! * m[14]!),
  ];
}

/** The Camera uniform of the view rotation only (translation zero). */
export function packRelativeCamera(camera: Camera): ArrayBuffer {
  const view = camera.viewMatrix.slice();
  view[12] = view[13] = view[14] = 0;
  return packCamera({ ...camera, viewMatrix: view }, new ArrayBuffer(CAMERA_UNIFORM_BYTES));
}

export function packFrameParams(v: FrameValues): ArrayBuffer {
  const out = new ArrayBuffer(FRAME_PARAMS_BYTES);
  const f = new Float32Array(out);
  const u = new Uint32Array(out);
  f.set(cameraEye(v.camera), 0);
  u[3] = v.count;
  u[4] = v.shDegree;
  u[5] = v.shWords;
  u[6] = v.antialiased ? 1 : 0;
  const [keyOffset, keyScale] = depthKeyRange(v.bounds, v.camera);
  f[7] = keyOffset;
  f[8] = keyScale;
  const { logScale, shDC } = v.grids;
  f.set([logScale.min, logScale.step, shDC.min, shDC.step], 12);
  return out;
}

/**
 * Maps camera depth to 16-bit sort keys: (log2 near, keys per log2 unit) for the depth range of the
 * positions' bounding box as seen by `camera` (near clamped to the projection's near plane).
 */
export function depthKeyRange(bounds: Float64Array, camera: Camera): [number, number] {
  const m = camera.viewMatrix;
  const eye = cameraEye(camera);
  let near = Infinity;
  let far = -Infinity;
  for (let corner = 0; corner < 8; corner++) {
    // Relative to the eye first, as the GPU computes depth (no cancellation far from the origin).
    const x = bounds[corner & 1 ? 3 : 0]! - eye[0];
    const y = bounds[corner & 2 ? 4 : 1]! - eye[1];
    const z = bounds[corner & 4 ? 5 : 2]! - eye[2];
    const depth = m[2]! * x + m[6]! * y + m[10]! * z;
    near = Math.min(near, depth);
    far = Math.max(far, depth);
  }
  near = Math.max(near, 0.01);
  far = Math.max(far, near * 1.001);
  if (!Number.isFinite(near) || !Number.isFinite(far)) return [0, 0];
  const offset = Math.log2(near);
  return [offset, KEY_MAX / (Math.log2(far) - offset)];
}
