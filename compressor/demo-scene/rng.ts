// Seeded pseudo-random numbers for the demo scene: every random choice (camera placement, anti-aliasing
// jitter, texture noise, surface samples) comes from here, so one seed gives byte-identical output.

/** A deterministic generator of floats in [0, 1) (mulberry32: 32-bit state, good enough for sampling). */
export class Rng {
  private state: number;
  private readonly origin: number;

  constructor(seed: number) {
    // Mix the seed so nearby seeds (1, 2, 3) start far apart.
    this.origin = hash32(Math.floor(seed) >>> 0) || 0x9e3779b9;
    this.state = this.origin;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
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
