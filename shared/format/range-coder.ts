// Adaptive binary range coder (the LZMA construction: 32-bit range, carry-propagating byte output) with
// two-rate probabilities (each decision keeps a fast estimate, adapting by 1/16 of the error, and a slow
// one, by 1/128; their mean is coded: sparse contexts learn quickly, busy ones settle precisely), plus the two symbol shapes the .gsz columns use: bit trees (an adaptive model
// of a whole n-bit symbol) and direct (equiprobable) bits. Encoder and decoder implement one interface,
// `BitCoder`, so each column's scheme (gsz-codec.ts) is written once and run in both directions: the encoder
// passes the value and gets it back, the decoder ignores the value argument and returns what it read.
// No Node APIs: the decoder runs in the viewer's Worker.
import { GszFormatError } from './gsz-error.ts';

const PROB_BITS = 15;
const PROB_ONE = 1 << PROB_BITS;
const FAST = 4;
const SLOW = 7;
const TOP = 1 << 24;
/** Initial probability of a 0 bit: one half. */
export const PROB_INIT = PROB_ONE >>> 1;

/** Adaptive probabilities for `count` binary decisions (each starts at one half): [fast, slow] pairs. */
export function newModel(count: number): Uint16Array {
  return new Uint16Array(2 * count).fill(PROB_INIT);
}

export interface BitCoder {
  /** One adaptive binary decision with probability probs[index]. */
  bit(probs: Uint16Array, index: number, bit: number): number;
  /** `bits` (<= 24) equiprobable bits, most significant first. */
  direct(bits: number, value: number): number;
  /**
   * An n-bit symbol through a bit tree: probs[base + 1 .. base + 2^bits - 1] model every prefix, so the
   * symbol's whole distribution is learned (the context is chosen by picking `base`).
   */
  tree(probs: Uint16Array, base: number, bits: number, value: number): number;
}

export class RangeEncoder implements BitCoder {
  private low = 0; // up to 2^32 + carry: a double holds it exactly
  private range = 0xffffffff;
  private cache = 0;
  private cacheSize = 1;
  private out: Uint8Array = new Uint8Array(1 << 16);
  private length = 0;

  private push(byte: number): void {
    if (this.length === this.out.length) {
      const grown = new Uint8Array(this.out.length * 2);
      grown.set(this.out);
      this.out = grown;
    }
    this.out[this.length++] = byte;
  }

  private shiftLow(): void {
    if (this.low < 0xff000000 || this.low >= 0x100000000) {
      const carry = this.low >= 0x100000000 ? 1 : 0;
      let temp = this.cache;
      do {
        this.push((temp + carry) & 0xff);
        temp = 0xff;
      } while (--this.cacheSize !== 0);
      this.cache = Math.floor(this.low / TOP) & 0xff;
    }
    this.cacheSize++;
    this.low = (this.low % TOP) * 256;
  }

  bit(probs: Uint16Array, index: number, bit: number): number {
    const f = probs[2 * index];
    const s = probs[2 * index + 1];
    const bound = (this.range >>> PROB_BITS) * ((f + s) >>> 1);
    if (bit === 0) {
      this.range = bound;
      probs[2 * index] = f + ((PROB_ONE - f) >>> FAST);
      probs[2 * index + 1] = s + ((PROB_ONE - s) >>> SLOW);
    } else {
      this.low += bound;
      this.range -= bound;
      probs[2 * index] = f - (f >>> FAST);
      probs[2 * index + 1] = s - (s >>> SLOW);
    }
    while (this.range < TOP) {
      this.range = (this.range * 256) >>> 0;
      this.shiftLow();
    }
    return bit;
  }

  direct(bits: number, value: number): number {
    for (let i = bits - 1; i >= 0; i--) {
      this.range = this.range >>> 1;
      if ((value >>> i) & 1) this.low += this.range;
      while (this.range < TOP) {
        this.range = (this.range * 256) >>> 0;
        this.shiftLow();
      }
    }
    return value;
  }

  tree(probs: Uint16Array, base: number, bits: number, value: number): number {
    let m = 1;
    for (let i = bits - 1; i >= 0; i--) {
      const b = (value >>> i) & 1;
      this.bit(probs, base + m, b);
      m = (m << 1) | b;
    }
    return value;
  }

  /** Flushes and returns the coded bytes. */
  finish(): Uint8Array {
    for (let i = 0; i < 5; i++) this.shiftLow();
    return this.out.slice(0, this.length);
  }
}

export class RangeDecoder implements BitCoder {
  private range = 0xffffffff;
  private code = 0;
  private pos: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {
    this.pos = 0;
    if (bytes.length < 5)
      throw new GszFormatError('corrupt', `${what}: ${bytes.length} bytes cannot hold a range-coded stream`);
    if (bytes[0] !== 0)
      throw new GszFormatError('corrupt', `${what}: range-coded stream does not start with 0`);
    for (let i = 0; i < 5; i++) this.code = (this.code * 256 + this.next()) >>> 0;
  }

  private next(): number {
    if (this.pos >= this.bytes.length)
      throw new GszFormatError('corrupt', `${this.what}: range-coded stream ends early`);
    return this.bytes[this.pos++];
  }

  bit(probs: Uint16Array, index: number): number {
    const f = probs[2 * index];
    const s = probs[2 * index + 1];
    const bound = (this.range >>> PROB_BITS) * ((f + s) >>> 1);
    let bit: number;
    if (this.code < bound) {
      this.range = bound;
      probs[2 * index] = f + ((PROB_ONE - f) >>> FAST);
      probs[2 * index + 1] = s + ((PROB_ONE - s) >>> SLOW);
      bit = 0;
    } else {
      this.code -= bound;
      this.range -= bound;
      probs[2 * index] = f - (f >>> FAST);
      probs[2 * index + 1] = s - (s >>> SLOW);
      bit = 1;
    }
    // The mixed probability is >= 71/2^15, so the range can fall below 2^16: normalise twice at most.
    while (this.range < TOP) {
      this.range = (this.range * 256) >>> 0;
      this.code = (this.code * 256 + this.next()) >>> 0;
    }
    return bit;
  }

  direct(bits: number): number {
    let value = 0;
    for (let i = 0; i < bits; i++) {
      this.range = this.range >>> 1;
      let b = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        b = 1;
      }
      value = (value << 1) | b;
      if (this.range < TOP) {
        this.range = (this.range * 256) >>> 0;
        this.code = (this.code * 256 + this.next()) >>> 0;
      }
    }
    return value >>> 0;
  }

  /** Throws unless the rest of the stream is zero padding (see column-decoder.ts checkConsumed). */
  checkConsumed(): void {
    for (let k = this.pos; k < this.bytes.length; k++)
      if (this.bytes[k] !== 0)
        throw new GszFormatError(
          'corrupt',
          `${this.what}: ${this.bytes.length - this.pos} bytes left over after the chunk's Gaussians (count too small?)`,
        );
  }

  tree(probs: Uint16Array, base: number, bits: number): number {
    // this.bit() inlined, with range and code in locals: the decoder's hot loop.
    let range = this.range;
    let code = this.code;
    let pos = this.pos;
    const bytes = this.bytes;
    let m = 1;
    for (let i = 0; i < bits; i++) {
      const k = 2 * (base + m);
      const f = probs[k];
      const s = probs[k + 1];
      const bound = (range >>> PROB_BITS) * ((f + s) >>> 1);
      if (code < bound) {
        range = bound;
        probs[k] = f + ((PROB_ONE - f) >>> FAST);
        probs[k + 1] = s + ((PROB_ONE - s) >>> SLOW);
        m <<= 1;
      } else {
        code -= bound;
        range -= bound;
        probs[k] = f - (f >>> FAST);
        probs[k + 1] = s - (s >>> SLOW);
        m = (m << 1) | 1;
      }
      while (range < TOP) {
        if (pos >= bytes.length)
          throw new GszFormatError('corrupt', `${this.what}: range-coded stream ends early`);
        range = (range * 256) >>> 0;
        code = (code * 256 + bytes[pos++]) >>> 0;
      }
    }
    this.range = range;
    this.code = code;
    this.pos = pos;
    return m - (1 << bits);
  }
}
