// The entropy-coding scheme of each .gsz v2 column, written once for both directions (BitCoder: the encoder
// passes values, the decoder returns them). A chunk's Gaussians are in ascending 48-bit Morton order of
// their quantized positions; every column is its own range-coded stream with its own adaptive models, so
// a reader may skip columns (SH) and chunks decode independently. FORMAT.md describes the same in prose.
import type { BitCoder } from './range-coder.ts';
import { newModel } from './range-coder.ts';
import { GszFormatError } from './gsz-error.ts';

/** Quantized codes of one chunk, in file (Morton) order. */
export interface ChunkCodes {
  n: number;
  /** 48-bit Morton keys (x bit 0, y bit 0, z bit 0, x bit 1, ...), ascending; exact in a double. */
  keys: Float64Array;
  /** Log-scale codes, 3 per Gaussian. */
  logScale: Uint16Array;
  /** x, y, z codes of the quaternion's canonical form (see FORMAT.md: w is the largest component, >= 0). */
  rotation: Uint16Array;
  opacity: Uint16Array;
  /** DC codes, 3 per Gaussian (R, G, B). */
  shDC: Uint16Array;
  /** SH codebook index per Gaussian. */
  shIndex: Uint16Array;
  /** Zigzag SH-rest residual codes, dims per Gaussian (allocated by the caller when the file has them). */
  shResidual: Uint16Array;
}

export function newChunkCodes(n: number): ChunkCodes {
  return {
    n, keys: new Float64Array(n), logScale: new Uint16Array(n * 3), rotation: new Uint16Array(n * 3),
    opacity: new Uint16Array(n), shDC: new Uint16Array(n * 3), shIndex: new Uint16Array(n), shResidual: new Uint16Array(0),
  };
}

const corrupt = (what: string, message: string): never => {
  throw new GszFormatError('corrupt', `${what}: ${message}`);
};

const KEY_LIMIT = 2 ** 48;
const LENGTH_CONTEXTS = 50;
const MANTISSA_MODEL_BITS = 3;

/** Bit length of a non-negative integer < 2^53 (0 for 0). */
function bitLength(v: number): number {
  return v < 0x100000000 ? 32 - Math.clz32(v) : 64 - Math.clz32(Math.floor(v / 0x100000000));
}

/**
 * Positions: the gap g >= 0 between consecutive Morton keys (the first from 0). Its bit length L (0..48) is
 * coded with a 6-bit tree in the context of the previous gap's L (dense runs stay dense); below the leading
 * one, the top 3 bits are modelled per L and the rest are direct bits.
 */
export function codePositions(c: BitCoder, k: ChunkCodes, what: string): void {
  const lengths = newModel(LENGTH_CONTEXTS * 64);
  const mantissa = newModel(LENGTH_CONTEXTS * (1 << MANTISSA_MODEL_BITS));
  let prev = 0;
  let prevLength = 0;
  for (let i = 0; i < k.n; i++) {
    const gap = k.keys[i] - prev;
    const length = c.tree(lengths, prevLength * 64, 6, bitLength(gap));
    if (length > 48) corrupt(what, `position gap of ${length} bits`);
    let g = 0;
    if (length > 0) {
      const below = length - 1;
      const modelled = Math.min(below, MANTISSA_MODEL_BITS);
      const rest = below - modelled;
      const restValue = gap % 2 ** rest; // exact: gap < 2^48
      const top = c.tree(mantissa, length * (1 << MANTISSA_MODEL_BITS), modelled, Math.floor(gap / 2 ** rest) - 2 ** below / 2 ** rest);
      let low: number;
      if (rest > 24) {
        const hi = c.direct(rest - 24, Math.floor(restValue / 2 ** 24));
        low = hi * 2 ** 24 + c.direct(24, restValue % 2 ** 24);
      } else low = c.direct(rest, restValue);
      g = 2 ** below + top * 2 ** rest + low;
    }
    prev += g;
    if (prev >= KEY_LIMIT) corrupt(what, 'Morton key beyond 48 bits');
    k.keys[i] = prev;
    prevLength = length;
  }
}

const zigzag = (d: number): number => (d >= 0 ? 2 * d : -2 * d - 1);
const unzigzag = (z: number): number => (z & 1 ? -((z + 1) >>> 1) : z >>> 1);

/** A code in 0..2^bits-1 from a residual against `base`, or corrupt. */
function fromResidual(base: number, z: number, top: number, what: string, name: string): number {
  const v = base + unzigzag(z);
  if (v < 0 || v > top) corrupt(what, `${name} code ${v} outside 0..${top}`);
  return v;
}

const BUCKETS = 8;
const bucket = (code: number, bits: number): number => (bits > 3 ? code >>> (bits - 3) : code);

/**
 * Three codes per Gaussian (log-scales, DC): the first through a bits-wide tree in the context of the
 * previous Gaussian's first code; the second and third as residuals against the one before (axes of a
 * Gaussian and colour channels are strongly correlated) in the context of that one's value.
 */
export function codeTriples(c: BitCoder, values: Uint16Array, n: number, bits: number, what: string, name: string): void {
  const first = newModel(BUCKETS << bits);
  const second = newModel(BUCKETS << (bits + 1));
  const third = newModel(BUCKETS << (bits + 1));
  const top = 2 ** bits - 1;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const a = c.tree(first, bucket(prev, bits) << bits, bits, values[i * 3]);
    const bz = c.tree(second, bucket(a, bits) << (bits + 1), bits + 1, zigzag(values[i * 3 + 1] - a));
    const b = fromResidual(a, bz, top, what, name);
    const cz = c.tree(third, bucket(b, bits) << (bits + 1), bits + 1, zigzag(values[i * 3 + 2] - b));
    const d = fromResidual(b, cz, top, what, name);
    if (a > top) corrupt(what, `${name} code ${a} outside 0..${top}`);
    values[i * 3] = a;
    values[i * 3 + 1] = b;
    values[i * 3 + 2] = d;
    prev = a;
  }
}

/**
 * Rotation (x, y, z of the canonical quaternion, each in 0..levels-1 over [-1/√2, 1/√2]): x plain, y in the
 * context of |x|, z in the context of x² + y² (the three are bounded together by x² + y² + z² <= 3/4).
 */
export function codeRotations(c: BitCoder, values: Uint16Array, n: number, bits: number, levels: number): void {
  const mx = newModel(BUCKETS << bits);
  const my = newModel(BUCKETS << bits);
  const mz = newModel(BUCKETS << bits);
  const top = levels - 1;
  let px = 0;
  for (let i = 0; i < n; i++) {
    const x = c.tree(mx, bucket(px, bits) << bits, bits, values[i * 3]);
    px = x;
    const dx = Math.min(1, Math.abs(2 * x - top) / top); // |component| / (1/√2), 0..1 (codes >= levels: corrupt input, clamped)
    const y = c.tree(my, Math.min(BUCKETS - 1, Math.floor(dx * BUCKETS)) << bits, bits, values[i * 3 + 1]);
    const dy = Math.min(1, Math.abs(2 * y - top) / top);
    const z = c.tree(mz, Math.min(BUCKETS - 1, Math.floor(((dx * dx + dy * dy) / 2) * BUCKETS)) << bits, bits, values[i * 3 + 2]);
    values[i * 3] = x;
    values[i * 3 + 1] = y;
    values[i * 3 + 2] = z;
  }
}

/** One code per Gaussian (opacity, SH index) through a bits-wide tree in the context of the previous code. */
export function codeSingles(c: BitCoder, values: Uint16Array, n: number, bits: number, contexts: boolean): void {
  const model = newModel((contexts ? BUCKETS : 1) << bits);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const v = c.tree(model, contexts ? bucket(prev, bits) << bits : 0, bits, values[i]);
    values[i] = v;
    prev = v;
  }
}

/**
 * Opacity codes: a bits-wide tree in the context of the previous Gaussian's code (bucket) and of the
 * Gaussian's size (bucket of its mean log-scale code; the log-scale column is decoded first).
 */
export function codeOpacity(c: BitCoder, k: ChunkCodes, bits: number, scaleBits: number): void {
  const model = newModel((BUCKETS * BUCKETS) << bits);
  let prev = 0;
  for (let i = 0; i < k.n; i++) {
    const size = bucket(Math.floor((k.logScale[i * 3] + k.logScale[i * 3 + 1] + k.logScale[i * 3 + 2]) / 3), scaleBits);
    const v = c.tree(model, (bucket(prev, bits) * BUCKETS + size) << bits, bits, k.opacity[i]);
    k.opacity[i] = v;
    prev = v;
  }
}

/** Spreads the low 8 bits of v to every third bit (bit i -> bit 3i). */
function spread8(v: number): number {
  let x = v & 0xff;
  x = (x | (x << 8)) & 0x00f00f;
  x = (x | (x << 4)) & 0x0c30c3;
  x = (x | (x << 2)) & 0x249249;
  return x;
}
function compact8(v: number): number {
  let x = v & 0x249249;
  x = (x | (x >>> 2)) & 0x0c30c3;
  x = (x | (x >>> 4)) & 0x00f00f;
  x = (x | (x >>> 8)) & 0x0000ff;
  return x;
}

/** 48-bit Morton key of three 16-bit codes (exact in a double). */
export function morton48(x: number, y: number, z: number): number {
  const lo = spread8(x) | (spread8(y) << 1) | (spread8(z) << 2);
  const hi = spread8(x >>> 8) | (spread8(y >>> 8) << 1) | (spread8(z >>> 8) << 2);
  return hi * 2 ** 24 + lo;
}
/** Inverse of morton48: writes x, y, z into out[at..at+2]. */
export function demorton48(key: number, out: Uint16Array | Int32Array, at: number): void {
  const hi = Math.floor(key / 2 ** 24);
  const lo = key - hi * 2 ** 24;
  out[at] = compact8(lo) | (compact8(hi) << 8);
  out[at + 1] = compact8(lo >>> 1) | (compact8(hi >>> 1) << 8);
  out[at + 2] = compact8(lo >>> 2) | (compact8(hi >>> 2) << 8);
}

/**
 * SH codebook: K x dims fp16 values, centroid-major. The high byte (sign, exponent, top mantissa bits) is
 * modelled per coefficient (dims contexts: bands differ in range), the low byte per high byte's top bits.
 */
export function codeCodebook(c: BitCoder, halves: Uint16Array, dims: number): void {
  const high = newModel(dims << 8);
  const low = newModel(BUCKETS << 8);
  for (let i = 0; i < halves.length; i++) {
    const h = c.tree(high, (i % dims) << 8, 8, halves[i] >>> 8);
    const l = c.tree(low, ((h >>> 2) & 7) << 8, 8, halves[i] & 0xff);
    halves[i] = (h << 8) | l;
  }
}

/** Largest zigzag residual code: 15 through the small tree, then up to 255 more through the escape tree. */
export const RESIDUAL_MAX = 15 + 255;

/**
 * SH-rest residuals (zigzag codes, dims per Gaussian, mostly 0): min(z, 15) through a 4-bit tree in the
 * context of the coefficient (bands differ) and of the previous code of this Gaussian, min(z', 5) (the
 * channels of one coefficient are interleaved and correlated in size and sign); 15 escapes to an 8-bit tree.
 */
export function codeResiduals(c: BitCoder, values: Uint16Array, n: number, dims: number): void {
  const small = newModel(dims * 6 * 16);
  const escape = newModel(256);
  for (let i = 0; i < n; i++) {
    let prev = 0;
    for (let d = 0; d < dims; d++) {
      const v = values[i * dims + d];
      let z = c.tree(small, (d * 6 + prev) * 16, 4, v < 15 ? v : 15);
      if (z === 15) z += c.tree(escape, 0, 8, v - 15);
      values[i * dims + d] = z;
      prev = z < 5 ? z : 5;
    }
  }
}

export const unzigzagResidual = unzigzag;
