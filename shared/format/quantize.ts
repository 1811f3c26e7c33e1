// Quantizers shared by the encoder and decoder: each `encode*` has its `decode*` twin right below it, so
// the round trip is read in one place. All decoders return finite values for ANY integer input, which is
// what makes a corrupt-but-checksummed file still decode to a renderable (if wrong) scene.

/** Largest integer code of a `bits`-bit quantity. */
export const maxCode = (bits: number): number => 2 ** bits - 1;

/** Linear quantization of v in [min, max] to 0..2^bits-1 (clamped). */
export function encodeLinear(v: number, min: number, max: number, bits: number): number {
  const top = maxCode(bits);
  if (!(max > min)) return 0;
  const q = Math.round(((v - min) / (max - min)) * top);
  return q < 0 ? 0 : Math.min(q, top);
}
export function decodeLinear(q: number, min: number, max: number, bits: number): number {
  return max > min ? min + (q / maxCode(bits)) * (max - min) : min;
}

/** Opacity: the sigmoid of the logit, linear in [0, 1]. */
export function encodeOpacity(logitValue: number, bits: number): number {
  return encodeLinear(1 / (1 + Math.exp(-logitValue)), 0, 1, bits);
}
/** Logit of the decoded opacity, clamped to ±limit so 0 and 1 stay finite. */
export function decodeOpacity(q: number, bits: number, limit: number): number {
  const a = q / maxCode(bits);
  if (a <= 0) return -limit;
  if (a >= 1) return limit;
  const v = Math.log(a / (1 - a));
  return v < -limit ? -limit : Math.min(v, limit);
}
