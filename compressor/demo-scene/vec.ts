// Small 3-vector helpers for the CPU ray tracer (tuples, like shared/math/camera.ts's Vec3).
import type { Vec3 } from '../../shared/math/camera.ts';

export type { Vec3 };
export { cross, dot, normalize, sub } from '../../shared/math/camera.ts';

export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
/** a + b * s: a point along a ray. */
export const madd = (a: Vec3, b: Vec3, s: number): Vec3 => [
  a[0] + b[0] * s,
  a[1] + b[1] * s,
  a[2] + b[2] * s,
];
export const mul = (a: Vec3, b: Vec3): Vec3 => [a[0] * b[0], a[1] * b[1], a[2] * b[2]];
export const mix = (a: Vec3, b: Vec3, t: number): Vec3 => [
  a[0] + (b[0] - a[0]) * t,
  a[1] + (b[1] - a[1]) * t,
  a[2] + (b[2] - a[2]) * t,
];
export const clamp01 = (x: number): number => (x < 0 ? 0 : Math.min(x, 1));

/** A rigid local frame: origin plus orthonormal axes, all in world coordinates. */
export interface Frame {
  origin: Vec3;
  x: Vec3;
  y: Vec3;
  z: Vec3;
}

/** Frame at `origin` rotated by `yaw` about world +Z, then tilted by `tilt` about the rotated local +X (radians). */
export function frameFromAngles(origin: Vec3, yaw: number, tilt = 0): Frame {
  const cy = Math.cos(yaw),
    sy = Math.sin(yaw),
    ct = Math.cos(tilt),
    st = Math.sin(tilt);
  const x: Vec3 = [cy, sy, 0];
  const y0: Vec3 = [-sy, cy, 0];
  const y: Vec3 = [y0[0] * ct, y0[1] * ct, st];
  const z: Vec3 = [sy * st, -cy * st, ct];
  return { origin, x, y, z };
}

export function toLocalPoint(f: Frame, p: Vec3): Vec3 {
  const q: Vec3 = [p[0] - f.origin[0], p[1] - f.origin[1], p[2] - f.origin[2]];
  return [
    q[0] * f.x[0] + q[1] * f.x[1] + q[2] * f.x[2],
    q[0] * f.y[0] + q[1] * f.y[1] + q[2] * f.y[2],
    q[0] * f.z[0] + q[1] * f.z[1] + q[2] * f.z[2],
  ];
}

export function toLocalDir(f: Frame, d: Vec3): Vec3 {
  return [
    d[0] * f.x[0] + d[1] * f.x[1] + d[2] * f.x[2],
    d[0] * f.y[0] + d[1] * f.y[1] + d[2] * f.y[2],
    d[0] * f.z[0] + d[1] * f.z[1] + d[2] * f.z[2],
  ];
}

export function toWorldDir(f: Frame, v: Vec3): Vec3 {
  return [
    f.x[0] * v[0] + f.y[0] * v[1] + f.z[0] * v[2],
    f.x[1] * v[0] + f.y[1] * v[1] + f.z[1] * v[2],
    f.x[2] * v[0] + f.y[2] * v[1] + f.z[2] * v[2],
  ];
}

export function toWorldPoint(f: Frame, v: Vec3): Vec3 {
  const w = toWorldDir(f, v);
  return [w[0] + f.origin[0], w[1] + f.origin[1], w[2] + f.origin[2]];
}
