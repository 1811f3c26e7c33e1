// Positions column -> Morton keys (the decode-only twin of codePositions in gsz-codec.ts; conventions in
// column-stream.ts). The keys are sorted, so the column holds their gaps.
import { checkConsumed, endsEarly, fail, START_POS, startCode } from './column-stream.ts';
import { newModel } from './range-coder.ts';

// column-stream.ts's SIGN and ONE, module-local so that the hot loops see constants even unbundled.
const SIGN = -0x80000000;
const ONE = 1 << 15;

const KEY_LIMIT = 2 ** 48;
const LENGTH_CONTEXTS = 50;
const MANTISSA_BITS = 3;
/** 2^k for the gap's bit lengths (exact doubles; no Math.pow in the loop). */
const POW2 = Float64Array.from({ length: 49 }, (_, k) => 2 ** k);

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
  let pos = START_POS;
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
      g = POW2[below] + top * POW2[rest] + hi * 16777216 + lo;
    }
    prev += g;
    if (prev >= KEY_LIMIT) fail(what, 'Morton key beyond 48 bits');
    keys[i] = prev;
    prevLength = length;
  }
  checkConsumed(bytes, pos, what);
}
