// IEEE 754 binary16 ("half float") conversion for the viewer's packed GPU layouts (splat-layout.ts),
// bit-compatible with WGSL's pack2x16float / unpack2x16float. Rounds to nearest, ties to even; values
// beyond the half range become ±infinity, as the GPU does.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The binary16 bits of `value` (rounded to nearest even). */
export function halfBits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 112; // rebias 127 -> 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half: (1.mantissa) * 2^(exponent-127) = h * 2^-24.
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let h = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rest > half || (rest === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
  return sign | h;
}

/** The value of binary16 bits `h`. */
export function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** WGSL pack2x16float: `low` in bits 0-15, `high` in bits 16-31. */
export function packHalf2(low: number, high: number): number {
  return (halfBits(low) | (halfBits(high) << 16)) >>> 0;
}

/** WGSL unpack2x16float, one component: 0 = low half, 1 = high half. */
export function unpackHalf(word: number, component: 0 | 1): number {
  return halfValue(component === 0 ? word & 0xffff : word >>> 16);
}
