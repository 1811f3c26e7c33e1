// The log-scale column (three codes per Gaussian, also the DC layout of older files) and the opacity column,
// coded in the context of the log-scales: decode-only twins of codeTriples and codeOpacity in gsz-codec.ts
// (conventions in column-stream.ts).
import {
  BUCKETS,
  bucketShift,
  checkConsumed,
  endsEarly,
  fail,
  START_POS,
  startCode,
  startState,
  decodeTreeRun,
} from './column-stream.ts';
import { newModel } from './range-coder.ts';

// column-stream.ts's SIGN and ONE, module-local so that the hot loops see constants even unbundled.
const SIGN = -0x80000000;
const ONE = 1 << 15;

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
  let pos = START_POS;
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
