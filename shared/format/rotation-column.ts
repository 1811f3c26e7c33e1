// The rotation column: decode-only twin of codeRotations in gsz-codec.ts (conventions in column-stream.ts).
import { ROTATION_MODEL_BITS } from './gsz-codec.ts';
import { BUCKETS, bucketShift, checkConsumed, endsEarly, START_POS, startCode } from './column-stream.ts';
import { newModel } from './range-coder.ts';

// column-stream.ts's SIGN and ONE, module-local so that the hot loops see constants even unbundled.
const SIGN = -0x80000000;
const ONE = 1 << 15;

/**
 * Rotations (see codeRotations): x in the context of the previous x, y of |x|, z of x² + y²; the top hb
 * bits through a tree, the low bits direct. Written out with the coder state in locals (k: component).
 * The contexts come from tables over the codes (the same doubles codeRotations computes per value).
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
  // |component| / (1/√2) in 0..1 per code (codes >= levels: corrupt input, clamped), and y's context.
  const size = 1 << bits;
  const magnitude = new Float64Array(size);
  const yContext = new Int32Array(size);
  for (let v = 0; v < size; v++) {
    magnitude[v] = Math.min(1, Math.abs(2 * v - top) / top);
    yContext[v] = Math.min(BUCKETS - 1, Math.floor(magnitude[v] * BUCKETS));
  }
  let code = startCode(bytes, what);
  let range = -1; // 2^32 - 1 as int32
  let pos = START_POS;
  const end = bytes.length;
  let px = 0;
  let py = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      const probs = models[k];
      let context: number;
      if (k === 0) context = px >>> shift;
      else if (k === 1) context = yContext[px];
      else {
        const dx = magnitude[px];
        const dy = magnitude[py];
        context = Math.min(BUCKETS - 1, Math.floor(((dx * dx + dy * dy) / 2) * BUCKETS));
      }
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
      if (k === 0) px = v;
      else if (k === 1) py = v;
    }
  }
  checkConsumed(bytes, pos, what);
}
