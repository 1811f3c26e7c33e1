// The SH DC column: decode-only twin of codeColours in gsz-codec.ts (conventions in column-stream.ts).
import { COLOUR_MANTISSA_BITS } from './gsz-codec.ts';
import {
  BUCKETS,
  bucketShift,
  checkConsumed,
  endsEarly,
  fail,
  START_POS,
  startCode,
} from './column-stream.ts';
import { newModel } from './range-coder.ts';

// column-stream.ts's SIGN and ONE, module-local so that the hot loops see constants even unbundled.
const SIGN = -0x80000000;
const ONE = 1 << 15;

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
  let pos = START_POS;
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
