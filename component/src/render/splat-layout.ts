// The viewer's GPU layouts, written once: word counts here are passed to the WGSL as defines
// (`layoutDefines`), splat-layout.wgsl unpacks exactly what `packSplat` / `packProjected` write, and
// splat-layout.test.ts checks both sides field by field (on the GPU where there is one).
//
// Splat record, SPLAT_WORDS u32 = 32 bytes:
//   w0-2  position xyz, float32 (world units: float32 as in the file, no precision lost far from the origin)
//   w3    log-scale x, y                 (half floats: 2^-11 relative, 0.05% of the scale at |log| < 1)
//   w4    log-scale z, opacity logit     (half floats)
//   w5    rotation wxyz, "smallest three": index of the largest |component| (2 bits) and the other three,
//         sign-flipped so the largest is positive, in [-1/sqrt2, 1/sqrt2] as 10-bit unorms (error < 7e-4)
//   w6    SH DC r, g                     (half floats)
//   w7    SH DC b, SH rest scale         (half floats)
// SH rest, shRestWords(degree) u32: the rest coefficients in GaussianScene's order (coefficient-major,
//   RGB interleaved) as signed bytes times scale / 127 (WGSL unpack4x8snorm), 4 per word; the scale is the
//   Gaussian's largest |coefficient|, so the error is at most 0.4% of it. A lower degree is a prefix.
// Projected splat (preprocess.wgsl -> splat.wgsl), PROJECTED_WORDS u32 = 24 bytes:
//   w0-1  centre, pixels (float32)
//   w2    major half-axis xy, pixels     (half floats)
//   w3    minor half-axis length, pixels (perpendicular to the major one), opacity (half floats)
//   w4    rgb r, g                        (half floats: colours above 1 survive for float targets)
//   w5    rgb b, exponent scale           (half floats)
import { halfBits, halfValue, packHalf2, unpackHalf } from './half-float.ts';

export const SPLAT_WORDS = 8;
export const PROJECTED_WORDS = 6;
/** Per-splat u32s of the depth sort: keys and values, and the radix sort's two temporaries. */
export const SORT_WORDS = 4;

/** u32 words of SH rest per Gaussian for `degree` (0-3): 0, 3, 6, 12. */
export function shRestWords(degree: number): number {
  return Math.ceil((((degree + 1) ** 2 - 1) * 3) / 4);
}

/** The SH degree whose rest takes `words` words (inverse of shRestWords). */
export function shDegreeOfWords(words: number): number {
  return [0, 3, 6, 12].indexOf(words);
}

/** GPU bytes per Gaussian drawn at `shDegree`: splat record, SH rest, projected slot and sort words. */
export function gpuBytesPerSplat(shDegree: number): number {
  return 4 * (SPLAT_WORDS + shRestWords(shDegree) + PROJECTED_WORDS + SORT_WORDS);
}

/** Defines for composeWgsl: the WGSL's strides come from here. */
export const layoutDefines = { SPLAT_WORDS, PROJECTED_WORDS } as const;

const SQRT1_2 = Math.SQRT1_2;
const QUAT_LEVELS = 1023;

/** Packs a rotation (w, x, y, z; any length, zero = identity) into the smallest-three word. */
export function packRotation(w: number, x: number, y: number, z: number): number {
  const q = [w, x, y, z];
  const length = Math.hypot(w, x, y, z);
  if (!(length > 0) || !Number.isFinite(length)) return packRotation(1, 0, 0, 0);
  let largest = 0;
  for (let i = 1; i < 4; i++) if (Math.abs(q[i]!) > Math.abs(q[largest]!)) largest = i;
  const sign = q[largest]! < 0 ? -1 : 1;
  let word = largest;
  let shift = 2;
  for (let i = 0; i < 4; i++) {
    if (i === largest) continue;
    word |= encodeQuatComponent((sign * q[i]!) / length) << shift;
    shift += 10;
  }
  return word >>> 0;
}

function encodeQuatComponent(v: number): number {
  const u = Math.round((v / SQRT1_2 / 2 + 0.5) * QUAT_LEVELS);
  return Math.max(0, Math.min(QUAT_LEVELS, u));
}

/** Unpacks a smallest-three word into a unit quaternion (w, x, y, z). */
export function unpackRotation(word: number): [number, number, number, number] {
  const largest = word & 3;
  const rest = [2, 12, 22].map((s) => (((word >>> s) & QUAT_LEVELS) / QUAT_LEVELS - 0.5) * 2 * SQRT1_2);
  const big = Math.sqrt(Math.max(0, 1 - rest[0]! ** 2 - rest[1]! ** 2 - rest[2]! ** 2));
  rest.splice(largest, 0, big);
  return rest as [number, number, number, number];
}

/** The smallest half float >= `v` (v >= 0): the SH scale rounds up so every byte stays in range. */
function halfAtLeast(v: number): number {
  let bits = halfBits(v);
  if (halfValue(bits) < v) bits++;
  return bits;
}

export interface SplatFields {
  position: ArrayLike<number>; // xyz
  logScale: ArrayLike<number>; // xyz
  rotation: ArrayLike<number>; // wxyz
  opacityLogit: number;
  shDC: ArrayLike<number>; // rgb
  /** Rest coefficients [restCount, 3] (may be empty). */
  shRest: ArrayLike<number>;
}

const positionView = new Float32Array(1);
const positionBits = new Uint32Array(positionView.buffer);
function floatBits(v: number): number {
  positionView[0] = v;
  return positionBits[0]!;
}
function bitsFloat(bits: number): number {
  positionBits[0] = bits;
  return positionView[0]!;
}

/**
 * Writes one Gaussian's record at `splats[i * SPLAT_WORDS]` and its SH rest (all of `fields.shRest`,
 * quantized; `shWords` words) at `shRest[i * shWords]`.
 */
export function packSplat(
  fields: SplatFields,
  i: number,
  splats: Uint32Array,
  shRest: Uint32Array,
  shWords: number,
): void {
  const o = i * SPLAT_WORDS;
  const { position: p, logScale: s, rotation: r, shDC: dc, shRest: rest } = fields;
  splats[o] = floatBits(p[0]!);
  splats[o + 1] = floatBits(p[1]!);
  splats[o + 2] = floatBits(p[2]!);
  splats[o + 3] = packHalf2(s[0]!, s[1]!);
  splats[o + 4] = packHalf2(s[2]!, fields.opacityLogit);
  splats[o + 5] = packRotation(r[0]!, r[1]!, r[2]!, r[3]!);
  splats[o + 6] = packHalf2(dc[0]!, dc[1]!);
  let scale = 0;
  const n = Math.min(rest.length, shWords * 4);
  for (let j = 0; j < n; j++) scale = Math.max(scale, Math.abs(rest[j]!));
  const scaleBits = halfAtLeast(scale);
  splats[o + 7] = (halfBits(dc[2]!) | (scaleBits << 16)) >>> 0;
  if (shWords === 0) return;
  const inverse = scale > 0 ? 127 / halfValue(scaleBits) : 0;
  const base = i * shWords;
  shRest.fill(0, base, base + shWords);
  for (let j = 0; j < n; j++) {
    const q = Math.max(-127, Math.min(127, Math.round(rest[j]! * inverse)));
    shRest[base + (j >> 2)]! |= (q & 0xff) << ((j & 3) * 8);
  }
  for (let w = base; w < base + shWords; w++) shRest[w] = shRest[w]! >>> 0;
}

/** Reads back what packSplat wrote (the CPU side of splat-layout.wgsl's unpack_splat). */
export function unpackSplat(
  splats: Uint32Array,
  shRest: Uint32Array,
  shWords: number,
  i: number,
  restCoefficients = shWords * 4,
): SplatFields {
  const o = i * SPLAT_WORDS;
  const w = (k: number) => splats[o + k]!;
  const scale = unpackHalf(w(7), 1) / 127;
  const rest = new Float64Array(Math.min(restCoefficients, shWords * 4));
  for (let j = 0; j < rest.length; j++) {
    const byte = (shRest[i * shWords + (j >> 2)]! >>> ((j & 3) * 8)) & 0xff;
    rest[j] = Math.max(-127, byte > 127 ? byte - 256 : byte) * scale;
  }
  return {
    position: [bitsFloat(w(0)), bitsFloat(w(1)), bitsFloat(w(2))],
    logScale: [unpackHalf(w(3), 0), unpackHalf(w(3), 1), unpackHalf(w(4), 0)],
    rotation: unpackRotation(w(5)),
    opacityLogit: unpackHalf(w(4), 1),
    shDC: [unpackHalf(w(6), 0), unpackHalf(w(6), 1), unpackHalf(w(7), 0)],
    shRest: rest,
  };
}

/** Copies the first `toWords` of each Gaussian's `fromWords` SH rest words (a lower drawn degree). */
export function truncateShRest(
  shRest: Uint32Array,
  count: number,
  fromWords: number,
  toWords: number,
): Uint32Array {
  if (toWords === fromWords) return shRest;
  const out = new Uint32Array(count * toWords);
  for (let i = 0; i < count; i++)
    out.set(shRest.subarray(i * fromWords, i * fromWords + toWords), i * toWords);
  return out;
}

export interface ProjectedFields {
  centre: [number, number];
  major: [number, number];
  minorLength: number;
  opacity: number;
  rgb: [number, number, number];
  exponentScale: number;
}

/** Writes projected slot `slot` (the CPU first frames and the warm-up draw use it). */
export function packProjected(p: ProjectedFields, slot: number, out: Uint32Array): void {
  const o = slot * PROJECTED_WORDS;
  out[o] = floatBits(p.centre[0]);
  out[o + 1] = floatBits(p.centre[1]);
  out[o + 2] = packHalf2(p.major[0], p.major[1]);
  out[o + 3] = packHalf2(p.minorLength, p.opacity);
  out[o + 4] = packHalf2(p.rgb[0], p.rgb[1]);
  out[o + 5] = packHalf2(p.rgb[2], p.exponentScale);
}

export function unpackProjected(words: Uint32Array, slot: number): ProjectedFields {
  const o = slot * PROJECTED_WORDS;
  return {
    centre: [bitsFloat(words[o]!), bitsFloat(words[o + 1]!)],
    major: [unpackHalf(words[o + 2]!, 0), unpackHalf(words[o + 2]!, 1)],
    minorLength: unpackHalf(words[o + 3]!, 0),
    opacity: unpackHalf(words[o + 3]!, 1),
    rgb: [unpackHalf(words[o + 4]!, 0), unpackHalf(words[o + 4]!, 1), unpackHalf(words[o + 5]!, 0)],
    exponentScale: unpackHalf(words[o + 5]!, 1),
  };
}
