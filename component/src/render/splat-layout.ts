// The viewer's GPU layout, written once: word counts here reach the WGSL as defines (`layoutDefines`),
// splat-layout.wgsl unpacks exactly what `packSplat` writes, and splat-layout.test.ts checks both sides
// field by field (on the GPU where there is one).
//
// Splat record, SPLAT_WORDS u32 = 24 bytes:
//   w0-2  position xyz, float32 (world units as in the file; frames subtract the camera position before
//         anything else, so nothing is lost far from the origin)
//   w3    rotation wxyz, smallest three (smallest-three.ts)
//   w4    log-scale x, y, z codes (9 bits each, bits 0-26) on the scene's log-scale grid; bits 27-31 the
//         opacity code's high 5 bits
//   w5    SH DC r, g, b codes (9 bits each, bits 0-26) on the scene's DC grid; bits 27-29 the opacity
//         code's low 3 bits
//   The opacity code is sigmoid(logit) as an 8-bit unorm (the file's own default grid). The grids
//   (`SplatGrids`) are the file's quantization grids (header `quant`), so with the file's default bit
//   counts (<= 9) the codes are the file's and nothing is lost; in-memory scenes use their value range.
// SH rest, shRestWords(degree) u32: bits 0-15 of the first word the Gaussian's largest |coefficient| as a
//   half float (rounded up), then the rest coefficients in GaussianScene's order (coefficient-major, RGB
//   interleaved) as signed 6-bit integers times scale / 31, packed from bit 16 on (a field may straddle
//   two words). Error <= 1.6% of the scale: below the file's own residual step (0.1). A lower degree is a
//   prefix of the words.
// Draw order: ORDER_WORDS u32 per Gaussian (the depth-sorted indices the draw pulls; depth-order.wgsl).
// Nothing else is allocated per Gaussian: the draw projects in the vertex stage.
import { halfBits, halfValue } from './half-float.ts';
import { packRotation, unpackRotation } from './smallest-three.ts';

export const SPLAT_WORDS = 6;
/** Per-Gaussian u32s of the depth order (the sorted indices). */
export const ORDER_WORDS = 1;
/** Bits of a log-scale or DC code. */
export const GRID_BITS = 9;
const GRID_MAX = (1 << GRID_BITS) - 1;
const OPACITY_MAX = 255;
/** Bits of one SH rest coefficient, and its largest magnitude. */
const SH_BITS = 6;
const SH_MAX = 31;
/** Bits in front of the coefficients (the half-float scale). */
const SH_SCALE_BITS = 16;

/** u32 words of SH rest per Gaussian for `degree` (0-3): 0, 3, 5, 9. */
export function shRestWords(degree: number): number {
  if (degree <= 0) return 0;
  return Math.ceil((SH_SCALE_BITS + SH_BITS * 3 * ((degree + 1) ** 2 - 1)) / 32);
}

/** The SH degree whose rest takes `words` words (inverse of shRestWords). */
export function shDegreeOfWords(words: number): number {
  return [0, 1, 2, 3].findIndex((d) => shRestWords(d) === words);
}

/** GPU bytes per Gaussian drawn at `shDegree`: splat record, SH rest and draw order (28, 40, 48, 64). */
export function gpuBytesPerSplat(shDegree: number): number {
  return 4 * (SPLAT_WORDS + shRestWords(shDegree) + ORDER_WORDS);
}

/** Defines for composeWgsl: the WGSL's strides come from here. */
export const layoutDefines = { SPLAT_WORDS } as const;

/** value = min + code * step. */
export interface Grid {
  min: number;
  step: number;
}

/** The grids of a scene's log-scale and SH DC codes (one grid for the three axes / channels). */
export interface SplatGrids {
  logScale: Grid;
  shDC: Grid;
}

/** A file grid of `bits` bits as GRID_BITS codes: the same grid when it fits, else every 2^k-th line. */
export function gridOfQuant(q: { min: number; step: number; bits: number }): Grid {
  return { min: q.min, step: q.step * 2 ** Math.max(0, q.bits - GRID_BITS) };
}

/** The finite range of `values` (e.g. an in-memory scene's log-scales) over GRID_BITS codes. */
export function gridOfValues(values: ArrayLike<number>): Grid {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(min <= max)) return { min: 0, step: 1 };
  return { min, step: max > min ? (max - min) / GRID_MAX : 1 };
}

function gridCode(v: number, g: Grid): number {
  const q = Math.round((v - g.min) / g.step);
  return q >= 0 ? Math.min(GRID_MAX, q) : 0; // NaN -> 0
}

function gridValue(code: number, g: Grid): number {
  return Math.fround(g.min) + code * Math.fround(g.step);
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

function opacityCode(logit: number): number {
  const a = 1 / (1 + Math.exp(-logit));
  return Number.isFinite(a) ? Math.round(a * OPACITY_MAX) : 0;
}

/** The smallest half float >= `v` (v >= 0): the SH scale rounds up so every code stays in range. */
function halfAtLeast(v: number): number {
  let bits = halfBits(v);
  if (halfValue(bits) < v) bits++;
  return bits;
}

/**
 * Writes one Gaussian's record at `splats[i * SPLAT_WORDS]` and its SH rest (as much of `fields.shRest`
 * as `shWords` words hold) at `shRest[i * shWords]`.
 */
export function packSplat(
  fields: SplatFields,
  grids: SplatGrids,
  i: number,
  splats: Uint32Array,
  shRest: Uint32Array,
  shWords: number,
): void {
  const o = i * SPLAT_WORDS;
  const { position: p, logScale: s, rotation: r, shDC: dc, shRest: rest } = fields;
  const opacity = opacityCode(fields.opacityLogit);
  const ls = (a: number) => gridCode(s[a]!, grids.logScale) << (GRID_BITS * a);
  const c = (a: number) => gridCode(dc[a]!, grids.shDC) << (GRID_BITS * a);
  splats[o] = floatBits(p[0]!);
  splats[o + 1] = floatBits(p[1]!);
  splats[o + 2] = floatBits(p[2]!);
  splats[o + 3] = packRotation(r[0]!, r[1]!, r[2]!, r[3]!);
  splats[o + 4] = (ls(0) | ls(1) | ls(2) | ((opacity >> 3) << 27)) >>> 0;
  splats[o + 5] = (c(0) | c(1) | c(2) | ((opacity & 7) << 27)) >>> 0;
  if (shWords === 0) return;
  const base = i * shWords;
  shRest.fill(0, base, base + shWords);
  const n = Math.min(rest.length, Math.floor((shWords * 32 - SH_SCALE_BITS) / SH_BITS));
  let scale = 0;
  for (let j = 0; j < n; j++) scale = Math.max(scale, Math.abs(rest[j]!));
  const scaleBits = halfAtLeast(scale);
  shRest[base] = scaleBits;
  const inverse = scale > 0 ? SH_MAX / halfValue(scaleBits) : 0;
  for (let j = 0; j < n; j++) {
    const q = Math.max(-SH_MAX, Math.min(SH_MAX, Math.round(rest[j]! * inverse) || 0));
    const field = (q & 63) >>> 0;
    const bit = SH_SCALE_BITS + SH_BITS * j;
    const w = base + (bit >> 5);
    const shift = bit & 31;
    shRest[w] = (shRest[w]! | (field << shift)) >>> 0;
    if (shift > 32 - SH_BITS) shRest[w + 1] = (shRest[w + 1]! | (field >>> (32 - shift))) >>> 0;
  }
}

/** Reads back what packSplat wrote (the CPU side of splat-layout.wgsl's unpack_splat / sh_rest_value). */
export function unpackSplat(
  splats: Uint32Array,
  shRest: Uint32Array,
  shWords: number,
  grids: SplatGrids,
  i: number,
  restCoefficients = 3 * ((shDegreeOfWords(shWords) + 1) ** 2 - 1),
): SplatFields {
  const o = i * SPLAT_WORDS;
  const w = (k: number) => splats[o + k]!;
  const field = (word: number, a: number) => (word >>> (GRID_BITS * a)) & GRID_MAX;
  const opacity = ((w(4) >>> 27) << 3) | ((w(5) >>> 27) & 7);
  const a = opacity / OPACITY_MAX;
  const base = i * shWords;
  const scale = shWords > 0 ? halfValue(shRest[base]! & 0xffff) / SH_MAX : 0;
  const rest = new Float64Array(restCoefficients);
  for (let j = 0; j < rest.length; j++) {
    const bit = SH_SCALE_BITS + SH_BITS * j;
    const shift = bit & 31;
    let v = shRest[base + (bit >> 5)]! >>> shift;
    if (shift > 32 - SH_BITS) v |= shRest[base + (bit >> 5) + 1]! << (32 - shift);
    rest[j] = Math.max(-SH_MAX, ((v & 63) << 26) >> 26) * scale;
  }
  return {
    position: [bitsFloat(w(0)), bitsFloat(w(1)), bitsFloat(w(2))],
    logScale: [0, 1, 2].map((k) => gridValue(field(w(4), k), grids.logScale)),
    rotation: unpackRotation(w(3)),
    opacityLogit: Math.log(Math.max(a, 1e-8) / Math.max(1 - a, 1e-8)),
    shDC: [0, 1, 2].map((k) => gridValue(field(w(5), k), grids.shDC)),
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
