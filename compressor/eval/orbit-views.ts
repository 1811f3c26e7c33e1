// Render-space fidelity of a decoded scene: the scene and its reference rendered from the same orbit views
// (compressor/render, black background), compared per view, over the whole image or over the scene's own
// pixels only (a scene that fills a fifth of the image gains ~7 dB of PSNR from its empty background).
// bench:format's render columns and `pack --target-psnr` (compressor/pack/target-psnr.ts) both measure
// through here, so they agree.
import type { Camera } from '../../shared/math/camera.ts';
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import type { GpuContext } from '../gpu/device.ts';
import { orbitCamera, robustBounds } from '../render/default-camera.ts';
import { rasterization } from '../render/rasterization.ts';
import { clamp01, psnrFromMse } from './metrics.ts';

export interface OrbitViewOptions {
  /** Views evenly spaced in azimuth, 20° above the robust-bounds centre, 60° vertical field of view. */
  views: number;
  width: number;
  height: number;
}

export const ORBIT_VIEW_DEFAULTS: OrbitViewOptions = { views: 4, width: 640, height: 480 };

/** A pixel is the scene's when either render covers it with at least this alpha. */
export const SCENE_PIXEL_ALPHA = 0.05;

export interface ViewRender {
  /** RGB in [0, 1] (clamped), row-major. */
  image: Float32Array;
  alpha: Float32Array;
}

export function orbitViews(scene: GaussianScene, o: OrbitViewOptions = ORBIT_VIEW_DEFAULTS): Camera[] {
  const bounds = robustBounds(scene.positions, scene.count);
  return Array.from({ length: o.views }, (_, v) =>
    orbitCamera(bounds, {
      width: o.width,
      height: o.height,
      fovDegrees: 60,
      azimuthDegrees: (360 * v) / o.views,
      elevationDegrees: 20,
    }),
  );
}

export async function renderViews(
  gpu: GpuContext,
  scene: GaussianScene,
  views: Camera[],
): Promise<ViewRender[]> {
  const out: ViewRender[] = [];
  for (const camera of views) {
    const { image, alpha } = await rasterization(gpu, scene, camera, { background: [0, 0, 0] });
    out.push({ image: clamp01(image), alpha });
  }
  return out;
}

/**
 * Mean squared error of each render against its reference (signals in [0, 1]): over every pixel, or with
 * `scenePixels` over the pixels either render covers (alpha >= SCENE_PIXEL_ALPHA; 0 when there are none).
 */
export function viewErrors(renders: ViewRender[], reference: ViewRender[], scenePixels = false): number[] {
  return renders.map(({ image, alpha }, v) => {
    const ref = reference[v];
    let sum = 0;
    let pixels = 0;
    for (let p = 0; p < alpha.length; p++) {
      if (scenePixels && alpha[p] < SCENE_PIXEL_ALPHA && ref.alpha[p] < SCENE_PIXEL_ALPHA) continue;
      pixels++;
      for (let c = p * 3; c < p * 3 + 3; c++) sum += (image[c] - ref.image[c]) ** 2;
    }
    return pixels > 0 ? sum / (pixels * 3) : 0;
  });
}

/** Mean over views of each view's PSNR (dB, peak 1): the figure bench:format prints. */
export function meanPsnr(errors: number[]): number {
  return errors.reduce((s, mse) => s + psnrFromMse(mse), 0) / errors.length;
}
