// Procedural textures of the demo scene: seeded 3D value noise (for marble) and simple patterns.
// All colours are display values in [0, 1] (the project trains on image values as they are, no gamma).
import { hash32 } from './rng.ts';
import type { Vec3 } from './vec.ts';
import { mix } from './vec.ts';

/** Smooth 3D value noise in [0, 1]: trilinear blend (smoothstep weights) of hashed lattice values. */
export function valueNoise(seed: number, x: number, y: number, z: number): number {
  const xi = Math.floor(x),
    yi = Math.floor(y),
    zi = Math.floor(z);
  const fx = x - xi,
    fy = y - yi,
    fz = z - zi;
  const u = fx * fx * (3 - 2 * fx),
    v = fy * fy * (3 - 2 * fy),
    w = fz * fz * (3 - 2 * fz);
  const h = (i: number, j: number, k: number): number =>
    hash32(seed ^ hash32((i * 73856093) ^ hash32((j * 19349663) ^ hash32(k * 83492791)))) / 4294967296;
  const x00 = h(xi, yi, zi) + (h(xi + 1, yi, zi) - h(xi, yi, zi)) * u;
  const x10 = h(xi, yi + 1, zi) + (h(xi + 1, yi + 1, zi) - h(xi, yi + 1, zi)) * u;
  const x01 = h(xi, yi, zi + 1) + (h(xi + 1, yi, zi + 1) - h(xi, yi, zi + 1)) * u;
  const x11 = h(xi, yi + 1, zi + 1) + (h(xi + 1, yi + 1, zi + 1) - h(xi, yi + 1, zi + 1)) * u;
  const y0 = x00 + (x10 - x00) * v;
  const y1 = x01 + (x11 - x01) * v;
  return y0 + (y1 - y0) * w;
}

/** Fractal sum of `octaves` noise layers, each twice the frequency and half the amplitude; in [0, 1]. */
export function fbm(seed: number, p: Vec3, octaves = 4): number {
  let sum = 0,
    amp = 0.5,
    norm = 0,
    f = 1;
  for (let o = 0; o < octaves; o++) {
    sum += amp * valueNoise(seed + o * 1013, p[0] * f, p[1] * f, p[2] * f);
    norm += amp;
    amp *= 0.5;
    f *= 2;
  }
  return sum / norm;
}

/** Veined marble: a sine band pattern along x, warped by fBm. `p` in the object's local units. */
export function marble(seed: number, p: Vec3, base: Vec3, vein: Vec3): Vec3 {
  const n = fbm(seed, [p[0] * 3, p[1] * 3, p[2] * 3]);
  const s = 0.5 + 0.5 * Math.sin(p[0] * 7 + p[2] * 3 + n * 9);
  // Sharpen the bands into thin veins.
  return mix(base, vein, (1 - s) ** 4);
}

/** Two-colour checkerboard with squares of side `cell` in the (u, v) plane. */
export function checker(u: number, v: number, cell: number, a: Vec3, b: Vec3): Vec3 {
  return (Math.floor(u / cell) + Math.floor(v / cell)) & 1 ? b : a;
}

/** Fully saturated-ish colour of hue `h` in [0, 1) (HSV with the given saturation and value). */
export function hsv(h: number, s: number, v: number): Vec3 {
  const i = Math.floor(h * 6),
    f = h * 6 - i;
  const p = v * (1 - s),
    q = v * (1 - f * s),
    t = v * (1 - (1 - f) * s);
  switch (((i % 6) + 6) % 6) {
    case 0:
      return [v, t, p];
    case 1:
      return [q, v, p];
    case 2:
      return [p, v, t];
    case 3:
      return [p, q, v];
    case 4:
      return [t, p, v];
    default:
      return [v, p, q];
  }
}
