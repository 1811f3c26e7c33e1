// Seeded pseudo-random numbers for the demo scene: every random choice (camera placement, anti-aliasing
// jitter, texture noise, surface samples) comes from here, so one seed gives byte-identical output.
// The generator itself is the project's one mulberry32 (shared/math/random.ts); this adds seed mixing,
// ranges and independent streams.
import { mulberry32U32 } from '../../shared/math/random.ts';

/** A deterministic generator of floats in [0, 1) (mulberry32: 32-bit state, good enough for sampling). */
export class Rng {
  private readonly u32: () => number;
  private readonly origin: number;

  constructor(seed: number) {
    // Mix the seed so nearby seeds (1, 2, 3) start far apart.
    this.origin = hash32(Math.floor(seed) >>> 0) || 0x9e3779b9;
    this.u32 = mulberry32U32(this.origin);
  }

  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** A child generator with its own stream (e.g. one per view), independent of how much this one was used. */
  fork(stream: number): Rng {
    return new Rng(hash32((this.origin ^ hash32(stream + 1)) >>> 0));
  }
}

/** Integer hash (lowbias32): used to derive independent streams and lattice values for noise. */
export function hash32(x: number): number {
  x = x >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}
