// Decode-only twins of the column schemes in gsz-codec.ts, for speed: each column is decoded in one function
// whose range-coder state (range, code, read position) lives in locals and whose bit-tree steps are written
// out inline, so the hot loop touches no object fields and calls nothing. The bitstream is exactly the one
// gsz-codec.ts + range-coder.ts define (FORMAT.md); column-decoder.test.ts checks both decoders agree on
// random and real streams. Models are laid out as in range-coder.ts (newModel: [fast, slow] per slot).
// Corrupt input throws GszFormatError('corrupt') at the same points the generic decoder does.
import { GszFormatError } from './gsz-error.ts';
import { COLOUR_MANTISSA_BITS, ROTATION_MODEL_BITS } from './gsz-codec.ts';
import { newModel } from './range-coder.ts';

/** Unsigned comparisons on int32 values: (a ^ SIGN) < (b ^ SIGN) iff a < b as uint32. */
const SIGN = -0x80000000;
const ONE = 1 << 15;

function fail(what: string, message: string): never {
  throw new GszFormatError('corrupt', `${what}: ${message}`);
}
const endsEarly = (what: string): never => fail(what, 'range-coded stream ends early');

/**
 * A column must be consumed exactly: the decoder reads 5 bytes plus one a renormalisation, the encoder writes
 * as many, then only zero padding (padTo in the encoder, for the expansion limit). Other bytes left over mean
 * the column holds more values than the chunk's count says.
 */
export function checkConsumed(bytes: Uint8Array, pos: number, what: string): void {
  for (let k = pos; k < bytes.length; k++)
    if (bytes[k] !== 0)
      fail(what, `${bytes.length - pos} bytes left over after the chunk's Gaussians (count too small?)`);
}

/** Checks the stream's start and returns the initial code (bytes 1..4, big-endian). */
function startCode(bytes: Uint8Array, what: string): number {
  if (bytes.length < 5) fail(what, `${bytes.length} bytes cannot hold a range-coded stream`);
  if (bytes[0] !== 0) fail(what, 'range-coded stream does not start with 0');
  return (bytes[1] << 24) | (bytes[2] << 16) | (bytes[3] << 8) | bytes[4];
}

const BUCKETS = 8;
const bucketShift = (bits: number): number => (bits > 3 ? bits - 3 : 0);
const KEY_LIMIT = 2 ** 48;
const LENGTH_CONTEXTS = 50;
const MANTISSA_BITS = 3;

/**
 * Positions column -> Morton keys (see codePositions). The gap's bit length through a 6-bit tree in the
 * context of the previous length, then the top 3 bits below the leading one through a tree per length, then
 * direct bits.
 */
export function decodePositionKeys(bytes: Uint8Array, keys: Float64Array, n: number, what: string): void {
  const lengths = newModel(LENGTH_CONTEXTS * 64);
  const mantissa = newModel(LENGTH_CONTEXTS << MANTISSA_BITS);
  let code = startCode(bytes, what);
  let range = -1; // 2^32 - 1 as int32
  let pos = 5;
  const end = bytes.length;
  let prev = 0;
  let prevLength = 0;
  for (let i = 0; i < n; i++) {
    // bit length L, 6-bit tree at base prevLength * 64
    let m = 1;
    const lb = prevLength << 6;
    for (let b = 0; b < 6; b++) {
      const j = (lb + m) << 1;
      const f = lengths[j];
      const s = lengths[j + 1];
      const bound = Math.imul(range >>> 15, (f + s) >>> 1);
      if ((code ^ SIGN) < (bound ^ SIGN)) {
        range = bound;
        lengths[j] = f + ((ONE - f) >>> 4);
        lengths[j + 1] = s + ((ONE - s) >>> 7);
        m <<= 1;
      } else {
        code = (code - bound) | 0;
        range = (range - bound) | 0;
        lengths[j] = f - (f >>> 4);
        lengths[j + 1] = s - (s >>> 7);
        m = (m << 1) | 1;
      }
      while (range >>> 24 === 0) {
        if (pos >= end) endsEarly(what);
        range <<= 8;
        code = (code << 8) | bytes[pos++];
      }
    }
    const length = m - 64;
    if (length > 48) fail(what, `position gap of ${length} bits`);
    let g = 0;
    if (length > 0) {
      const below = length - 1;
      const modelled = Math.min(below, MANTISSA_BITS);
      const rest = below - modelled;
      m = 1;
      const mb = length << MANTISSA_BITS;
      for (let b = 0; b < modelled; b++) {
        const j = (mb + m) << 1;
        const f = mantissa[j];
        const s = mantissa[j + 1];
        const bound = Math.imul(range >>> 15, (f + s) >>> 1);
        if ((code ^ SIGN) < (bound ^ SIGN)) {
          range = bound;
          mantissa[j] = f + ((ONE - f) >>> 4);
          mantissa[j + 1] = s + ((ONE - s) >>> 7);
          m <<= 1;
        } else {
          code = (code - bound) | 0;
          range = (range - bound) | 0;
          mantissa[j] = f - (f >>> 4);
          mantissa[j + 1] = s - (s >>> 7);
          m = (m << 1) | 1;
        }
        while (range >>> 24 === 0) {
          if (pos >= end) endsEarly(what);
          range <<= 8;
          code = (code << 8) | bytes[pos++];
        }
      }
      const top = m - (1 << modelled);
      // Direct bits, most significant first, gathered in two parts of at most 24 bits (exact integers).
      let hi = 0;
      let lo = 0;
      for (let b = 0; b < rest; b++) {
        range >>>= 1;
        // Equiprobable, so unpredictable: decided without a branch (bit = code >= range, unsigned).
        const d = (code - range) | 0;
        const bit = 1 ^ (((~code & range) | (~(code ^ range) & d)) >>> 31);
        code = (code - (range & -bit)) | 0;
        if (b < rest - 24) hi = (hi << 1) | bit;
        else lo = (lo << 1) | bit;
        if (range >>> 24 === 0) {
          if (pos >= end) endsEarly(what);
          range <<= 8;
          code = (code << 8) | bytes[pos++];
        }
      }
      g = 2 ** below + top * 2 ** rest + hi * 16777216 + lo;
    }
    prev += g;
    if (prev >= KEY_LIMIT) fail(what, 'Morton key beyond 48 bits');
    keys[i] = prev;
    prevLength = length;
  }
  checkConsumed(bytes, pos, what);
}

/**
 * Three codes per Gaussian (log-scales, DC; see codeTriples): the first through a bits-wide tree in the
 * context of the previous Gaussian's first code, then zigzag residuals to the code before through
 * (bits+1)-wide trees in the context of that code. `name` names the attribute in errors.
 */
export function decodeTriples(
  bytes: Uint8Array,
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
  const shift = bucketShift(bits);
  const wide = bits + 1;
  const rootA = 1 << bits;
  const rootZ = 1 << wide;
  let code = startCode(bytes, what);
  let range = -1; // 2^32 - 1 as int32
  let pos = 5;
  const end = bytes.length;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    // a: bits tree, context bucket(prev)
    let base = (prev >>> shift) << bits;
    let m = 1;
    while (m < rootA) {
      const j = (base + m) << 1;
      const f = first[j];
      const s = first[j + 1];
      const bound = Math.imul(range >>> 15, (f + s) >>> 1);
      if ((code ^ SIGN) < (bound ^ SIGN)) {
        range = bound;
        first[j] = f + ((ONE - f) >>> 4);
        first[j + 1] = s + ((ONE - s) >>> 7);
        m <<= 1;
      } else {
        code = (code - bound) | 0;
        range = (range - bound) | 0;
        first[j] = f - (f >>> 4);
        first[j + 1] = s - (s >>> 7);
        m = (m << 1) | 1;
      }
      while (range >>> 24 === 0) {
        if (pos >= end) endsEarly(what);
        range <<= 8;
        code = (code << 8) | bytes[pos++];
      }
    }
    const a = m - rootA;
    // b = a + unzigzag(z), z: (bits+1) tree, context bucket(a)
    base = (a >>> shift) << wide;
    m = 1;
    while (m < rootZ) {
      const j = (base + m) << 1;
      const f = second[j];
      const s = second[j + 1];
      const bound = Math.imul(range >>> 15, (f + s) >>> 1);
      if ((code ^ SIGN) < (bound ^ SIGN)) {
        range = bound;
        second[j] = f + ((ONE - f) >>> 4);
        second[j + 1] = s + ((ONE - s) >>> 7);
        m <<= 1;
      } else {
        code = (code - bound) | 0;
        range = (range - bound) | 0;
        second[j] = f - (f >>> 4);
        second[j + 1] = s - (s >>> 7);
        m = (m << 1) | 1;
      }
      while (range >>> 24 === 0) {
        if (pos >= end) endsEarly(what);
        range <<= 8;
        code = (code << 8) | bytes[pos++];
      }
    }
    let z = m - rootZ;
    const b = a + (z & 1 ? -((z + 1) >>> 1) : z >>> 1);
    if (b < 0 || b > top) fail(what, `${name} code ${b} outside 0..${top}`);
    base = (b >>> shift) << wide;
    m = 1;
    while (m < rootZ) {
      const j = (base + m) << 1;
      const f = third[j];
      const s = third[j + 1];
      const bound = Math.imul(range >>> 15, (f + s) >>> 1);
      if ((code ^ SIGN) < (bound ^ SIGN)) {
        range = bound;
        third[j] = f + ((ONE - f) >>> 4);
        third[j + 1] = s + ((ONE - s) >>> 7);
        m <<= 1;
      } else {
        code = (code - bound) | 0;
        range = (range - bound) | 0;
        third[j] = f - (f >>> 4);
        third[j + 1] = s - (s >>> 7);
        m = (m << 1) | 1;
      }
      while (range >>> 24 === 0) {
        if (pos >= end) endsEarly(what);
        range <<= 8;
        code = (code << 8) | bytes[pos++];
      }
    }
    z = m - rootZ;
    const c = b + (z & 1 ? -((z + 1) >>> 1) : z >>> 1);
    if (c < 0 || c > top) fail(what, `${name} code ${c} outside 0..${top}`);
    values[i * 3] = a;
    values[i * 3 + 1] = b;
    values[i * 3 + 2] = c;
    prev = a;
  }
  checkConsumed(bytes, pos, what);
}

/**
 * Decodes one `bits`-wide binary-tree symbol with the models of `probs` starting at node `base` (the
 * context's first node, already shifted left by `bits`), adapting them; the coder state comes in and goes
 * out through `state` ([range, code, pos], see startState). The hot path of the single-code columns and
 * of the rarer decisions of the others.
 */
function decodeTreeRun(
  bytes: Uint8Array,
  what: string,
  state: Int32Array,
  probs: Uint16Array,
  base: number,
  bits: number,
): number {
  let range = state[0];
  let code = state[1];
  let pos = state[2];
  const end = bytes.length;
  const root = 1 << bits;
  let m = 1;
  while (m < root) {
    const j = (base + m) << 1;
    const f = probs[j];
    const s = probs[j + 1];
    const bound = Math.imul(range >>> 15, (f + s) >>> 1);
    if ((code ^ SIGN) < (bound ^ SIGN)) {
      range = bound;
      probs[j] = f + ((ONE - f) >>> 4);
      probs[j + 1] = s + ((ONE - s) >>> 7);
      m <<= 1;
    } else {
      code = (code - bound) | 0;
      range = (range - bound) | 0;
      probs[j] = f - (f >>> 4);
      probs[j + 1] = s - (s >>> 7);
      m = (m << 1) | 1;
    }
    while (range >>> 24 === 0) {
      if (pos >= end) endsEarly(what);
      range <<= 8;
      code = (code << 8) | bytes[pos++];
    }
  }
  state[0] = range;
  state[1] = code;
  state[2] = pos;
  return m - root;
}

/** Coder state for decodeTreeRun: [range, code, pos] (a typed array: no boxing between calls). */
function startState(bytes: Uint8Array, what: string): Int32Array {
  const st = new Int32Array(3);
  st[0] = -1;
  st[1] = startCode(bytes, what);
  st[2] = 5;
  return st;
}

/**
 * DC codes (see codeColours): R through a tree, G − R and B − G by bit length and mantissa. Written out
 * with the coder state in locals (as decodeTriples): one loop per tree, k = 0 for R, 1 for G, 2 for B.
 */
export function decodeColours(
  bytes: Uint8Array,
  values: Uint16Array,
  n: number,
  bits: number,
  what: string,
): void {
  const first = newModel(BUCKETS << bits);
  const lengths = newModel(2 * BUCKETS * 16);
  const mantissa = newModel((2 * BUCKETS * 16) << COLOUR_MANTISSA_BITS);
  const top = 2 ** bits - 1;
  const shift = bucketShift(bits);
  const rootA = 1 << bits;
  let code = startCode(bytes, what);
  let range = -1; // 2^32 - 1 as int32
  let pos = 5;
  const end = bytes.length;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    // R: bits tree, context bucket(previous R)
    let base = (prev >>> shift) << bits;
    let m = 1;
    while (m < rootA) {
      const j = (base + m) << 1;
      const f = first[j];
      const s = first[j + 1];
      const bound = Math.imul(range >>> 15, (f + s) >>> 1);
      if ((code ^ SIGN) < (bound ^ SIGN)) {
        range = bound;
        first[j] = f + ((ONE - f) >>> 4);
        first[j + 1] = s + ((ONE - s) >>> 7);
        m <<= 1;
      } else {
        code = (code - bound) | 0;
        range = (range - bound) | 0;
        first[j] = f - (f >>> 4);
        first[j + 1] = s - (s >>> 7);
        m = (m << 1) | 1;
      }
      while (range >>> 24 === 0) {
        if (pos >= end) endsEarly(what);
        range <<= 8;
        code = (code << 8) | bytes[pos++];
      }
    }
    const a = m - rootA;
    if (a > top) fail(what, `DC code ${a} outside 0..${top}`);
    values[i * 3] = a;
    let before = a;
    for (let k = 1; k < 3; k++) {
      const context = (k === 1 ? 0 : BUCKETS) + (before >>> shift);
      // bit length L: 4-bit tree at base context * 16
      base = context << 4;
      m = 1;
      while (m < 16) {
        const j = (base + m) << 1;
        const f = lengths[j];
        const s = lengths[j + 1];
        const bound = Math.imul(range >>> 15, (f + s) >>> 1);
        if ((code ^ SIGN) < (bound ^ SIGN)) {
          range = bound;
          lengths[j] = f + ((ONE - f) >>> 4);
          lengths[j + 1] = s + ((ONE - s) >>> 7);
          m <<= 1;
        } else {
          code = (code - bound) | 0;
          range = (range - bound) | 0;
          lengths[j] = f - (f >>> 4);
          lengths[j + 1] = s - (s >>> 7);
          m = (m << 1) | 1;
        }
        while (range >>> 24 === 0) {
          if (pos >= end) endsEarly(what);
          range <<= 8;
          code = (code << 8) | bytes[pos++];
        }
      }
      const length = m - 16;
      let z = length;
      if (length >= 2) {
        const below = length - 1;
        const modelled = Math.min(below, COLOUR_MANTISSA_BITS);
        const rest = below - modelled;
        const rootM = 1 << modelled;
        base = ((context << 4) + length) << COLOUR_MANTISSA_BITS;
        m = 1;
        while (m < rootM) {
          const j = (base + m) << 1;
          const f = mantissa[j];
          const s = mantissa[j + 1];
          const bound = Math.imul(range >>> 15, (f + s) >>> 1);
          if ((code ^ SIGN) < (bound ^ SIGN)) {
            range = bound;
            mantissa[j] = f + ((ONE - f) >>> 4);
            mantissa[j + 1] = s + ((ONE - s) >>> 7);
            m <<= 1;
          } else {
            code = (code - bound) | 0;
            range = (range - bound) | 0;
            mantissa[j] = f - (f >>> 4);
            mantissa[j + 1] = s - (s >>> 7);
            m = (m << 1) | 1;
          }
          while (range >>> 24 === 0) {
            if (pos >= end) endsEarly(what);
            range <<= 8;
            code = (code << 8) | bytes[pos++];
          }
        }
        let low = 0;
        for (let b = 0; b < rest; b++) {
          range >>>= 1;
          // Equiprobable, so unpredictable: decided without a branch (bit = code >= range, unsigned).
          const d = (code - range) | 0;
          const bit = 1 ^ (((~code & range) | (~(code ^ range) & d)) >>> 31);
          code = (code - (range & -bit)) | 0;
          low = (low << 1) | bit;
          if (range >>> 24 === 0) {
            if (pos >= end) endsEarly(what);
            range <<= 8;
            code = (code << 8) | bytes[pos++];
          }
        }
        z = (1 << below) + ((m - rootM) << rest) + low;
      }
      const v = before + ((z & 1) === 0 ? z >>> 1 : -((z + 1) >>> 1));
      if (v < 0 || v > top) fail(what, `DC code ${v} outside 0..${top}`);
      values[i * 3 + k] = v;
      before = v;
    }
    prev = a;
  }
  checkConsumed(bytes, pos, what);
}

/**
 * Rotations (see codeRotations): x in the context of the previous x, y of |x|, z of x² + y²; the top hb
 * bits through a tree, the low bits direct. Written out with the coder state in locals (k: component).
 */
export function decodeRotations(
  bytes: Uint8Array,
  values: Uint16Array,
  n: number,
  bits: number,
  levels: number,
  what: string,
): void {
  const hb = Math.min(bits, ROTATION_MODEL_BITS);
  const low = bits - hb;
  const root = 1 << hb;
  const models = [newModel(BUCKETS << hb), newModel(BUCKETS << hb), newModel(BUCKETS << hb)];
  const top = levels - 1;
  const shift = bucketShift(bits);
  let code = startCode(bytes, what);
  let range = -1; // 2^32 - 1 as int32
  let pos = 5;
  const end = bytes.length;
  let px = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      const probs = models[k];
      const context =
        k === 0
          ? px >>> shift
          : Math.min(BUCKETS - 1, Math.floor((k === 1 ? dx : (dx * dx + dy * dy) / 2) * BUCKETS));
      const base = context << hb;
      let m = 1;
      while (m < root) {
        const j = (base + m) << 1;
        const f = probs[j];
        const s = probs[j + 1];
        const bound = Math.imul(range >>> 15, (f + s) >>> 1);
        if ((code ^ SIGN) < (bound ^ SIGN)) {
          range = bound;
          probs[j] = f + ((ONE - f) >>> 4);
          probs[j + 1] = s + ((ONE - s) >>> 7);
          m <<= 1;
        } else {
          code = (code - bound) | 0;
          range = (range - bound) | 0;
          probs[j] = f - (f >>> 4);
          probs[j + 1] = s - (s >>> 7);
          m = (m << 1) | 1;
        }
        while (range >>> 24 === 0) {
          if (pos >= end) endsEarly(what);
          range <<= 8;
          code = (code << 8) | bytes[pos++];
        }
      }
      let v = m - root;
      for (let b = 0; b < low; b++) {
        range >>>= 1;
        // Equiprobable, so unpredictable: decided without a branch (bit = code >= range, unsigned).
        const d = (code - range) | 0;
        const bit = 1 ^ (((~code & range) | (~(code ^ range) & d)) >>> 31);
        code = (code - (range & -bit)) | 0;
        v = (v << 1) | bit;
        if (range >>> 24 === 0) {
          if (pos >= end) endsEarly(what);
          range <<= 8;
          code = (code << 8) | bytes[pos++];
        }
      }
      values[i * 3 + k] = v;
      const d = Math.min(1, Math.abs(2 * v - top) / top);
      if (k === 0) {
        px = v;
        dx = d;
      } else if (k === 1) {
        dy = d;
      }
    }
  }
  checkConsumed(bytes, pos, what);
}

/** Opacity (see codeOpacity): context (bucket of the previous code, bucket of the mean log-scale code). */
export function decodeOpacityCodes(
  bytes: Uint8Array,
  values: Uint16Array,
  logScale: Uint16Array,
  n: number,
  bits: number,
  scaleBits: number,
  what: string,
): void {
  const model = newModel((BUCKETS * BUCKETS) << bits);
  const shift = bucketShift(bits);
  const scaleShift = bucketShift(scaleBits);
  const st = startState(bytes, what);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const size = Math.floor((logScale[i * 3] + logScale[i * 3 + 1] + logScale[i * 3 + 2]) / 3) >>> scaleShift;
    const v = decodeTreeRun(bytes, what, st, model, ((prev >>> shift) * BUCKETS + size) << bits, bits);
    values[i] = v;
    prev = v;
  }
  checkConsumed(bytes, st[2], what);
}

/** SH indices (see codeSingles without contexts): a bits-wide tree per Gaussian. */
export function decodeIndices(
  bytes: Uint8Array,
  values: Uint16Array,
  n: number,
  bits: number,
  what: string,
): void {
  const model = newModel(1 << bits);
  const st = startState(bytes, what);
  for (let i = 0; i < n; i++) values[i] = decodeTreeRun(bytes, what, st, model, 0, bits);
  checkConsumed(bytes, st[2], what);
}

/**
 * SH-rest residual codes (see codeResiduals): non-zero flag, large flag, then a sign bit or a tail tree.
 * The non-zero flag (one per coefficient, mostly 0) is decoded inline with the coder state in locals; the
 * rarer decisions go through decodeTreeRun (the state is handed over in `st`).
 */
export function decodeResidualCodes(
  bytes: Uint8Array,
  values: Uint16Array,
  n: number,
  dims: number,
  what: string,
): void {
  const nonzero = newModel(dims * 6 * 4);
  const large = newModel(dims * 6);
  const sign = newModel(dims * 6);
  const tail = newModel(dims * 6 * 16);
  const escapeModel = newModel(256);
  const st = startState(bytes, what);
  let range = st[0];
  let code = st[1];
  let pos = st[2];
  const end = bytes.length;
  for (let i = 0, at = 0; i < n; i++) {
    let prev = 0;
    let sum = 0;
    for (let d = 0; d < dims; d++, at++) {
      const cx = d * 6 + prev;
      const j = ((cx << 2) + (sum === 0 ? 0 : sum <= 2 ? 1 : sum <= 6 ? 2 : 3)) << 1;
      const f = nonzero[j];
      const s = nonzero[j + 1];
      const bound = Math.imul(range >>> 15, (f + s) >>> 1);
      let z = 0;
      if ((code ^ SIGN) < (bound ^ SIGN)) {
        range = bound;
        nonzero[j] = f + ((ONE - f) >>> 4);
        nonzero[j + 1] = s + ((ONE - s) >>> 7);
        while (range >>> 24 === 0) {
          if (pos >= end) endsEarly(what);
          range <<= 8;
          code = (code << 8) | bytes[pos++];
        }
      } else {
        code = (code - bound) | 0;
        range = (range - bound) | 0;
        nonzero[j] = f - (f >>> 4);
        nonzero[j + 1] = s - (s >>> 7);
        while (range >>> 24 === 0) {
          if (pos >= end) endsEarly(what);
          range <<= 8;
          code = (code << 8) | bytes[pos++];
        }
        st[0] = range;
        st[1] = code;
        st[2] = pos;
        // A single decision is a 1-bit tree whose base is the slot - 1.
        if (decodeTreeRun(bytes, what, st, large, cx - 1, 1) !== 0) {
          z = 3 + decodeTreeRun(bytes, what, st, tail, cx << 4, 4);
          if (z === 18) z += decodeTreeRun(bytes, what, st, escapeModel, 0, 8);
        } else {
          z = 1 + decodeTreeRun(bytes, what, st, sign, cx - 1, 1);
        }
        range = st[0];
        code = st[1];
        pos = st[2];
      }
      values[at] = z;
      prev = Math.min(z, 5);
      sum += z;
    }
  }
  checkConsumed(bytes, pos, what);
}

/** SH codebook halves (see codeCodebook). */
export function decodeCodebookHalves(
  bytes: Uint8Array,
  halves: Uint16Array,
  dims: number,
  what: string,
): void {
  const high = newModel(dims << 8);
  const low = newModel(BUCKETS << 8);
  const st = startState(bytes, what);
  for (let i = 0; i < halves.length; i++) {
    const h = decodeTreeRun(bytes, what, st, high, (i % dims) << 8, 8);
    const l = decodeTreeRun(bytes, what, st, low, ((h >>> 2) & 7) << 8, 8);
    halves[i] = (h << 8) | l;
  }
  checkConsumed(bytes, st[2], what);
}
