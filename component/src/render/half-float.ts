// Half-float pairs for the viewer's packed GPU layouts (splat-layout.ts), bit-compatible with WGSL's
// pack2x16float / unpack2x16float: shared/format/half.ts's conversion (round to nearest even, beyond the
// half range ±infinity, as the GPU does), two to a 32-bit word.

import { fromHalf, toHalf } from '../../../shared/format/half.ts';

/** The binary16 bits of `value` (rounded to nearest even): the format's own conversion (shared/format/half.ts). */
export const halfBits = toHalf;
/** The value of binary16 bits `h`. */
export const halfValue = fromHalf;

/** WGSL pack2x16float: `low` in bits 0-15, `high` in bits 16-31. */
export function packHalf2(low: number, high: number): number {
  return (halfBits(low) | (halfBits(high) << 16)) >>> 0;
}

/** WGSL unpack2x16float, one component: 0 = low half, 1 = high half. */
export function unpackHalf(word: number, component: 0 | 1): number {
  return halfValue(component === 0 ? word & 0xffff : word >>> 16);
}
