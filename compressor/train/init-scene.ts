// The initial Gaussians of training (3DGS create_from_pcd): one per point, SH DC from its colour,
// isotropic scale = sqrt(mean squared distance to its 3 nearest neighbours) (3DGS distCUDA2, clamped
// at 1e-7), identity rotation, opacity 0.1. Without COLMAP points (Blender scenes) 3DGS starts from
// 100,000 random points in [-1.3, 1.3]³ with random colours.
import {
  createScene,
  logit,
  SH_C0,
  type GaussianScene,
  type ShDegree,
} from '../../shared/scene/gaussian-scene.ts';
import type { PointCloud } from '../datasets/dataset.ts';
import { mulberry32 } from '../select/sampling.ts';

/** 3DGS's random initialisation for synthetic scenes. */
export function randomPointCloud(count = 100_000, halfSize = 1.3, seed = 0): PointCloud {
  const random = mulberry32(seed);
  const positions = Float32Array.from({ length: count * 3 }, () => (random() * 2 - 1) * halfSize);
  const colors = Float32Array.from({ length: count * 3 }, () => random());
  return { count, positions, colors };
}

/** Mean squared distance from each point to its k nearest other points (uniform-grid search). */
export function meanNeighbourDistance2(positions: Float32Array, k = 3): Float32Array {
  const n = positions.length / 3;
  const out = new Float32Array(n);
  if (n <= 1) return out.fill(n === 1 ? 1e-7 : 0);
  const lo = [Infinity, Infinity, Infinity],
    hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n; i++)
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a], positions[i * 3 + a]);
      hi[a] = Math.max(hi[a], positions[i * 3 + a]);
    }
  const extent = [0, 1, 2].map((a) => Math.max(hi[a] - lo[a], 1e-9));
  // ~2 points per cell on average; empty space makes the true count lower, which the ring search absorbs.
  const h = Math.max(Math.cbrt((extent[0] * extent[1] * extent[2] * 2) / n), Math.max(...extent) / 1024);
  const dims = extent.map((e) => Math.floor(e / h) + 1);
  const cellOf = (i: number, a: number) =>
    Math.min(dims[a] - 1, Math.floor((positions[i * 3 + a] - lo[a]) / h));
  const cells = new Map<number, number[]>();
  const key = (x: number, y: number, z: number) => (z * dims[1] + y) * dims[0] + x;
  for (let i = 0; i < n; i++) {
    const id = key(cellOf(i, 0), cellOf(i, 1), cellOf(i, 2));
    const list = cells.get(id);
    if (list) list.push(i);
    else cells.set(id, [i]);
  }
  const best = new Float64Array(k);
  const maxRing = Math.max(...dims);
  for (let i = 0; i < n; i++) {
    best.fill(Infinity);
    const cx = cellOf(i, 0),
      cy = cellOf(i, 1),
      cz = cellOf(i, 2);
    const px = positions[i * 3],
      py = positions[i * 3 + 1],
      pz = positions[i * 3 + 2];
    for (let r = 0; r <= maxRing; r++) {
      for (let dz = -r; dz <= r; dz++) {
        const z = cz + dz;
        if (z < 0 || z >= dims[2]) continue;
        for (let dy = -r; dy <= r; dy++) {
          const y = cy + dy;
          if (y < 0 || y >= dims[1]) continue;
          const onShell = Math.abs(dz) === r || Math.abs(dy) === r;
          for (let dx = -r; dx <= r; dx += onShell ? 1 : 2 * r || 1) {
            const x = cx + dx;
            if (x < 0 || x >= dims[0]) continue;
            const list = cells.get(key(x, y, z));
            if (!list) continue;
            for (const j of list) {
              if (j === i) continue;
              const ex = positions[j * 3] - px,
                ey = positions[j * 3 + 1] - py,
                ez = positions[j * 3 + 2] - pz;
              const d = ex * ex + ey * ey + ez * ez;
              if (d < best[k - 1]) {
                let m = k - 1;
                while (m > 0 && best[m - 1] > d) {
                  best[m] = best[m - 1];
                  m--;
                }
                best[m] = d;
              }
            }
          }
        }
      }
      // Every point outside ring r is at least r·h away: done once the k-th best is that close.
      if (best[k - 1] <= (r * h) ** 2) break;
    }
    let sum = 0,
      found = 0;
    for (const d of best)
      if (d < Infinity) {
        sum += d;
        found++;
      }
    out[i] = found > 0 ? sum / found : 1e-7;
  }
  return out;
}

/** Initial training scene from a point cloud (3DGS create_from_pcd). */
export function sceneFromPoints(
  points: PointCloud,
  shDegree: ShDegree = 3,
  initialOpacity = 0.1,
): GaussianScene {
  const scene = createScene(points.count, shDegree);
  scene.positions.set(points.positions.subarray(0, points.count * 3));
  const d2 = meanNeighbourDistance2(scene.positions);
  const v = logit(initialOpacity);
  for (let i = 0; i < points.count; i++) {
    const logScale = Math.log(Math.sqrt(Math.max(d2[i], 1e-7)));
    scene.logScales.fill(logScale, i * 3, i * 3 + 3);
    scene.rotations[i * 4] = 1;
    scene.opacityLogits[i] = v;
    for (let c = 0; c < 3; c++) scene.shDC[i * 3 + c] = (points.colors[i * 3 + c] - 0.5) / SH_C0;
  }
  return scene;
}
