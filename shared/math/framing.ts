// The default view of a scene, shared by the <gs-scene> element and `gs-compress render`: a camera looking
// at the centre of a box (the scene's robust extent) from a direction set by the up axis, azimuth and
// elevation, just far enough that all eight corners of the box project inside the image (both its width
// and its height, with a small margin). Works on any box, so tall, wide and flat scenes all fit whole.
import { cross, dot, normalize, sub, type Vec3 } from './camera.ts';

export interface Box3 {
  min: Vec3;
  max: Vec3;
}

export interface FramingOptions {
  /** Image width / height. */
  aspect: number;
  /** Vertical field of view, degrees. */
  fovYDegrees: number;
  /** World up (any length > 0). */
  up: Vec3;
  /** Azimuth around the up axis, degrees (0: looking along the horizontal reference axis, see viewDirection). */
  azimuthDegrees?: number;
  /** Elevation of the eye above the horizontal plane through the target, degrees (default 20). */
  elevationDegrees?: number;
  /** Fraction of the half-image kept free at the tightest edge (default 0.05). */
  margin?: number;
}

export interface Framing {
  eye: Vec3;
  target: Vec3;
  up: Vec3;
  /** Eye-to-target distance. */
  distance: number;
}

export const DEFAULT_ELEVATION_DEGREES = 20;
export const DEFAULT_FRAMING_MARGIN = 0.05;

/**
 * Unit viewing direction (eye to target) for an azimuth and elevation about `up`. Azimuth 0 looks along
 * world +Z projected onto the horizontal plane (+X when up is along Z).
 */
export function viewDirection(
  up: Vec3,
  azimuthDegrees = 0,
  elevationDegrees = DEFAULT_ELEVATION_DEGREES,
): Vec3 {
  const u = normalize(up);
  const reference: Vec3 = Math.abs(u[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
  const forward0 = normalize(sub(reference, scaled(u, dot(reference, u))));
  const side = cross(u, forward0);
  const az = (azimuthDegrees * Math.PI) / 180;
  const el = (elevationDegrees * Math.PI) / 180;
  const horizontal: Vec3 = [0, 1, 2].map((i) => forward0[i] * Math.cos(az) + side[i] * Math.sin(az)) as Vec3;
  return normalize([0, 1, 2].map((i) => horizontal[i] * Math.cos(el) - u[i] * Math.sin(el)) as Vec3);
}

/**
 * The camera that frames `box` whole for the given aspect ratio and field of view: the closest eye along
 * the viewing direction from which all eight corners fit inside the margin, shifted sideways so the box's
 * projection is centred (perspective makes the near side look larger than the far side).
 */
export function frameBox(box: Box3, o: FramingOptions): Framing {
  if (Math.hypot(...o.up) === 0) throw new RangeError('up vector has zero length');
  const up = normalize(o.up);
  const centre: Vec3 = [0, 1, 2].map((i) => (box.min[i] + box.max[i]) / 2) as Vec3;
  const forward = viewDirection(up, o.azimuthDegrees ?? 0, o.elevationDegrees ?? DEFAULT_ELEVATION_DEGREES);
  // Camera axes as lookAt builds them (OpenCV: +X right, +Y down, +Z forward).
  let right = cross(forward, up);
  if (Math.hypot(...right) < 1e-8) right = cross(forward, Math.abs(forward[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0]);
  right = normalize(right);
  const down = cross(forward, right);
  const keep = 1 - (o.margin ?? DEFAULT_FRAMING_MARGIN);
  const tanY = Math.tan((o.fovYDegrees * Math.PI) / 360) * keep;
  const tanX = tanY * o.aspect;
  const corners: Vec3[] = [];
  for (let corner = 0; corner < 8; corner++) {
    const p: Vec3 = [0, 1, 2].map((a) => ((corner >> a) & 1 ? box.max[a] : box.min[a]) - centre[a]) as Vec3;
    corners.push([dot(p, right), dot(p, down), dot(p, forward)]);
  }
  // At eye distance d (from the centre's plane) and a sideways shift s, a corner at camera-space offset
  // (x, z) is inside when |x - s| <= tan (d + z): s must lie in [max(x - tan (d + z)), min(x + tan (d + z))].
  const shiftRange = (d: number, axis: 0 | 1, tan: number): [number, number] => {
    let lo = -Infinity;
    let hi = Infinity;
    for (const c of corners) {
      lo = Math.max(lo, c[axis] - tan * (d + c[2]));
      hi = Math.min(hi, c[axis] + tan * (d + c[2]));
    }
    return [lo, hi];
  };
  const fits = (d: number): boolean => {
    const [x0, x1] = shiftRange(d, 0, tanX);
    const [y0, y1] = shiftRange(d, 1, tanY);
    return x0 <= x1 && y0 <= y1;
  };
  // Keep the whole box in front of the eye (a flat box seen edge-on would otherwise allow the eye inside it).
  const extent = Math.hypot(...sub(box.max, box.min));
  const nearest = Math.min(...corners.map((c) => c[2]));
  let lo = Math.max(-nearest + 0.05 * extent, 1e-6);
  // Without a shift the centred fit always works: an upper bound for the bisection.
  let hi = lo;
  for (const c of corners) hi = Math.max(hi, Math.abs(c[0]) / tanX - c[2], Math.abs(c[1]) / tanY - c[2]);
  if (!fits(lo)) {
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (fits(mid)) hi = mid;
      else lo = mid;
    }
    lo = hi;
  }
  const distance = lo;
  const [x0, x1] = shiftRange(distance, 0, tanX);
  const [y0, y1] = shiftRange(distance, 1, tanY);
  const sx = (x0 + x1) / 2;
  const sy = (y0 + y1) / 2;
  const target: Vec3 = [0, 1, 2].map((i) => centre[i] + right[i] * sx + down[i] * sy) as Vec3;
  const eye: Vec3 = [0, 1, 2].map((i) => target[i] - forward[i] * distance) as Vec3;
  return { eye, target, up, distance };
}

/** Vertical field of view (degrees) for a horizontal one at an aspect ratio (width / height). */
export function verticalFov(horizontalDegrees: number, aspect: number): number {
  return (2 * Math.atan(Math.tan((horizontalDegrees * Math.PI) / 360) / aspect) * 180) / Math.PI;
}

/**
 * The [lo, hi] percentile box of `count` positions ([N, 3] floats; sampled when large), robust to a few
 * far-away floaters. An empty scene gives the unit cube.
 */
export function percentileBox(positions: ArrayLike<number>, count: number, lo = 0.01, hi = 0.99): Box3 {
  if (count === 0) return { min: [-1, -1, -1], max: [1, 1, 1] };
  const step = Math.max(1, Math.floor(count / 200_000));
  const samples = Math.ceil(count / step);
  const min: Vec3 = [0, 0, 0];
  const max: Vec3 = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const v = new Float64Array(samples);
    for (let i = 0, k = 0; i < count; i += step, k++) v[k] = positions[i * 3 + a];
    v.sort();
    min[a] = v[Math.floor(lo * (samples - 1))];
    max[a] = v[Math.ceil(hi * (samples - 1))];
  }
  return { min, max };
}

/**
 * The robust extent of a scene: the [1st, 99th] percentile box of the centres grown by twice the median
 * largest standard deviation, so the splats at the edge (not only their centres) fit the frame.
 */
export function sceneExtent(positions: ArrayLike<number>, logScales: ArrayLike<number>, count: number): Box3 {
  const box = percentileBox(positions, count);
  if (count === 0) return box;
  const step = Math.max(1, Math.floor(count / 50_000));
  const sigmas: number[] = [];
  for (let i = 0; i < count; i += step)
    sigmas.push(Math.exp(Math.max(logScales[i * 3], logScales[i * 3 + 1], logScales[i * 3 + 2])));
  sigmas.sort((a, b) => a - b);
  const pad = 2 * (sigmas[sigmas.length >> 1] || 0);
  const size = Math.hypot(...sub(box.max, box.min));
  const grow = Number.isFinite(pad) ? Math.min(pad, 0.25 * size) : 0;
  return { min: box.min.map((v) => v - grow) as Vec3, max: box.max.map((v) => v + grow) as Vec3 };
}

const scaled = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
