// Pinhole cameras shared by the rasterizer, trainer and viewer.
//
// Convention (the one gsplat and the INRIA rasterizer use): `viewMatrix` is WORLD-TO-CAMERA, a 4x4
// column-major Float32Array (WebGPU/WGSL layout: element (row r, col c) at [c * 4 + r]), with OpenCV
// camera axes: +X right, +Y down, +Z forward (points in front of the camera have z > 0).
// Intrinsics in pixels; pixel centres at integer + 0.5 (cx = width / 2 for a centred principal point).
// NeRF/Blender `transform_matrix` is CAMERA-TO-WORLD with OpenGL axes (+Y up, looking down -Z): use
// `viewFromOpenGLCameraToWorld` to convert.

export type Mat4 = Float32Array; // length 16, column-major
export type Vec3 = [number, number, number];

export interface Camera {
  width: number; // pixels
  height: number; // pixels
  fx: number; // focal length, pixels
  fy: number;
  cx: number; // principal point, pixels
  cy: number;
  viewMatrix: Mat4; // world-to-camera, OpenCV axes
  /**
   * When this image is the window [x0, x0 + width) x [y0, y0 + height) of a larger view (a training
   * patch): that view's size and the window's origin in it. The projection's off-screen Jacobian clamp
   * then follows the larger view, so the window renders exactly as the same pixels of the whole view.
   */
  frame?: CameraFrame;
}

/** The full view a windowed camera belongs to (pixels; origin of the window, size of the full view). */
export interface CameraFrame {
  x0: number;
  y0: number;
  width: number;
  height: number;
}

/** fx from a horizontal field of view in radians. */
export function focalFromFov(fovRadians: number, pixels: number): number {
  return pixels / (2 * Math.tan(fovRadians / 2));
}

export function identity(): Mat4 {
  const m = new Float32Array(16);
  m[0] = m[5] = m[10] = m[15] = 1;
  return m;
}

/** a * b, both column-major. */
export function multiply(a: Mat4, b: Mat4): Mat4 {
  const out = new Float32Array(16);
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[k * 4 + r] * b[c * 4 + k];
      out[c * 4 + r] = s;
    }
  }
  return out;
}

/** Inverse of a rigid transform (rotation + translation), exact for the matrices cameras use. */
export function invertRigid(m: Mat4): Mat4 {
  const out = new Float32Array(16);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out[c * 4 + r] = m[r * 4 + c];
  for (let r = 0; r < 3; r++) {
    out[12 + r] = -(out[r] * m[12] + out[4 + r] * m[13] + out[8 + r] * m[14]);
  }
  out[15] = 1;
  return out;
}

/** World-to-camera (OpenCV axes) for a camera at `eye` looking at `target`; `up` is world up. */
export function lookAt(eye: Vec3, target: Vec3, up: Vec3): Mat4 {
  const f = normalize(sub(target, eye)); // camera +Z
  let r = cross(f, up); // camera +X = forward x up (right-handed, +Y down)
  if (Math.hypot(...r) < 1e-8) r = cross(f, Math.abs(f[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0]);
  r = normalize(r);
  const d = cross(f, r); // camera +Y (down)
  const m = new Float32Array(16);
  // Rows of the rotation are the camera axes in world coordinates.
  m[0] = r[0];
  m[4] = r[1];
  m[8] = r[2];
  m[1] = d[0];
  m[5] = d[1];
  m[9] = d[2];
  m[2] = f[0];
  m[6] = f[1];
  m[10] = f[2];
  m[12] = -dot(r, eye);
  m[13] = -dot(d, eye);
  m[14] = -dot(f, eye);
  m[15] = 1;
  return m;
}

/** World-to-camera (OpenCV axes) from a NeRF/Blender camera-to-world matrix with OpenGL axes (row-major 4x4 as in JSON). */
export function viewFromOpenGLCameraToWorld(rowMajor: number[][]): Mat4 {
  const c2w = new Float32Array(16);
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) c2w[c * 4 + r] = rowMajor[r][c];
  // OpenGL -> OpenCV camera axes: flip camera Y and Z (columns 1 and 2 of camera-to-world).
  for (let r = 0; r < 3; r++) {
    c2w[4 + r] = -c2w[4 + r];
    c2w[8 + r] = -c2w[8 + r];
  }
  return invertRigid(c2w);
}

/** Camera position in world coordinates from a world-to-camera matrix. */
export function cameraPosition(view: Mat4): Vec3 {
  const inv = invertRigid(view);
  return [inv[12], inv[13], inv[14]];
}

export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
export function normalize(a: Vec3): Vec3 {
  const l = Math.hypot(a[0], a[1], a[2]) || 1;
  return [a[0] / l, a[1] / l, a[2] / l];
}
