// The entropy-coding scheme of each .gsz column (format versions 3 and 4), written once for both directions (BitCoder: the encoder
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
    n,
    keys: new Float64Array(n),
    logScale: new Uint16Array(n * 3),
    rotation: new Uint16Array(n * 3),
    opacity: new Uint16Array(n),
    shDC: new Uint16Array(n * 3),
    shIndex: new Uint16Array(n),
    shResidual: new Uint16Array(0),
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
      const top = c.tree(
        mantissa,
        length * (1 << MANTISSA_MODEL_BITS),
        modelled,
        Math.floor(gap / 2 ** rest) - 2 ** below / 2 ** rest,
      );
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
export function codeTriples(
  c: BitCoder,
  values: Uint16Array,
  n: number,
  bits: number,
  what: string,
  name: string,
): void {
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

/** Modelled bits below the leading one of a DC residual (the rest are direct bits). */
export const COLOUR_MANTISSA_BITS = 3;

/** A zigzag residual z as its bit length L (4-bit tree at `context`) and the bits below the leading one. */
function codeLengthResidual(
  c: BitCoder,
  lengths: Uint16Array,
  mantissa: Uint16Array,
  context: number,
  z: number,
): number {
  const length = c.tree(lengths, context << 4, 4, bitLength(z));
  if (length < 2) return length;
  const below = length - 1;
  const modelled = Math.min(below, COLOUR_MANTISSA_BITS);
  const rest = below - modelled;
  const r = z - (1 << below);
  const top = c.tree(mantissa, ((context << 4) + length) << COLOUR_MANTISSA_BITS, modelled, r >>> rest);
  const low = rest > 0 ? c.direct(rest, r & ((1 << rest) - 1)) : 0;
  return (1 << below) + (top << rest) + low;
}

/**
 * DC codes (R, G, B): R through a bits-wide tree in the context of the previous Gaussian's R, as in
 * codeTriples; G − R and B − G as zigzag residuals z coded by their bit length L (a 4-bit tree in the
 * context of bucket(R) resp. bucket(G)) and, for L >= 2, the top min(L − 1, 3) bits below the leading one
 * through a tree in the context (bucket, L), the rest direct. v2's 9-bit trees spent 9 decisions on a
 * residual that is mostly a few units: biker DC 26 -> 17 decisions per Gaussian at the same size.
 */
export function codeColours(c: BitCoder, values: Uint16Array, n: number, bits: number, what: string): void {
  const first = newModel(BUCKETS << bits);
  const lengths = newModel(2 * BUCKETS * 16);
  const mantissa = newModel((2 * BUCKETS * 16) << COLOUR_MANTISSA_BITS);
  const top = 2 ** bits - 1;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const a = c.tree(first, bucket(prev, bits) << bits, bits, values[i * 3]);
    if (a > top) corrupt(what, `DC code ${a} outside 0..${top}`);
    const bz = codeLengthResidual(c, lengths, mantissa, bucket(a, bits), zigzag(values[i * 3 + 1] - a));
    const b = fromResidual(a, bz, top, what, 'DC');
    const cz = codeLengthResidual(
      c,
      lengths,
      mantissa,
      BUCKETS + bucket(b, bits),
      zigzag(values[i * 3 + 2] - b),
    );
    values[i * 3] = a;
    values[i * 3 + 1] = b;
    values[i * 3 + 2] = fromResidual(b, cz, top, what, 'DC');
    prev = a;
  }
}

/** Rotation codes: the top ROTATION_MODEL_BITS bits are modelled, the bits below are direct (near uniform). */
export const ROTATION_MODEL_BITS = 5;

/**
 * Rotation (x, y, z of the canonical quaternion, each in 0..levels-1 over [-1/√2, 1/√2]): x plain, y in the
 * context of |x|, z in the context of x² + y² (the three are bounded together by x² + y² + z² <= 3/4). Each
 * code: its top min(bits, 5) bits through a tree, the rest as direct bits (v2 modelled all bits: the low
 * bits are near uniform, so the trees only diluted; biker 3.409 -> 3.402 B/G and 15 fewer adaptive decisions).
 */
export function codeRotations(
  c: BitCoder,
  values: Uint16Array,
  n: number,
  bits: number,
  levels: number,
): void {
  const hb = Math.min(bits, ROTATION_MODEL_BITS);
  const low = bits - hb;
  const mask = (1 << low) - 1;
  const mx = newModel(BUCKETS << hb);
  const my = newModel(BUCKETS << hb);
  const mz = newModel(BUCKETS << hb);
  const top = levels - 1;
  const one = (model: Uint16Array, context: number, v: number): number => {
    const h = c.tree(model, context << hb, hb, v >>> low);
    return low > 0 ? (h << low) | c.direct(low, v & mask) : h;
  };
  let px = 0;
  for (let i = 0; i < n; i++) {
    const x = one(mx, bucket(px, bits), values[i * 3]);
    px = x;
    const dx = Math.min(1, Math.abs(2 * x - top) / top); // |component| / (1/√2), 0..1 (codes >= levels: corrupt input, clamped)
    const y = one(my, Math.min(BUCKETS - 1, Math.floor(dx * BUCKETS)), values[i * 3 + 1]);
    const dy = Math.min(1, Math.abs(2 * y - top) / top);
    const z = one(
      mz,
      Math.min(BUCKETS - 1, Math.floor(((dx * dx + dy * dy) / 2) * BUCKETS)),
      values[i * 3 + 2],
    );
    values[i * 3] = x;
    values[i * 3 + 1] = y;
    values[i * 3 + 2] = z;
  }
}

/** One code per Gaussian (opacity, SH index) through a bits-wide tree in the context of the previous code. */
export function codeSingles(
  c: BitCoder,
  values: Uint16Array,
  n: number,
  bits: number,
  contexts: boolean,
): void {
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
    const size = bucket(
      Math.floor((k.logScale[i * 3] + k.logScale[i * 3 + 1] + k.logScale[i * 3 + 2]) / 3),
      scaleBits,
    );
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

/** Largest zigzag residual code: 3 + 15 through the tail tree, then up to 255 more through the escape tree. */
export const RESIDUAL_MAX = 3 + 15 + 255;

/** Context class of the sum of this Gaussian's residual codes so far (0, 1..2, 3..6, more): far from its centroid or not. */
export function residualSumClass(sum: number): number {
  return sum === 0 ? 0 : sum <= 2 ? 1 : sum <= 6 ? 2 : 3;
}

/**
 * SH-rest residuals (zigzag codes z, dims per Gaussian, mostly 0), binarised so a zero costs one decision
 * (v2's 4-bit tree cost four): per coefficient d, with p = min(previous code of this Gaussian, 5) (the
 * channels of one coefficient are interleaved and correlated in size and sign) and cx = d * 6 + p:
 * a non-zero flag (context cx and the class of the sum of the codes so far); if non-zero, a "large" flag
 * (z > 2, context cx); small: z - 1 (the sign of a +-1) as one bit (context cx); large: min(z - 3, 15)
 * through a 4-bit tree (context cx), 15 escaping to an 8-bit tree for z - 18.
 */
export function codeResiduals(c: BitCoder, values: Uint16Array, n: number, dims: number): void {
  const nonzero = newModel(dims * 6 * 4);
  const large = newModel(dims * 6);
  const sign = newModel(dims * 6);
  const tail = newModel(dims * 6 * 16);
  const escapeModel = newModel(256);
  for (let i = 0; i < n; i++) {
    let prev = 0;
    let sum = 0;
    for (let d = 0; d < dims; d++) {
      const v = values[i * dims + d];
      const cx = d * 6 + prev;
      let z = 0;
      if (c.bit(nonzero, cx * 4 + residualSumClass(sum), v === 0 ? 0 : 1)) {
        if (c.bit(large, cx, v > 2 ? 1 : 0)) {
          z = 3 + c.tree(tail, cx * 16, 4, Math.min(v - 3, 15));
          if (z === 18) z += c.tree(escapeModel, 0, 8, v - 18);
        } else {
          z = 1 + c.bit(sign, cx, v === 2 ? 1 : 0);
        }
      }
      values[i * dims + d] = z;
      prev = Math.min(z, 5);
      sum += z;
    }
  }
}

export const unzigzagResidual = unzigzag;
