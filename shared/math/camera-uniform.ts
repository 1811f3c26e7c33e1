// Packs a Camera into the `Camera` uniform struct of shared/wgsl/projection.wgsl (96 bytes):
// view mat4x4f @0, focal vec2f @64, principal vec2f @72, size vec2u @80, frame_origin u32 @88 and
// frame_size u32 @92 (x | y << 16 each; 0: the image is the whole view, see Camera.frame).
// The field order is checked against the WGSL source by camera-uniform.test.ts.
import type { Camera } from './camera.ts';

export const CAMERA_UNIFORM_BYTES = 96;
/** Field names in declaration order, as in the WGSL struct. */
export const CAMERA_UNIFORM_FIELDS = [
  'view',
  'focal',
  'principal',
  'size',
  'frame_origin',
  'frame_size',
] as const;

export function packCamera(camera: Camera, out = new ArrayBuffer(CAMERA_UNIFORM_BYTES)): ArrayBuffer {
  const f = new Float32Array(out, 0, CAMERA_UNIFORM_BYTES / 4);
  const u = new Uint32Array(out, 0, CAMERA_UNIFORM_BYTES / 4);
  f.set(camera.viewMatrix, 0);
  f[16] = camera.fx;
  f[17] = camera.fy;
  f[18] = camera.cx;
  f[19] = camera.cy;
  u[20] = camera.width;
  u[21] = camera.height;
  const frame = camera.frame;
  u[22] = frame ? (frame.x0 & 0xffff) | ((frame.y0 & 0xffff) << 16) : 0;
  u[23] = frame ? (frame.width & 0xffff) | ((frame.height & 0xffff) << 16) : 0;
  return out;
}
