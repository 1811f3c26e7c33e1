// What every fast column decoder (position-column.ts, scale-opacity-columns.ts, rotation-column.ts,
// colour-column.ts, sh-columns.ts) shares: the stream's start and end checks, the corrupt-input errors, and
// the constants of range-coder.ts's bitstream in the form the decoders' int32 arithmetic uses.
//
// The decoders are decode-only twins of the schemes in gsz-codec.ts, written for speed: each column is
// decoded in one function whose range-coder state (range, code, read position) lives in locals and whose
// bit-tree steps are written out inline, so the hot loop touches no object fields and calls nothing. Range
// and code are kept as int32 (range 2^32 - 1 is -1), compared unsigned through SIGN. The bitstream is
// exactly the one gsz-codec.ts + range-coder.ts define (FORMAT.md); column-decoder.test.ts checks both
// decoders agree on random and real streams. Models are laid out as in range-coder.ts (newModel: [fast,
// slow] per slot); a decision adapts the fast estimate by 1/16 of the error, the slow one by 1/128.
import { GszFormatError } from './gsz-error.ts';

/** Unsigned comparisons on int32 values: (a ^ SIGN) < (b ^ SIGN) iff a < b as uint32. */
const SIGN = -0x80000000;
/** Probability 1 in the models' 15-bit fixed point. */
const ONE = 1 << 15;
/** Context buckets of a previous code (its top 3 bits). */
export const BUCKETS = 8;
export const bucketShift = (bits: number): number => (bits > 3 ? bits - 3 : 0);
/** Initial code register of a stream and the position after it: bytes 1..4 hold it. */
export const START_POS = 5;

export function fail(what: string, message: string): never {
  throw new GszFormatError('corrupt', `${what}: ${message}`);
}
export const endsEarly = (what: string): never => fail(what, 'range-coded stream ends early');

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
export function startCode(bytes: Uint8Array, what: string): number {
  if (bytes.length < 5) fail(what, `${bytes.length} bytes cannot hold a range-coded stream`);
  if (bytes[0] !== 0) fail(what, 'range-coded stream does not start with 0');
  return (bytes[1] << 24) | (bytes[2] << 16) | (bytes[3] << 8) | bytes[4];
}

/**
 * Decodes one `bits`-wide binary-tree symbol with the models of `probs` starting at node `base` (the
 * context's first node, already shifted left by `bits`), adapting them; the coder state comes in and goes
 * out through `state` ([range, code, pos], see startState). The hot path of the single-code columns and
 * of the rarer decisions of the others; one shared function, so the JIT compiles it once.
 */
export function decodeTreeRun(
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
export function startState(bytes: Uint8Array, what: string): Int32Array {
  const st = new Int32Array(3);
  st[0] = -1;
  st[1] = startCode(bytes, what);
  st[2] = START_POS;
  return st;
}
