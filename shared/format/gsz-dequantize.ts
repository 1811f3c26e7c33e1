// Codes -> the scene's float columns (positions, log-scales, rotations, opacity logits, SH), the inverse of
// the encoder's quantization (quantize.ts, gsz-codec.ts). Each writes from Gaussian `at` of the output on,
// so chunks decode into one scene; per-code tables hold exactly the doubles the formulas give.
import { OPACITY_LOGIT_LIMIT } from '../scene/gaussian-scene.ts';
import { unzigzagResidual } from './gsz-codec.ts';
import type { Vec3 } from './gsz-layout.ts';
import { decodeOpacity } from './quantize.ts';

/** Positions: origin + code * step per axis, codes from the Morton keys (12 key bits at a time by table). */
export function dequantPositions(
  keys: Float64Array,
  n: number,
  origin: Vec3,
  step: Vec3,
  p: Float32Array,
  at: number,
): void {
  const [ox, oy, oz] = origin;
  const [sx, sy, sz] = step;
  const table = demortonTable();
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    const hi = Math.floor(key / 16777216);
    const lo = key - hi * 16777216;
    // 8 bits of each axis from each 24-bit half: x in bits 0-7, y in 10-17, z in 20-27.
    const l = table[lo & 4095] | (table[lo >>> 12] << 4);
    const h = table[hi & 4095] | (table[hi >>> 12] << 4);
    const o = at + i * 3;
    p[o] = ox + ((l & 255) | ((h & 255) << 8)) * sx;
    p[o + 1] = oy + (((l >>> 10) & 255) | (((h >>> 10) & 255) << 8)) * sy;
    p[o + 2] = oz + (((l >>> 20) & 255) | (((h >>> 20) & 255) << 8)) * sz;
  }
}

export function dequantLinear(
  codes: Uint16Array,
  count: number,
  min: number,
  step: number,
  out: Float32Array,
  at: number,
): void {
  for (let i = 0; i < count; i++) out[at + i] = min + codes[i] * step;
}

/** Rotations: the canonical quaternion's w (the largest component, >= 0) from the unit norm. */
export function dequantRotations(
  codes: Uint16Array,
  n: number,
  levels: number,
  r: Float32Array,
  at: number,
): void {
  const scale = Math.SQRT2 / (levels - 1);
  for (let i = 0; i < n; i++) {
    const x = codes[i * 3] * scale - Math.SQRT1_2;
    const y = codes[i * 3 + 1] * scale - Math.SQRT1_2;
    const z = codes[i * 3 + 2] * scale - Math.SQRT1_2;
    const w = Math.sqrt(Math.max(0, 1 - x * x - y * y - z * z));
    // Re-normalise: the three decoded components may sum past 1 by up to a quantization step.
    const inv = 1 / Math.sqrt(w * w + x * x + y * y + z * z);
    const o = at + i * 4;
    r[o] = w * inv;
    r[o + 1] = x * inv;
    r[o + 2] = y * inv;
    r[o + 3] = z * inv;
  }
}

let demorton: Int32Array | undefined;
/** 12 interleaved Morton bits (x0 y0 z0 x1 ... z3) -> x | y << 10 | z << 20 (4 bits each). */
function demortonTable(): Int32Array {
  if (!demorton) {
    demorton = new Int32Array(4096);
    for (let g = 0; g < 4096; g++) {
      let x = 0;
      let y = 0;
      let z = 0;
      for (let k = 0; k < 4; k++) {
        x |= ((g >>> (3 * k)) & 1) << k;
        y |= ((g >>> (3 * k + 1)) & 1) << k;
        z |= ((g >>> (3 * k + 2)) & 1) << k;
      }
      demorton[g] = x | (y << 10) | (z << 20);
    }
  }
  return demorton;
}

const opacityTables = new Map<number, Float32Array>();
/** Logit of every opacity code (built once per bit count; codes index it directly). */
export function opacityTable(bits: number): Float32Array {
  let t = opacityTables.get(bits);
  if (!t) {
    t = Float32Array.from({ length: 2 ** bits }, (_, code) => decodeOpacity(code, bits, OPACITY_LOGIT_LIMIT));
    opacityTables.set(bits, t);
  }
  return t;
}

/** Largest residual code decodeResidualCodes returns: 3 + a 4-bit tail of 15 + an 8-bit escape. */
const MAX_RESIDUAL_CODE = 3 + 15 + 255;

/** unzigzag(code) * step for every residual code: the same doubles the formula gives, without its branch. */
export function residualValues(step: number): Float64Array {
  const y = new Float64Array(MAX_RESIDUAL_CODE + 1);
  for (let v = 0; v <= MAX_RESIDUAL_CODE; v++) y[v] = unzigzagResidual(v) * step;
  return y;
}

/**
 * SH rest of `n` Gaussians: each one's codebook centroid plus its residual codes `z` (null: none stored) as
 * `residual` values (residualValues), the residual in the orthonormal colour `basis` (v4; RGB = Bᵀ ·
 * coordinates). `index` must be checked against the codebook already.
 */
export function dequantShRest(
  index: Uint16Array,
  z: Uint16Array | null,
  n: number,
  dims: number,
  codebook: Float32Array,
  residual: Float64Array,
  basis: readonly number[],
  rest: Float32Array,
  at: number,
): void {
  if (!z) {
    for (let i = 0, to = at * dims; i < n; i++) {
      const from = index[i] * dims;
      for (let d = 0; d < dims; d++) rest[to++] = codebook[from + d];
    }
    return;
  }
  const y = residual;
  const [b0, b1, b2, b3, b4, b5, b6, b7, b8] = basis;
  for (let i = 0, to = at * dims, k = 0; i < n; i++) {
    const from = index[i] * dims;
    for (let d = 0; d < dims; d += 3, k += 3, to += 3) {
      const v0 = z[k];
      const v1 = z[k + 1];
      const v2 = z[k + 2];
      const c = from + d;
      if ((v0 | v1 | v2) === 0) {
        rest[to] = codebook[c];
        rest[to + 1] = codebook[c + 1];
        rest[to + 2] = codebook[c + 2];
        continue;
      }
      const y0 = y[v0];
      const y1 = y[v1];
      const y2 = y[v2];
      rest[to] = codebook[c] + b0 * y0 + b3 * y1 + b6 * y2;
      rest[to + 1] = codebook[c + 1] + b1 * y0 + b4 * y1 + b7 * y2;
      rest[to + 2] = codebook[c + 2] + b2 * y0 + b5 * y1 + b8 * y2;
    }
  }
}
