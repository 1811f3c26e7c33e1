// A smaller teacher for mode (c) on a CPU-emulated GPU, where a 500k-Gaussian scene trains too slowly:
// either a random subset (the whole scene, thinned) or a full-density crop (one region of it, every
// Gaussian kept). They are different regimes. A random 4% subset of a trained scene has lost the
// redundancy that pruning works on: each Gaussian is ~25x sparser than training left it. A crop keeps
// the density and overlap that training produced, which is what a user's trained scene has (measured:
// docs/experiments/natural-selection.md, "bench:select settings").
import { selectGaussians, type GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import type { Vec3 } from '../../shared/math/camera.ts';
import { DEFAULT_UP, robustBounds } from '../render/default-camera.ts';
import { sampleWithoutReplacement } from '../select/sampling.ts';

export type TeacherSubset = 'random' | 'crop';

export interface CropOptions {
  /**
   * The crop's centre: the robust box centre (2nd-98th percentiles) moved this many robust radii along
   * `up`. Default 0. Playbot's robot stands above its ground plane: 0.15 centres the crop on the robot.
   */
  lift?: number;
  /** World up (default -Y, the INRIA/COLMAP convention). */
  up?: Vec3;
}

/** `count` Gaussians drawn uniformly without replacement (seeded), in their original order. */
export function randomSubset(scene: GaussianScene, count: number, seed = 1): GaussianScene {
  checkCount(scene, count);
  return selectGaussians(scene, sampleWithoutReplacement(new Float32Array(scene.count).fill(1), count, seed));
}

/** The `count` Gaussians whose centres are nearest to the crop centre (ties by index), in their original order. */
export function denseCrop(scene: GaussianScene, count: number, o: CropOptions = {}): GaussianScene {
  checkCount(scene, count);
  const { centre, radius } = robustBounds(scene.positions, scene.count);
  const up = o.up ?? DEFAULT_UP;
  const norm = Math.hypot(up[0], up[1], up[2]);
  const lift = ((o.lift ?? 0) * radius) / norm;
  const c = [centre[0] + lift * up[0], centre[1] + lift * up[1], centre[2] + lift * up[2]];
  const p = scene.positions;
  const d2 = new Float64Array(scene.count);
  for (let i = 0; i < scene.count; i++)
    d2[i] = (p[3 * i] - c[0]) ** 2 + (p[3 * i + 1] - c[1]) ** 2 + (p[3 * i + 2] - c[2]) ** 2;
  const order = Uint32Array.from({ length: scene.count }, (_, i) => i).sort((a, b) => d2[a] - d2[b] || a - b);
  return selectGaussians(scene, order.subarray(0, count).sort());
}

/** The teacher subset of `kind` (count >= the scene's count returns the scene itself). */
export function teacherSubset(
  scene: GaussianScene,
  kind: TeacherSubset,
  count: number,
  crop: CropOptions = {},
): GaussianScene {
  if (count >= scene.count) return scene;
  return kind === 'crop' ? denseCrop(scene, count, crop) : randomSubset(scene, count);
}

function checkCount(scene: GaussianScene, count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > scene.count) {
    throw new RangeError(`teacher subset: count must be an integer in [1, ${scene.count}], got ${count}`);
  }
}
