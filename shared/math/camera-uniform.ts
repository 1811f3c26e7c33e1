// Packs a Camera into the `Camera` uniform struct of shared/wgsl/projection.wgsl (96 bytes). The field
// offsets below are the struct's by WGSL's layout rules; camera-uniform.test.ts derives them from the WGSL
// source (shared/wgsl/struct-layout.ts) and fails when the two differ.
import type { Camera } from './camera.ts';

export const CAMERA_UNIFORM_BYTES = 96;
/** Byte offset and WGSL type of each field, in declaration order. */
export const CAMERA_UNIFORM_LAYOUT = {
  view: { offset: 0, type: 'mat4x4f' }, // world-to-camera, column-major
  focal: { offset: 64, type: 'vec2f' }, // fx, fy (pixels)
  principal: { offset: 72, type: 'vec2f' }, // cx, cy (pixels)
  size: { offset: 80, type: 'vec2u' }, // width, height (pixels)
  // A window of a larger view (Camera.frame): x0 | y0 << 16 and the full view's width | height << 16;
  // frame_size 0 when the image is the whole view.
  frame_origin: { offset: 88, type: 'u32' },
  frame_size: { offset: 92, type: 'u32' },
} as const;

export function packCamera(camera: Camera, out = new ArrayBuffer(CAMERA_UNIFORM_BYTES)): ArrayBuffer {
  const f = new Float32Array(out, 0, CAMERA_UNIFORM_BYTES / 4);
  const u = new Uint32Array(out, 0, CAMERA_UNIFORM_BYTES / 4);
  const at = (field: keyof typeof CAMERA_UNIFORM_LAYOUT) => CAMERA_UNIFORM_LAYOUT[field].offset / 4;
  f.set(camera.viewMatrix, at('view'));
  f[at('focal')] = camera.fx;
  f[at('focal') + 1] = camera.fy;
  f[at('principal')] = camera.cx;
  f[at('principal') + 1] = camera.cy;
  u[at('size')] = camera.width;
  u[at('size') + 1] = camera.height;
  const frame = camera.frame;
  u[at('frame_origin')] = frame ? (frame.x0 & 0xffff) | ((frame.y0 & 0xffff) << 16) : 0;
  u[at('frame_size')] = frame ? (frame.width & 0xffff) | ((frame.height & 0xffff) << 16) : 0;
  return out;
}
