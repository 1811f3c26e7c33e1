// CPU reference of the projection stage (plain loops, float64), written independently of
// shared/wgsl/projection.wgsl to test it: same conventions (OpenCV camera axes, pixel centres at
// integer + 0.5, 0.3 px^2 dilation, Mip-Splatting compensation, alpha-threshold extent, near plane).
import type { Camera } from '../../../shared/math/camera.ts';
import {
  ALPHA_THRESHOLD,
  COV2D_DILATION,
  FRUSTUM_MARGIN,
  NEAR_PLANE,
} from '../../../shared/math/projection-constants.ts';

type M3 = number[][]; // row-major [row][col]

export interface ProjectedReference {
  visible: boolean;
  mean2d: [number, number];
  conic: [number, number, number]; // a, b, c of [[a, b], [b, c]]
  opacity: number; // after the antialiasing compensation
  depth: number; // camera z
  extent: [number, number]; // half box size, pixels
  cov2d: [number, number, number]; // before dilation: xx, xy, yy
}

export function rotationFromQuaternion(w: number, x: number, y: number, z: number): M3 {
  const n = Math.sqrt(w * w + x * x + y * y + z * z);
  w /= n;
  x /= n;
  y /= n;
  z /= n;
  return [
    [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
    [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
    [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
  ];
}

/** World covariance R diag(s^2) R^T. */
export function covariance3d(logScale: readonly number[], quat: readonly number[]): M3 {
  const r = rotationFromQuaternion(quat[0], quat[1], quat[2], quat[3]);
  const s2 = logScale.map((l) => Math.exp(2 * l));
  const out: M3 = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) out[i][j] += r[i][k] * r[j][k] * s2[k];
  return out;
}

/** Row-major 3x3 rotation and translation of the world-to-camera matrix. */
function viewParts(camera: Camera): { rot: M3; trans: number[] } {
  const v = camera.viewMatrix;
  const rot: M3 = [0, 1, 2].map((r) => [0, 1, 2].map((c) => v[c * 4 + r]));
  return { rot, trans: [v[12], v[13], v[14]] };
}

export function cameraCentre(camera: Camera): [number, number, number] {
  const { rot, trans } = viewParts(camera);
  const c: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) c[i] -= rot[k][i] * trans[k];
  return c;
}

export function projectReference(
  camera: Camera,
  mean: readonly number[],
  logScale: readonly number[],
  quat: readonly number[],
  opacityLogit: number,
  antialiased: boolean,
): ProjectedReference {
  const { rot, trans } = viewParts(camera);
  const t = [0, 1, 2].map((i) => rot[i][0] * mean[0] + rot[i][1] * mean[1] + rot[i][2] * mean[2] + trans[i]);
  const hidden: ProjectedReference = {
    visible: false,
    mean2d: [0, 0],
    conic: [0, 0, 0],
    opacity: 0,
    depth: t[2],
    extent: [0, 0],
    cov2d: [0, 0, 0],
  };
  if (!(t[2] >= NEAR_PLANE)) return hidden;
  const { fx, fy } = camera;
  // A window of a larger view (Camera.frame) clamps at that view's edges.
  const width = camera.frame?.width ?? camera.width;
  const height = camera.frame?.height ?? camera.height;
  const cx = camera.cx + (camera.frame?.x0 ?? 0);
  const cy = camera.cy + (camera.frame?.y0 ?? 0);
  // Jacobian at x/z, y/z clamped to FRUSTUM_MARGIN of the half field of view beyond the image edges.
  const u = Math.min(
    (width - cx) / fx + (FRUSTUM_MARGIN * width) / (2 * fx),
    Math.max(-(cx / fx + (FRUSTUM_MARGIN * width) / (2 * fx)), t[0] / t[2]),
  );
  const v = Math.min(
    (height - cy) / fy + (FRUSTUM_MARGIN * height) / (2 * fy),
    Math.max(-(cy / fy + (FRUSTUM_MARGIN * height) / (2 * fy)), t[1] / t[2]),
  );
  const jac = [
    [fx / t[2], 0, (-fx * u) / t[2]],
    [0, fy / t[2], (-fy * v) / t[2]],
  ];
  // T = J W (2x3); cov2d = T Sigma T^T.
  const sigma = covariance3d(logScale, quat);
  const tm = jac.map((row) =>
    [0, 1, 2].map((c) => row[0] * rot[0][c] + row[1] * rot[1][c] + row[2] * rot[2][c]),
  );
  const cov = [
    [0, 0],
    [0, 0],
  ];
  for (let a = 0; a < 2; a++) {
    for (let b = 0; b < 2; b++) {
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) cov[a][b] += tm[a][i] * sigma[i][j] * tm[b][j];
    }
  }
  const xx = cov[0][0] + COV2D_DILATION;
  const yy = cov[1][1] + COV2D_DILATION;
  const xy = cov[0][1];
  const det = xx * yy - xy * xy;
  if (!(det > 0)) return hidden;
  let opacity = 1 / (1 + Math.exp(-opacityLogit));
  if (antialiased) opacity *= Math.sqrt(Math.max(0, (cov[0][0] * cov[1][1] - xy * xy) / det));
  const mean2d: [number, number] = [(fx * t[0]) / t[2] + cx, (fy * t[1]) / t[2] + cy];
  // alpha = opacity exp(-q/2) reaches ALPHA_THRESHOLD on the ellipse q = 2 ln(opacity / threshold).
  const level = Math.log(opacity / ALPHA_THRESHOLD);
  const extent: [number, number] =
    level > 0 ? [Math.sqrt(2 * level * xx), Math.sqrt(2 * level * yy)] : [0, 0];
  const visible =
    extent[0] > 0 &&
    mean2d[0] + extent[0] > 0 &&
    mean2d[1] + extent[1] > 0 &&
    mean2d[0] - extent[0] < width &&
    mean2d[1] - extent[1] < height;
  return {
    visible,
    mean2d,
    conic: [yy / det, -xy / det, xx / det],
    opacity,
    depth: t[2],
    extent,
    cov2d: [cov[0][0], xy, cov[1][1]],
  };
}
