// Synthetic large scenes for bench:large: tiles of a real scene (playbot) side by side on a grid, each
// Gaussian jittered so no two tiles are identical, raised to SH degree 3 (the source's SH bands copied,
// the missing bands small and random); or, without a source scene, random Gaussians of the same density.
import {
  createScene,
  sceneBounds,
  shRestCount,
  type GaussianScene,
  type ShDegree,
} from '../shared/scene/gaussian-scene.ts';
import { mulberry32 } from '../shared/math/random.ts';

/** `count` Gaussians of SH degree `degree`: tiles of `base` with jitter, or random when `base` is undefined. */
export function largeScene(
  base: GaussianScene | undefined,
  count: number,
  degree: ShDegree,
  seed = 1,
): GaussianScene {
  return base ? tiledScene(base, count, degree, seed) : randomLargeScene(count, degree, seed);
}

function tiledScene(base: GaussianScene, count: number, degree: ShDegree, seed: number): GaussianScene {
  const r = mulberry32(seed);
  const out = createScene(count, degree, base.antialiased);
  const b = sceneBounds(base.positions);
  const size = [0, 1, 2].map((a) => b.max[a] - b.min[a]);
  const tiles = Math.ceil(count / base.count);
  const perRow = Math.ceil(Math.sqrt(tiles));
  const kIn = shRestCount(base.shDegree);
  const kOut = shRestCount(degree);
  const jitter = 0.002 * Math.max(...size);
  for (let i = 0; i < count; i++) {
    const src = i % base.count;
    const tile = Math.floor(i / base.count);
    // Tiles on the x/z plane (y is up or down in these captures), a 5% gap between them.
    const offset = [(tile % perRow) * size[0] * 1.05, 0, Math.floor(tile / perRow) * size[2] * 1.05];
    for (let a = 0; a < 3; a++) {
      out.positions[3 * i + a] = base.positions[3 * src + a] + offset[a] + (r() - 0.5) * jitter;
      out.logScales[3 * i + a] = base.logScales[3 * src + a] + (r() - 0.5) * 0.05;
      out.shDC[3 * i + a] = base.shDC[3 * src + a] + (r() - 0.5) * 0.02;
    }
    for (let a = 0; a < 4; a++) out.rotations[4 * i + a] = base.rotations[4 * src + a] + (r() - 0.5) * 0.01;
    out.opacityLogits[i] = base.opacityLogits[src];
    for (let j = 0; j < kOut; j++) {
      for (let c = 0; c < 3; c++) {
        out.shRest[(i * kOut + j) * 3 + c] =
          j < kIn ? base.shRest[(src * kIn + j) * 3 + c] : (r() - 0.5) * 0.04;
      }
    }
  }
  return out;
}

function randomLargeScene(count: number, degree: ShDegree, seed: number): GaussianScene {
  const r = mulberry32(seed);
  const out = createScene(count, degree);
  const k = shRestCount(degree);
  // About as dense as playbot (500k in a few units): the side grows with the cube root of the count.
  const side = 4 * Math.cbrt(count / 500_000);
  for (let i = 0; i < count; i++) {
    for (let a = 0; a < 3; a++) {
      out.positions[3 * i + a] = (r() - 0.5) * side;
      out.logScales[3 * i + a] = Math.log(0.01 + 0.02 * r());
      out.shDC[3 * i + a] = (r() - 0.5) * 2;
    }
    out.rotations.set([1, r() - 0.5, r() - 0.5, r() - 0.5], 4 * i);
    out.opacityLogits[i] = (r() - 0.3) * 4;
    for (let j = 0; j < 3 * k; j++) out.shRest[i * 3 * k + j] = (r() - 0.5) * 0.2;
  }
  return out;
}
