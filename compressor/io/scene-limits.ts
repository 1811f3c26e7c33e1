// The documented limits every scene reader enforces (compressor/io/README.md), so hostile files fail with one
// line naming the file before any large allocation or any value the .gsz format cannot hold:
// - a Gaussian count is checked against MAX_GAUSSIANS and against what the file's bytes can hold;
// - values: finite, |position| <= POSITION_LIMIT, |SH| <= SH_LIMIT, log-scales in LOG_SCALE_RANGE,
//, rotations finite and non-zero (opacity logits are clamped to ±OPACITY_LOGIT_LIMIT by the readers, as
//   the reference tools' 8-bit opacities saturate).
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { SceneReadError } from './scene-read-error.ts';

/** Most Gaussians a scene file may hold: 2^26 (about 67 million; ~16 GB as float32 at SH degree 3). */
export const MAX_GAUSSIANS = 1 << 26;
/** Largest |x|, |y|, |z| in world units (scenes are metres or normalised units; 1e10 is far beyond any). */
export const POSITION_LIMIT = 1e10;
/**
 * Log-scale range (natural log of a standard deviation): e^50 ≈ 5e21 is beyond any scene; below, -100 keeps
 * degenerate zero scales (the .splat reader's log(1e-30) = -69) while refusing garbage.
 */
export const LOG_SCALE_RANGE = [-100, 50] as const;
/** Largest |SH coefficient| (DC or higher band): colours of ±1e4 are far outside any image's range. */
export const SH_LIMIT = 1e4;
/** Largest |quaternion component| before normalisation. */
export const ROTATION_LIMIT = 1e10;

/**
 * Throws unless `count` is a whole number in 0..MAX_GAUSSIANS and `count * minBytesEach <= available`
 * (the bytes the file has for them). Call before allocating anything sized by `count`.
 */
export function checkGaussianCount(
  path: string,
  count: number,
  what: string,
  available: number,
  minBytesEach: number,
): void {
  if (!Number.isSafeInteger(count) || count < 0)
    throw new SceneReadError(path, `${what} count ${count} is not a whole number >= 0`);
  if (count > MAX_GAUSSIANS)
    throw new SceneReadError(path, `${what} count ${count} exceeds the limit of ${MAX_GAUSSIANS} Gaussians`);
  if (count * minBytesEach > available) {
    throw new SceneReadError(
      path,
      `${what} count ${count} needs at least ${count * minBytesEach} bytes, the file has ${available}`,
    );
  }
}

interface ColumnRule {
  name: string;
  width: number;
  lo: number;
  hi: number;
  labels?: string[];
}

const symmetric = (limit: number) => ({ lo: -limit, hi: limit });

/** The first value outside the limits, as "Gaussian I PROPERTY = V (why)", or undefined when all are fine. */
export function sceneValueProblem(scene: GaussianScene): string | undefined {
  const rules: [Float32Array, ColumnRule][] = [
    [scene.positions, { name: 'position', width: 3, ...symmetric(POSITION_LIMIT), labels: ['x', 'y', 'z'] }],
    [scene.logScales, { name: 'log-scale', width: 3, lo: LOG_SCALE_RANGE[0], hi: LOG_SCALE_RANGE[1] }],
    [scene.shDC, { name: 'f_dc', width: 3, ...symmetric(SH_LIMIT) }],
    [scene.opacityLogits, { name: 'opacity logit', width: 1, ...symmetric(Infinity) }],
    [scene.rotations, { name: 'rotation', width: 4, ...symmetric(ROTATION_LIMIT) }],
    [
      scene.shRest,
      { name: 'SH rest', width: scene.shRest.length / Math.max(1, scene.count), ...symmetric(SH_LIMIT) },
    ],
  ];
  for (const [column, rule] of rules) {
    for (let k = 0; k < column.length; k++) {
      const v = column[k];
      if (v >= rule.lo && v <= rule.hi && v - v === 0) continue;
      const i = Math.floor(k / rule.width);
      const j = k % rule.width;
      const label = rule.width === 1 ? rule.name : `${rule.name} ${rule.labels?.[j] ?? `[${j}]`}`;
      const why = v - v === 0 ? `outside ${rule.lo}..${rule.hi}` : 'not a finite number';
      return `Gaussian ${i} has ${label} = ${v} (${why})`;
    }
  }
  for (let i = 0; i < scene.count; i++) {
    const r = scene.rotations;
    if (r[i * 4] === 0 && r[i * 4 + 1] === 0 && r[i * 4 + 2] === 0 && r[i * 4 + 3] === 0)
      return `Gaussian ${i} has rotation = 0,0,0,0 (a zero quaternion has no orientation)`;
  }
  return undefined;
}

/** Throws a SceneReadError naming the file and the first out-of-range value. */
export function checkSceneValues(path: string, scene: GaussianScene): void {
  const problem = sceneValueProblem(scene);
  if (problem) throw new SceneReadError(path, problem);
}
