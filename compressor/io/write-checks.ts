// Checks every writer runs before it writes a byte: the scene's values are finite and its quaternions have a
// length, its SH degree and count fit the target format. Each failure is a SceneWriteError naming the file,
// the format and the first offending Gaussian.
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { SceneWriteError } from './write-error.ts';

export interface FormatLimits {
  /** Format name for messages, e.g. 'SPZ v4'. */
  name: string;
  maxShDegree: number;
  maxCount: number;
}

export function checkWritable(path: string, scene: GaussianScene, limits: FormatLimits): void {
  if (scene.shDegree > limits.maxShDegree) {
    throw new SceneWriteError(
      path,
      `${limits.name} holds SH degree ${limits.maxShDegree} at most, the scene has degree ${scene.shDegree} ` +
        `(pass --sh-degree ${limits.maxShDegree} to drop the higher bands)`,
    );
  }
  if (scene.count > limits.maxCount) {
    throw new SceneWriteError(
      path,
      `${limits.name} holds ${limits.maxCount} Gaussians at most, the scene has ${scene.count}`,
    );
  }
  const columns: [string, Float32Array, number][] = [
    ['position', scene.positions, 3],
    ['log-scale', scene.logScales, 3],
    ['rotation', scene.rotations, 4],
    ['opacity logit', scene.opacityLogits, 1],
    ['SH DC coefficient', scene.shDC, 3],
    ['SH coefficient', scene.shRest, scene.count > 0 ? scene.shRest.length / scene.count : 0],
  ];
  for (const [what, values, width] of columns) {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        throw new SceneWriteError(
          path,
          `Gaussian ${Math.floor(i / width)} has a non-finite ${what} (${values[i]}); ${limits.name} cannot hold it`,
        );
      }
    }
  }
  const q = scene.rotations;
  for (let i = 0; i < scene.count; i++) {
    if (q[i * 4] === 0 && q[i * 4 + 1] === 0 && q[i * 4 + 2] === 0 && q[i * 4 + 3] === 0)
      throw new SceneWriteError(path, `Gaussian ${i} has a zero-length rotation quaternion (no orientation)`);
  }
}
