// The SH columns: per-Gaussian codebook indices, the SH-rest residual codes, and the codebook section's
// fp16 halves. Decode-only twins of codeSingles, codeResiduals and codeCodebook in gsz-codec.ts
// (conventions in column-stream.ts).
import { BUCKETS, checkConsumed, decodeTreeRun, endsEarly, startState } from './column-stream.ts';
import { newModel } from './range-coder.ts';

// column-stream.ts's SIGN and ONE, module-local so that the hot loops see constants even unbundled.
const SIGN = -0x80000000;
const ONE = 1 << 15;

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
 * rarer decisions go through decodeTreeRun (the state is handed over in `st`). A reader, so a chunk's codes
 * can be read a block of Gaussians at a time and dequantized while they are in cache.
 */
export class ResidualCodeReader {
  private readonly nonzero: Uint16Array;
  private readonly large: Uint16Array;
  private readonly sign: Uint16Array;
  private readonly tail: Uint16Array;
  private readonly escapeModel: Uint16Array;
  /** [range, code, pos] between reads and around decodeTreeRun. */
  private readonly st: Int32Array;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly dims: number,
    private readonly what: string,
  ) {
    this.nonzero = newModel(dims * 6 * 4);
    this.large = newModel(dims * 6);
    this.sign = newModel(dims * 6);
    this.tail = newModel(dims * 6 * 16);
    this.escapeModel = newModel(256);
    this.st = startState(bytes, what);
  }

  /** The next `n` Gaussians' codes into values[0 .. n * dims). */
  read(values: Uint16Array, n: number): void {
    const { bytes, dims, what, nonzero, large, sign, tail, escapeModel, st } = this;
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
    st[0] = range;
    st[1] = code;
    st[2] = pos;
  }

  /** Throws unless the column was consumed exactly (checkConsumed). */
  finish(): void {
    checkConsumed(this.bytes, this.st[2], this.what);
  }
}

/** All `n` Gaussians' residual codes of a column into `values` (n * dims). */
export function decodeResidualCodes(
  bytes: Uint8Array,
  values: Uint16Array,
  n: number,
  dims: number,
  what: string,
): void {
  const reader = new ResidualCodeReader(bytes, dims, what);
  reader.read(values, n);
  reader.finish();
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
