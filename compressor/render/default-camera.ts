// Cameras that frame a whole scene, for `gs-compress render`, teacher views and benchmarks when no camera
// is given. `framedCamera` is the default view (shared/math/framing.ts, the same framing as the <gs-scene>
// element: the robust box fits the image's width and height); `orbitCamera` fits the bounding sphere of
// the 2nd-98th percentile box (a few far-away floaters, common in trained scenes, do not shrink the
// subject to a dot), which keeps a constant distance around an orbit.
// Up: INRIA/COLMAP-trained scenes keep the capture's camera axes (+Y down), so the default world up is
// -Y; pass another `up` for Z-up (Blender/NeRF-synthetic) scenes.
import { lookAt, focalFromFov, type Camera, type Vec3 } from '../../shared/math/camera.ts';
import { frameBox, verticalFov, type Box3 } from '../../shared/math/framing.ts';

export const DEFAULT_UP: Vec3 = [0, -1, 0];

export interface RobustBounds {
  centre: Vec3;
  /** Half the diagonal of the percentile box (world units). */
  radius: number;
}

/** Centre and radius of the [lo, hi] percentile box of the positions (sampled when large). */
export function robustBounds(
  positions: ArrayLike<number>,
  count: number,
  lo = 0.02,
  hi = 0.98,
): RobustBounds {
  if (count === 0) return { centre: [0, 0, 0], radius: 1 };
  const step = Math.max(1, Math.floor(count / 200_000));
  const axes: number[][] = [[], [], []];
  for (let i = 0; i < count; i += step) for (let a = 0; a < 3; a++) axes[a].push(positions[i * 3 + a]);
  const centre: Vec3 = [0, 0, 0];
  let r2 = 0;
  for (let a = 0; a < 3; a++) {
    const v = Float64Array.from(axes[a]).sort();
    const low = v[Math.floor(lo * (v.length - 1))];
    const high = v[Math.ceil(hi * (v.length - 1))];
    centre[a] = (low + high) / 2;
    r2 += ((high - low) / 2) ** 2;
  }
  return { centre, radius: Math.max(Math.sqrt(r2), 1e-6) };
}

export interface OrbitOptions {
  width: number;
  height: number;
  /** Horizontal field of view, degrees. */
  fovDegrees: number;
  up?: Vec3;
  /** Camera elevation above the horizontal plane, degrees. */
  elevationDegrees?: number;
  /** Azimuth around the up axis, degrees (0: looking along world +Z, or +X when up is along Z). */
  azimuthDegrees?: number;
}

/** The default view of `box` (shared framing): all of it inside the image with a small margin. */
export function framedCamera(box: Box3, o: OrbitOptions): Camera {
  const fovY = verticalFov(o.fovDegrees, o.width / o.height);
  const f = frameBox(box, {
    aspect: o.width / o.height,
    fovYDegrees: fovY,
    up: o.up ?? DEFAULT_UP,
    azimuthDegrees: o.azimuthDegrees,
    elevationDegrees: o.elevationDegrees,
  });
  const fx = focalFromFov((o.fovDegrees * Math.PI) / 180, o.width);
  return {
    width: o.width,
    height: o.height,
    fx,
    fy: fx,
    cx: o.width / 2,
    cy: o.height / 2,
    viewMatrix: lookAt(f.eye, f.target, f.up),
  };
}

/** A camera on a sphere around the bounds, far enough that the bounding sphere fits the narrower field of view. */
export function orbitCamera(bounds: RobustBounds, o: OrbitOptions): Camera {
  const up = normalize(o.up ?? DEFAULT_UP);
  const fx = focalFromFov((o.fovDegrees * Math.PI) / 180, o.width);
  const halfFovY = Math.atan(o.height / 2 / fx);
  const halfFov = Math.min((o.fovDegrees * Math.PI) / 360, halfFovY);
  const distance = bounds.radius / Math.sin(halfFov);
  // A horizontal reference axis perpendicular to up.
  const reference: Vec3 = Math.abs(up[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
  const forward0 = normalize(sub(reference, scale(up, dot(reference, up))));
  const side = cross(up, forward0);
  const az = ((o.azimuthDegrees ?? 0) * Math.PI) / 180;
  const el = ((o.elevationDegrees ?? 20) * Math.PI) / 180;
  // Viewing direction (from eye to centre): horizontal part rotated by azimuth, tilted down by elevation.
  const horizontal = add(scale(forward0, Math.cos(az)), scale(side, Math.sin(az)));
  const view = normalize(sub(scale(horizontal, Math.cos(el)), scale(up, Math.sin(el))));
  const eye = sub(bounds.centre, scale(view, distance));
  return {
    width: o.width,
    height: o.height,
    fx,
    fy: fx,
    cx: o.width / 2,
    cy: o.height / 2,
    viewMatrix: lookAt(eye, bounds.centre, up),
  };
}

const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
function normalize(a: Vec3): Vec3 {
  const l = Math.hypot(a[0], a[1], a[2]) || 1;
  return [a[0] / l, a[1] / l, a[2] / l];
}
