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
  return q < 0 ? 0 : q > top ? top : q;
}
export function decodeLinear(q: number, min: number, max: number, bits: number): number {
  return max > min ? min + (q / maxCode(bits)) * (max - min) : min;
}

/** Zigzag of a 16-bit two's-complement delta: small |d| -> small codes (both wrap modulo 2^16). */
export function zigzag16(delta: number): number {
  const s = (delta << 16) >> 16; // sign-extend the low 16 bits
  return ((s << 1) ^ (s >> 31)) & 0xffff;
}
export function unzigzag16(z: number): number {
  return (z >>> 1) ^ -(z & 1);
}

const SQRT1_2 = Math.SQRT1_2;

/**
 * Smallest-three quaternion code: writes the index (0..3) of the largest-magnitude component of the
 * normalised q (w,x,y,z) to out[0] and the other three, sign-fixed so the dropped one is >= 0, as
 * `bits`-bit codes of [-1/√2, 1/√2] to out[1..3]. A zero quaternion encodes the identity.
 */
export function encodeSmallestThree(w: number, x: number, y: number, z: number, bits: number, out: Uint32Array | number[]): void {
  const q = [w, x, y, z];
  let norm = Math.hypot(w, x, y, z);
  if (!(norm > 0) || !Number.isFinite(norm)) {
    q[0] = 1; q[1] = q[2] = q[3] = 0; norm = 1;
  }
  let largest = 0;
  for (let i = 1; i < 4; i++) if (Math.abs(q[i]) > Math.abs(q[largest])) largest = i;
  const sign = q[largest] < 0 ? -1 : 1;
  out[0] = largest;
  let k = 1;
  for (let i = 0; i < 4; i++) {
    if (i === largest) continue;
    out[k++] = encodeLinear((sign * q[i]) / norm, -SQRT1_2, SQRT1_2, bits);
  }
}
/** Writes the unit quaternion (w,x,y,z) of a smallest-three code into out[offset..offset+3]. */
export function decodeSmallestThree(index: number, a: number, b: number, c: number, bits: number, out: Float32Array, offset: number): void {
  const va = decodeLinear(a, -SQRT1_2, SQRT1_2, bits);
  const vb = decodeLinear(b, -SQRT1_2, SQRT1_2, bits);
  const vc = decodeLinear(c, -SQRT1_2, SQRT1_2, bits);
  const d = Math.sqrt(Math.max(0, 1 - va * va - vb * vb - vc * vc));
  const three = [va, vb, vc];
  let k = 0;
  for (let i = 0; i < 4; i++) out[offset + i] = i === (index & 3) ? d : three[k++];
  // Re-normalise: the three decoded components may sum past 1 by up to a quantization step.
  const n = Math.hypot(out[offset], out[offset + 1], out[offset + 2], out[offset + 3]);
  for (let i = 0; i < 4; i++) out[offset + i] /= n;
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
  return v < -limit ? -limit : v > limit ? limit : v;
}

/**
 * 30-bit Morton code of three 10-bit coordinates (bit-interleaved x,y,z): sorting by it puts spatial
 * neighbours next to each other, which makes position deltas small.
 */
export function morton30(x: number, y: number, z: number): number {
  return (spread10(x) | (spread10(y) << 1) | (spread10(z) << 2)) >>> 0;
}
function spread10(v: number): number {
  let x = v & 0x3ff;
  x = (x | (x << 16)) & 0x030000ff;
  x = (x | (x << 8)) & 0x0300f00f;
  x = (x | (x << 4)) & 0x030c30c3;
  x = (x | (x << 2)) & 0x09249249;
  return x;
}
