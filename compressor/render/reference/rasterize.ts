// CPU reference rasterizer (float64, plain loops): project every Gaussian, sort by depth, then for
// every pixel composite front to back with the 3DGS rules — alpha = min(0.99, opacity exp(-power)),
// skip alpha < 1/255, stop before a Gaussian would bring transmittance below 1e-4 — and finally add
// T * background. No tiles: the GPU's tile culling is exact (see screen_extent), so results match.
import type { Camera } from '../../../shared/math/camera.ts';
import { ALPHA_THRESHOLD } from '../../../shared/math/projection-constants.ts';
import { MAX_ALPHA, TRANSMITTANCE_MIN, type RasterOptions, type SceneArrays } from '../types.ts';
import { cameraCentre, projectReference, type ProjectedReference } from './projection.ts';
import { shColorReference } from './sh.ts';

export interface ReferenceResult {
  image: Float64Array; // [H, W, 3]
  alpha: Float64Array; // [H, W]
  meta: {
    projected: ProjectedReference[]; // by Gaussian index
    colors: [number, number, number][]; // by Gaussian index
    depthOrder: number[]; // visible Gaussians, front to back
    finalTransmittance: Float64Array; // [H, W]
    /** Per pixel: how many Gaussians of depthOrder were walked (the last one that blended is at count - 1). */
    contributorCount: Uint32Array;
    /** Per Gaussian: sum over pixels of alpha x T (its blending weight). */
    weights: Float64Array;
  };
}

function column(a: ArrayLike<number>, i: number, width: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < width; k++) out.push(a[i * width + k]);
  return out;
}

export function rasterizeReference(
  scene: SceneArrays,
  camera: Camera,
  options: RasterOptions = {},
): ReferenceResult {
  const { width, height } = camera;
  const background = options.background ?? [0, 0, 0];
  const degree = Math.min(options.shDegree ?? scene.shDegree, scene.shDegree);
  const antialiased = options.antialiased ?? scene.antialiased ?? false;
  const eye = cameraCentre(camera);
  const projected: ProjectedReference[] = [];
  const colors: [number, number, number][] = [];
  for (let i = 0; i < scene.count; i++) {
    const mean = column(scene.positions, i, 3);
    projected.push(
      projectReference(
        camera,
        mean,
        column(scene.logScales, i, 3),
        column(scene.rotations, i, 4),
        scene.opacityLogits[i],
        antialiased,
      ),
    );
    colors.push(shColorReference(i, mean, eye, scene.shDC, scene.shRest, scene.shDegree, degree));
  }
  const composite = compositeReference(projected, colors, width, height, background);
  return { image: composite.image, alpha: composite.alpha, meta: { projected, colors, ...composite.meta } };
}

export interface CompositeResult {
  image: Float64Array;
  alpha: Float64Array;
  meta: Omit<ReferenceResult['meta'], 'projected' | 'colors'>;
}

/** Depth-sorts the visible projected Gaussians and composites every pixel (no tiles). */
export function compositeReference(
  projected: readonly ProjectedReference[],
  colors: readonly (readonly number[])[],
  width: number,
  height: number,
  background: readonly number[],
): CompositeResult {
  const depthOrder = projected.map((_, i) => i).filter((i) => projected[i].visible);
  depthOrder.sort((a, b) => projected[a].depth - projected[b].depth || a - b); // stable by index on ties
  const image = new Float64Array(width * height * 3);
  const alpha = new Float64Array(width * height);
  const finalTransmittance = new Float64Array(width * height);
  const contributorCount = new Uint32Array(width * height);
  const weights = new Float64Array(projected.length);
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      let transmittance = 1;
      const rgb = [0, 0, 0];
      let count = 0;
      for (let n = 0; n < depthOrder.length; n++) {
        const g = projected[depthOrder[n]];
        const dx = g.mean2d[0] - (px + 0.5);
        const dy = g.mean2d[1] - (py + 0.5);
        const power = 0.5 * (g.conic[0] * dx * dx + g.conic[2] * dy * dy) + g.conic[1] * dx * dy;
        if (power < 0) continue;
        const a = Math.min(MAX_ALPHA, g.opacity * Math.exp(-power));
        if (a < ALPHA_THRESHOLD) continue;
        const next = transmittance * (1 - a);
        if (next < TRANSMITTANCE_MIN) break;
        const c = colors[depthOrder[n]];
        for (let k = 0; k < 3; k++) rgb[k] += c[k] * a * transmittance;
        weights[depthOrder[n]] += a * transmittance;
        transmittance = next;
        count = n + 1;
      }
      const p = py * width + px;
      for (let k = 0; k < 3; k++) image[p * 3 + k] = rgb[k] + transmittance * background[k];
      alpha[p] = 1 - transmittance;
      finalTransmittance[p] = transmittance;
      contributorCount[p] = count;
    }
  }
  return { image, alpha, meta: { depthOrder, finalTransmittance, contributorCount, weights } };
}
