// Central finite differences of a scalar loss on the CPU reference forward (float64), for checking the
// GPU backward pass. Loss = sum(vImage * image) + sum(vAlpha * alpha): its gradient is exactly what the
// backward computes for dL/dimage = vImage, dL/dalpha = vAlpha.
import type { Camera } from '../../../shared/math/camera.ts';
import { compositeReference, rasterizeReference } from '../reference/rasterize.ts';
import type { ProjectedReference } from '../reference/projection.ts';
import type { RasterOptions, SceneArrays } from '../types.ts';

export type ColumnName = 'positions' | 'logScales' | 'rotations' | 'opacityLogits' | 'shDC' | 'shRest';
export const COLUMNS: ColumnName[] = [
  'positions',
  'logScales',
  'rotations',
  'opacityLogits',
  'shDC',
  'shRest',
];

export interface Scene64 extends SceneArrays {
  positions: Float64Array;
  logScales: Float64Array;
  rotations: Float64Array;
  opacityLogits: Float64Array;
  shDC: Float64Array;
  shRest: Float64Array;
}

export function toScene64(scene: SceneArrays): Scene64 {
  return {
    count: scene.count,
    shDegree: scene.shDegree,
    antialiased: scene.antialiased,
    positions: Float64Array.from(scene.positions),
    logScales: Float64Array.from(scene.logScales),
    rotations: Float64Array.from(scene.rotations),
    opacityLogits: Float64Array.from(scene.opacityLogits),
    shDC: Float64Array.from(scene.shDC),
    shRest: Float64Array.from(scene.shRest),
  };
}

function dotLoss(
  image: Float64Array,
  alpha: Float64Array,
  vImage: ArrayLike<number>,
  vAlpha?: ArrayLike<number>,
): number {
  let l = 0;
  for (let i = 0; i < image.length; i++) l += image[i] * vImage[i];
  if (vAlpha) for (let i = 0; i < alpha.length; i++) l += alpha[i] * vAlpha[i];
  return l;
}

/**
 * dLoss/dparameter for every parameter of every column, by central differences with step h.
 * h = 1e-6 in float64: truncation (h^2 ~ 1e-12) and round-off (1e-16 / h ~ 1e-10) are both negligible,
 * and so is the chance that a pixel's alpha crosses the 1/255 cut-off inside the step (a jump).
 */
export function finiteDifferenceGradients(
  scene: Scene64,
  camera: Camera,
  options: RasterOptions,
  vImage: ArrayLike<number>,
  vAlpha?: ArrayLike<number>,
  h = 1e-6,
): Record<ColumnName, Float64Array> {
  const out = {} as Record<ColumnName, Float64Array>;
  for (const name of COLUMNS) {
    const column = scene[name];
    const grad = new Float64Array(column.length);
    for (let i = 0; i < column.length; i++) {
      const keep = column[i];
      column[i] = keep + h;
      const plus = rasterizeReference(scene, camera, options);
      column[i] = keep - h;
      const minus = rasterizeReference(scene, camera, options);
      column[i] = keep;
      grad[i] =
        (dotLoss(plus.image, plus.alpha, vImage, vAlpha) -
          dotLoss(minus.image, minus.alpha, vImage, vAlpha)) /
        (2 * h);
    }
    out[name] = grad;
  }
  return out;
}

/**
 * Screen-space statistics by finite differences on the compositing alone: per Gaussian, the total
 * dL/d mean2d and the AbsGS sum over pixels of |dL_pixel/d mean2d| (each pixel's own loss term).
 */
export function finiteDifferenceMean2d(
  scene: Scene64,
  camera: Camera,
  options: RasterOptions,
  vImage: ArrayLike<number>,
  h = 1e-6,
): { total: Float64Array; absolute: Float64Array } {
  const base = rasterizeReference(scene, camera, options);
  const n = scene.count;
  const total = new Float64Array(n * 2);
  const absolute = new Float64Array(n * 2);
  const pixels = camera.width * camera.height;
  const background = options.background ?? [0, 0, 0];
  for (let g = 0; g < n; g++) {
    for (let axis = 0; axis < 2; axis++) {
      const shifted = (delta: number) => {
        const projected: ProjectedReference[] = base.meta.projected.map((p, i) => {
          if (i !== g) return p;
          const mean2d: [number, number] = [p.mean2d[0], p.mean2d[1]];
          mean2d[axis] += delta;
          return { ...p, mean2d };
        });
        return compositeReference(projected, base.meta.colors, camera.width, camera.height, background).image;
      };
      const plus = shifted(h);
      const minus = shifted(-h);
      for (let p = 0; p < pixels; p++) {
        let d = 0;
        for (let c = 0; c < 3; c++) d += (plus[p * 3 + c] - minus[p * 3 + c]) * vImage[p * 3 + c];
        d /= 2 * h;
        total[g * 2 + axis] += d;
        absolute[g * 2 + axis] += Math.abs(d);
      }
    }
  }
  return { total, absolute };
}
