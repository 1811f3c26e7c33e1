// CPU version of the pre-pass (preprocess.wgsl) and depth sort, for the first frames only: the GPU
// pre-pass and radix sort need compute pipelines that take seconds to compile on software GPUs, while
// the draw pipeline compiles in milliseconds. Until they exist the renderer projects the first (most
// important) Gaussians here and draws them with the same vertex-pulling pipeline, so the first frame
// follows the first chunk. Same maths as shared/wgsl/projection.wgsl + sh.wgsl (checked against the
// compressor's CPU reference in cpu-project.test.ts), in float64, reading the packed splat records and
// writing splat.wgsl's projected slots (both splat-layout.ts).
import type { Camera } from '../../../shared/math/camera.ts';
import {
  ALPHA_THRESHOLD,
  COV2D_DILATION,
  FRUSTUM_MARGIN,
  NEAR_PLANE,
} from '../../../shared/math/projection-constants.ts';
import { SH_C0 as C0, SH_C1 as C1, SH_C2 as C2, SH_C3 as C3 } from '../../../shared/math/sh-constants.ts';
import { halfValue, packHalf2 } from './half-float.ts';
import { PROJECTED_WORDS, SPLAT_WORDS } from './splat-layout.ts';

/** As preprocess.wgsl: the quad ends where alpha reaches QUAD_ALPHA_FACTOR * ALPHA_THRESHOLD. */
export const QUAD_ALPHA_FACTOR = 2;

export interface CpuProjection {
  /** Visible splats, back to front. */
  count: number;
  /** [count, PROJECTED_WORDS] in draw order. */
  projected: Uint32Array<ArrayBuffer>;
  /** Identity order 0..count-1 (the projection is written already sorted). */
  order: Uint32Array<ArrayBuffer>;
}

/**
 * Projects `count` Gaussians of the packed layout (`splats` [n, SPLAT_WORDS], `shRest` [n, shWords])
 * for `camera` and returns the visible ones sorted back to front.
 */
export function projectOnCpu(
  splats: Uint32Array,
  shRest: Uint32Array,
  shWords: number,
  count: number,
  camera: Camera,
  shDegree: number,
  antialiased: boolean,
): CpuProjection {
  const { fx, fy, cx, cy, width, height } = camera;
  const m = camera.viewMatrix; // column-major world-to-camera
  const camX = -(m[0]! * m[12]! + m[1]! * m[13]! + m[2]! * m[14]!);
  const camY = -(m[4]! * m[12]! + m[5]! * m[13]! + m[6]! * m[14]!);
  const camZ = -(m[8]! * m[12]! + m[9]! * m[13]! + m[10]! * m[14]!);
  const limXPos = (width - cx) / fx + (FRUSTUM_MARGIN * width) / (2 * fx);
  const limXNeg = cx / fx + (FRUSTUM_MARGIN * width) / (2 * fx);
  const limYPos = (height - cy) / fy + (FRUSTUM_MARGIN * height) / (2 * fy);
  const limYNeg = cy / fy + (FRUSTUM_MARGIN * height) / (2 * fy);
  const splatFloats = new Float32Array(splats.buffer, splats.byteOffset, splats.length);
  const unsorted = new Uint32Array(count * PROJECTED_WORDS);
  const unsortedFloats = new Float32Array(unsorted.buffer);
  const depths = new Float32Array(count);
  const basis = new Float64Array(16);
  let n = 0;
  for (let i = 0; i < count; i++) {
    const o = i * SPLAT_WORDS;
    const px = splatFloats[o]!,
      py = splatFloats[o + 1]!,
      pz = splatFloats[o + 2]!;
    const tx = m[0]! * px + m[4]! * py + m[8]! * pz + m[12]!;
    const ty = m[1]! * px + m[5]! * py + m[9]! * pz + m[13]!;
    const tz = m[2]! * px + m[6]! * py + m[10]! * pz + m[14]!;
    if (!(tz >= NEAR_PLANE)) continue;
    // World covariance R diag(s^2) R^T.
    // Rotation: the smallest-three word (splat-layout.ts), decoded without allocating.
    const rot = splats[o + 5]!;
    const ra = (((rot >>> 2) & 1023) / 1023 - 0.5) * Math.SQRT2,
      rb = (((rot >>> 12) & 1023) / 1023 - 0.5) * Math.SQRT2,
      rc = (((rot >>> 22) & 1023) / 1023 - 0.5) * Math.SQRT2;
    const big = Math.sqrt(Math.max(0, 1 - ra * ra - rb * rb - rc * rc));
    const largest = rot & 3;
    let qw = largest === 0 ? big : ra,
      qx = largest === 1 ? big : largest === 0 ? ra : rb,
      qy = largest === 2 ? big : largest === 3 ? rc : rb,
      qz = largest === 3 ? big : rc;
    const qn = Math.hypot(qw, qx, qy, qz) || 1;
    qw /= qn;
    qx /= qn;
    qy /= qn;
    qz /= qn;
    const r00 = 1 - 2 * (qy * qy + qz * qz),
      r01 = 2 * (qx * qy - qw * qz),
      r02 = 2 * (qx * qz + qw * qy);
    const r10 = 2 * (qx * qy + qw * qz),
      r11 = 1 - 2 * (qx * qx + qz * qz),
      r12 = 2 * (qy * qz - qw * qx);
    const r20 = 2 * (qx * qz - qw * qy),
      r21 = 2 * (qy * qz + qw * qx),
      r22 = 1 - 2 * (qx * qx + qy * qy);
    const w3 = splats[o + 3]!,
      w4 = splats[o + 4]!;
    const s0 = Math.exp(2 * halfValue(w3 & 0xffff)),
      s1 = Math.exp(2 * halfValue(w3 >>> 16)),
      s2 = Math.exp(2 * halfValue(w4 & 0xffff));
    // T = J W (2x3): the Jacobian at clamped x/z, y/z times the view rotation (row r of W is m[r], m[r+4], m[r+8]).
    const rz = 1 / tz;
    const u = Math.min(limXPos, Math.max(-limXNeg, tx * rz));
    const v = Math.min(limYPos, Math.max(-limYNeg, ty * rz));
    const j00 = fx * rz,
      j02 = -fx * u * rz,
      j11 = fy * rz,
      j12 = -fy * v * rz;
    // Scalars, no arrays: the first frames run this before the JIT has optimised it, where every
    // allocation in the loop is real (and brings garbage collections).
    const t00 = j00 * m[0]! + j02 * m[2]!,
      t01 = j00 * m[4]! + j02 * m[6]!,
      t02 = j00 * m[8]! + j02 * m[10]!;
    const t10 = j11 * m[1]! + j12 * m[2]!,
      t11 = j11 * m[5]! + j12 * m[6]!,
      t12 = j11 * m[9]! + j12 * m[10]!;
    // a = T R (2x3), cov2d = a diag(s^2) a^T.
    const a00 = t00 * r00 + t01 * r10 + t02 * r20,
      a01 = t00 * r01 + t01 * r11 + t02 * r21,
      a02 = t00 * r02 + t01 * r12 + t02 * r22;
    const a10 = t10 * r00 + t11 * r10 + t12 * r20,
      a11 = t10 * r01 + t11 * r11 + t12 * r21,
      a12 = t10 * r02 + t11 * r12 + t12 * r22;
    const cxx = a00 * a00 * s0 + a01 * a01 * s1 + a02 * a02 * s2;
    const cxy = a00 * a10 * s0 + a01 * a11 * s1 + a02 * a12 * s2;
    const cyy = a10 * a10 * s0 + a11 * a11 * s1 + a12 * a12 * s2;
    const xx = cxx + COV2D_DILATION,
      yy = cyy + COV2D_DILATION;
    const det = xx * yy - cxy * cxy;
    if (!(det > 0)) continue;
    let opacity = 1 / (1 + Math.exp(-halfValue(w4 >>> 16)));
    if (antialiased) opacity *= Math.sqrt(Math.max(0, (cxx * cyy - cxy * cxy) / det));
    const level = Math.log(opacity / ALPHA_THRESHOLD);
    if (!(level > 0)) continue;
    const mx = fx * tx * rz + cx,
      my = fy * ty * rz + cy;
    const ex = Math.sqrt(2 * level * xx),
      ey = Math.sqrt(2 * level * yy);
    if (!(mx + ex > 0 && my + ey > 0 && mx - ex < width && my - ey < height)) continue;
    // Ellipse axes where alpha reaches the threshold (preprocess.wgsl's ellipse_axes).
    const mid = 0.5 * (xx + yy);
    const spread = Math.sqrt(Math.max(0, mid * mid - det));
    const major = mid + spread,
      minor = Math.max(mid - spread, 0);
    let dx = cxy,
      dy = major - xx;
    if (Math.abs(cxy) < 1e-7 * major) {
      dx = xx >= yy ? 1 : 0;
      dy = 1 - dx;
    }
    const dl = Math.hypot(dx, dy);
    const p2 = 2 * Math.log(opacity / (QUAD_ALPHA_FACTOR * ALPHA_THRESHOLD));
    // Fainter than the quad's cut-off level: draws nothing (preprocess.wgsl culls it too).
    if (!(p2 > 0)) continue;
    // Colour: SH up to the degree, for the direction from the camera centre.
    let vx = px - camX,
      vy = py - camY,
      vz = pz - camZ;
    const vl = Math.hypot(vx, vy, vz);
    if (vl > 0) {
      vx /= vl;
      vy /= vl;
      vz /= vl;
    } else {
      vx = 0;
      vy = 0;
      vz = 1;
    }
    const coefficients = shBasis(shDegree, vx, vy, vz, basis);
    const w6 = splats[o + 6]!,
      w7 = splats[o + 7]!;
    let cr = 0.5 + C0 * halfValue(w6 & 0xffff),
      cg = 0.5 + C0 * halfValue(w6 >>> 16),
      cb = 0.5 + C0 * halfValue(w7 & 0xffff);
    const shScale = halfValue(w7 >>> 16) / 127;
    for (let k = 1; k < coefficients; k++) {
      const j = (k - 1) * 3;
      cr += basis[k]! * shScale * restByte(shRest, i * shWords, j);
      cg += basis[k]! * shScale * restByte(shRest, i * shWords, j + 1);
      cb += basis[k]! * shScale * restByte(shRest, i * shWords, j + 2);
    }
    const w = n * PROJECTED_WORDS;
    unsortedFloats[w] = mx;
    unsortedFloats[w + 1] = my;
    const ma = Math.sqrt(p2 * major) / dl;
    unsorted[w + 2] = packHalf2(dx * ma, dy * ma);
    unsorted[w + 3] = packHalf2(Math.sqrt(p2 * minor), opacity);
    unsorted[w + 4] = packHalf2(Math.max(0, cr), Math.max(0, cg));
    unsorted[w + 5] = packHalf2(Math.max(0, cb), Math.sqrt(p2 * 0.5 * Math.LOG2E));
    depths[n] = tz;
    n++;
  }
  // Back to front: sort slots by decreasing depth.
  const slots = new Uint32Array(n);
  for (let i = 0; i < n; i++) slots[i] = i;
  const d = depths.subarray(0, n);
  slots.sort((a, b) => d[b]! - d[a]!);
  const projected = new Uint32Array(n * PROJECTED_WORDS);
  for (let i = 0; i < n; i++) {
    const from = slots[i]! * PROJECTED_WORDS;
    projected.set(unsorted.subarray(from, from + PROJECTED_WORDS), i * PROJECTED_WORDS);
  }
  for (let i = 0; i < n; i++) slots[i] = i;
  return { count: n, projected, order: slots };
}

/** SH rest coefficient `j` of the Gaussian whose words start at `base`, in units of its scale / 127. */
function restByte(shRest: Uint32Array, base: number, j: number): number {
  const byte = (shRest[base + (j >> 2)]! >>> ((j & 3) * 8)) & 0xff;
  return Math.max(-127, byte > 127 ? byte - 256 : byte);
}

/** Fills `b` with the real SH basis at unit direction (x, y, z); returns the coefficient count. */
function shBasis(degree: number, x: number, y: number, z: number, b: Float64Array): number {
  if (degree < 1) return 1;
  b[1] = -C1 * y;
  b[2] = C1 * z;
  b[3] = -C1 * x;
  if (degree < 2) return 4;
  const xx = x * x,
    yy = y * y,
    zz = z * z;
  b[4] = C2[0]! * x * y;
  b[5] = C2[1]! * y * z;
  b[6] = C2[2]! * (2 * zz - xx - yy);
  b[7] = C2[3]! * x * z;
  b[8] = C2[4]! * (xx - yy);
  if (degree < 3) return 9;
  b[9] = C3[0]! * y * (3 * xx - yy);
  b[10] = C3[1]! * x * y * z;
  b[11] = C3[2]! * y * (4 * zz - xx - yy);
  b[12] = C3[3]! * z * (2 * zz - 3 * xx - 3 * yy);
  b[13] = C3[4]! * x * (4 * zz - xx - yy);
  b[14] = C3[5]! * z * (xx - yy);
  b[15] = C3[6]! * x * (xx - 3 * yy);
  return 16;
}
