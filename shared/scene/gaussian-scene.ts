// The one in-memory representation of a Gaussian scene, shared by the compressor and the viewer.
// Columns are flat typed arrays (struct-of-arrays) so they upload to GPU buffers without repacking.
//
// Conventions (every reader converts to these; every writer converts from them):
// - World frame: whatever the source file uses (INRIA/COLMAP scenes are right-handed with +Y down in
//   camera space); the scene does not re-orient. `up` in the .gsz header records the intended up axis.
// - positions:      [N, 3] x, y, z in world units.
// - logScales:      [N, 3] natural log of the per-axis standard deviation (INRIA `scale_*`).
// - rotations:      [N, 4] quaternion w, x, y, z (INRIA `rot_0..3` order); not necessarily normalised on
//                   input, normalised wherever used.
// - opacityLogits:  [N] pre-sigmoid opacity v; opacity a = sigmoid(v). Finite, clamped to ±OPACITY_LOGIT_LIMIT.
// - shDC:           [N, 3] SH band-0 coefficients (INRIA `f_dc_*`); base colour = 0.5 + SH_C0 * dc.
// - shRest:         [N, K, 3] bands 1..degree, K = shRestCount(degree), coefficient-major with RGB
//                   interleaved (INRIA PLY stores them channel-major: f_rest_[c*K + k]).

/** SH basis constant of band 0 (shared/math/sh-constants.ts): colour = 0.5 + SH_C0 * dc. */
export { SH_C0 } from '../math/sh-constants.ts';

/** Opacity logits beyond this carry no information in float32 (sigmoid saturates); readers clamp to it. */
export const OPACITY_LOGIT_LIMIT = 20;

export type ShDegree = 0 | 1 | 2 | 3;

export interface GaussianScene {
  count: number;
  shDegree: ShDegree;
  positions: Float32Array;
  logScales: Float32Array;
  rotations: Float32Array;
  opacityLogits: Float32Array;
  shDC: Float32Array;
  shRest: Float32Array;
  /** Trained with the Mip-Splatting 2D filter (render with opacity compensation). */
  antialiased: boolean;
}

/** Number of SH coefficients per channel above band 0: 0, 3, 8, 15. */
export function shRestCount(degree: ShDegree): number {
  return (degree + 1) * (degree + 1) - 1;
}

/** SH degree that has `restPerChannel` coefficients per channel above band 0, or throws. */
export function shDegreeFromRestCount(restPerChannel: number): ShDegree {
  const degree = [0, 3, 8, 15].indexOf(restPerChannel);
  if (degree < 0)
    throw new RangeError(
      `${restPerChannel} SH coefficients per channel above band 0 is not a degree 0-3 layout`,
    );
  return degree as ShDegree;
}

export function createScene(count: number, shDegree: ShDegree, antialiased = false): GaussianScene {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`invalid Gaussian count ${count}`);
  return {
    count,
    shDegree,
    positions: new Float32Array(count * 3),
    logScales: new Float32Array(count * 3),
    rotations: new Float32Array(count * 4),
    opacityLogits: new Float32Array(count),
    shDC: new Float32Array(count * 3),
    shRest: new Float32Array(count * shRestCount(shDegree) * 3),
    antialiased,
  };
}

export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
/** Inverse of sigmoid, with the input clamped away from 0 and 1 so the logit stays finite. */
export const logit = (a: number): number => {
  const c = Math.min(1 - 1e-7, Math.max(1e-7, a));
  return Math.log(c / (1 - c));
};

/** A new scene holding the Gaussians at `indices`, in that order. */
export function selectGaussians(scene: GaussianScene, indices: ArrayLike<number>): GaussianScene {
  const out = createScene(indices.length, scene.shDegree, scene.antialiased);
  const rest = shRestCount(scene.shDegree) * 3;
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    out.positions.set(scene.positions.subarray(j * 3, j * 3 + 3), i * 3);
    out.logScales.set(scene.logScales.subarray(j * 3, j * 3 + 3), i * 3);
    out.rotations.set(scene.rotations.subarray(j * 4, j * 4 + 4), i * 4);
    out.opacityLogits[i] = scene.opacityLogits[j];
    out.shDC.set(scene.shDC.subarray(j * 3, j * 3 + 3), i * 3);
    if (rest > 0) out.shRest.set(scene.shRest.subarray(j * rest, j * rest + rest), i * rest);
  }
  return out;
}

/** The same scene with SH bands above `degree` dropped (no copy when nothing changes). */
export function capShDegree(scene: GaussianScene, degree: ShDegree): GaussianScene {
  if (degree >= scene.shDegree) return scene;
  const out = createScene(scene.count, degree, scene.antialiased);
  out.positions.set(scene.positions);
  out.logScales.set(scene.logScales);
  out.rotations.set(scene.rotations);
  out.opacityLogits.set(scene.opacityLogits);
  out.shDC.set(scene.shDC);
  const from = shRestCount(scene.shDegree) * 3;
  const to = shRestCount(degree) * 3;
  for (let i = 0; i < scene.count; i++)
    out.shRest.set(scene.shRest.subarray(i * from, i * from + to), i * to);
  return out;
}

export interface Bounds {
  min: [number, number, number];
  max: [number, number, number];
}

export function sceneBounds(positions: Float32Array, count = positions.length / 3): Bounds {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < count; i++) {
    for (let a = 0; a < 3; a++) {
      const v = positions[i * 3 + a];
      if (v < min[a]) min[a] = v;
      if (v > max[a]) max[a] = v;
    }
  }
  return { min, max };
}

/** Throws a RangeError naming the first non-finite value, so bad input never renders silently wrong. */
export function assertFiniteScene(scene: GaussianScene, source = 'scene'): void {
  const columns: [string, Float32Array][] = [
    ['position', scene.positions],
    ['log-scale', scene.logScales],
    ['rotation', scene.rotations],
    ['opacity', scene.opacityLogits],
    ['SH DC', scene.shDC],
    ['SH rest', scene.shRest],
  ];
  for (const [name, column] of columns) {
    for (let i = 0; i < column.length; i++) {
      if (!Number.isFinite(column[i])) {
        const width = column.length / Math.max(1, scene.count);
        throw new RangeError(`${source}: ${name} of Gaussian ${Math.floor(i / width)} is ${column[i]}`);
      }
    }
  }
}
