// Unit quaternions in one 32-bit word, "smallest three": bits 0-1 the index of the largest |component|,
// then the other three, sign-flipped so the largest is positive, in [-1/sqrt2, 1/sqrt2] as 10-bit unorms
// in component order (error < 7e-4). splat-layout.wgsl's unpack_rotation is the GPU side.

const SQRT1_2 = Math.SQRT1_2;
const QUAT_LEVELS = 1023;

/** Packs a rotation (w, x, y, z; any length, zero = identity) into the smallest-three word. */
export function packRotation(w: number, x: number, y: number, z: number): number {
  const q = [w, x, y, z];
  const length = Math.hypot(w, x, y, z);
  if (!(length > 0) || !Number.isFinite(length)) return packRotation(1, 0, 0, 0);
  let largest = 0;
  for (let i = 1; i < 4; i++) if (Math.abs(q[i]!) > Math.abs(q[largest]!)) largest = i;
  const sign = q[largest]! < 0 ? -1 : 1;
  let word = largest;
  let shift = 2;
  for (let i = 0; i < 4; i++) {
    if (i === largest) continue;
    word |= encodeComponent((sign * q[i]!) / length) << shift;
    shift += 10;
  }
  return word >>> 0;
}

function encodeComponent(v: number): number {
  const u = Math.round((v / SQRT1_2 / 2 + 0.5) * QUAT_LEVELS);
  return Math.max(0, Math.min(QUAT_LEVELS, u));
}

/** Unpacks a smallest-three word into a unit quaternion (w, x, y, z). */
export function unpackRotation(word: number): [number, number, number, number] {
  const largest = word & 3;
  const rest = [2, 12, 22].map((s) => (((word >>> s) & QUAT_LEVELS) / QUAT_LEVELS - 0.5) * 2 * SQRT1_2);
  const big = Math.sqrt(Math.max(0, 1 - rest[0]! ** 2 - rest[1]! ** 2 - rest[2]! ** 2));
  rest.splice(largest, 0, big);
  return rest as [number, number, number, number];
}
