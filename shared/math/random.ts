// The project's one seeded pseudo-random generator (mulberry32: 32-bit state, fast, good enough for
// sampling and tests), so runs and test failures reproduce from a seed.

/** Deterministic stream of u32 values from `seed`. */
export function mulberry32U32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Deterministic stream of floats uniform in [0, 1) from `seed`. */
export function mulberry32(seed: number): () => number {
  const next = mulberry32U32(seed);
  return () => next() / 4294967296;
}

/** `n` floats uniform in [-scale, scale) from `seed` (test inputs). */
export function symmetricFloats(n: number, seed: number, scale = 1): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (next() * 2 - 1) * scale);
}
