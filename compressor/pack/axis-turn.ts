// One representative of each ellipsoid's rotation for the .gsz rotation column: of the 24 axis relabellings
// of (R, s) the one whose quaternion is closest to the identity (closestAxisTurn), and the plain canonical
// form (canonicalQuaternion) it generalizes.
import { AXIS_TURNS, quatMul } from '../../shared/format/octahedral.ts';

/** The quaternion's canonical form: of q, q·i, q·j, q·k (the same covariance: a 180° turn about a principal
 * axis maps the ellipsoid onto itself) the one whose w has the largest magnitude, negated if w < 0, unit length. */
export function canonicalQuaternion(w: number, x: number, y: number, z: number, out: Float64Array): void {
  let norm = Math.hypot(w, x, y, z);
  if (!(norm > 0) || !Number.isFinite(norm)) {
    w = 1;
    x = y = z = 0;
    norm = 1;
  }
  const aw = Math.abs(w),
    ax = Math.abs(x),
    ay = Math.abs(y),
    az = Math.abs(z);
  // q·i = (-x, w, z, -y), q·j = (-y, -z, w, x), q·k = (-z, y, -x, w).
  let c: [number, number, number, number] = [w, x, y, z];
  if (ax >= aw && ax >= ay && ax >= az) c = [-x, w, z, -y];
  else if (ay >= aw && ay >= az) c = [-y, -z, w, x];
  else if (az >= aw) c = [-z, y, -x, w];
  const s = c[0] < 0 ? -1 / norm : 1 / norm;
  for (let k = 0; k < 4; k++) out[k] = c[k] * s;
}

/**
 * The representative of (R, s) among its 24 axis relabellings (shared/format/octahedral.ts: R·P with the
 * log-scales permuted alike describes the same ellipsoid) whose quaternion is closest to the identity
 * (largest |w|): the rotation then lies in 1/24 of SO(3) (|x|, |y|, |z| <= tan(π/8)·w) instead of v2's 1/4
 * (180° turns only). It is still a canonical quaternion in FORMAT.md's sense (w the largest, >= 0), so the
 * decoder is unchanged. Biker: rotation 3.53 -> 3.40 B/G at 1100 levels, and the larger w makes the rebuilt
 * w more precise (rotation RMS 0.082° -> 0.081°), so 1000 levels meet SPZ's error. Sorting the log-scales
 * instead (the other way to pick one of the 24) cost as much in total: log-scale 2.40 -> 2.04 but rotation
 * 3.53 -> 3.68 B/G, with a larger rotation error. Writes the permuted log-scales to `scales`, the quaternion
 * (unit, w >= 0) to `quat`.
 */
export function closestAxisTurn(
  s0: number,
  s1: number,
  s2: number,
  w: number,
  x: number,
  y: number,
  z: number,
  scales: Float64Array,
  quat: Float64Array,
): void {
  let norm = Math.hypot(w, x, y, z);
  if (!(norm > 0) || !Number.isFinite(norm)) {
    w = 1;
    x = y = z = 0;
    norm = 1;
  }
  w /= norm;
  x /= norm;
  y /= norm;
  z /= norm;
  let best = 0;
  let bestW = -1;
  for (let t = 0; t < AXIS_TURNS.length; t++) {
    const p = AXIS_TURNS[t].q;
    const pw = Math.abs(w * p[0] - x * p[1] - y * p[2] - z * p[3]);
    if (pw > bestW + 1e-12) {
      bestW = pw;
      best = t;
    }
  }
  const turn = AXIS_TURNS[best];
  quatMul(w, x, y, z, turn.q, quat);
  const sg = quat[0] < 0 ? -1 : 1;
  for (let k = 0; k < 4; k++) quat[k] *= sg;
  const s = [s0, s1, s2];
  for (let k = 0; k < 3; k++) scales[k] = s[turn.perm[k]];
}
