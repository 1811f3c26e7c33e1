// How much each Gaussian shows: its blending weight (alpha x transmittance, summed over the pixels it
// touches) summed over many orbit views. A Gaussian that adds almost nothing to any pixel of any view can be
// dropped before packing at a render-PSNR target (target-psnr.ts measures what dropping costs).
import type { Camera } from '../../shared/math/camera.ts';
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import type { GpuContext } from '../gpu/device.ts';
import { orbitCamera, robustBounds } from '../render/default-camera.ts';
import { SPLAT_GRAD, SPLAT_GRAD_STRIDE } from '../render/gaussian-rasterizer.ts';
import { rasterizationWithGradients } from '../render/rasterization.ts';

export interface VisibilityViewOptions {
  /** Views per elevation, evenly spaced in azimuth (offset from orbit-views.ts's so they are other views). */
  azimuths: number;
  /** Elevations above the robust-bounds centre, degrees. */
  elevationsDegrees: number[];
  width: number;
  height: number;
}

/** 8 azimuths at three elevations: views the PSNR check (4 views at 20°) does not use, around the scene. */
export const VISIBILITY_VIEW_DEFAULTS: VisibilityViewOptions = {
  azimuths: 8,
  elevationsDegrees: [-10, 20, 50],
  width: 640,
  height: 480,
};

export function visibilityViews(
  scene: GaussianScene,
  o: VisibilityViewOptions = VISIBILITY_VIEW_DEFAULTS,
): Camera[] {
  const bounds = robustBounds(scene.positions, scene.count);
  return o.elevationsDegrees.flatMap((elevationDegrees, e) =>
    Array.from({ length: o.azimuths }, (_, a) =>
      orbitCamera(bounds, {
        width: o.width,
        height: o.height,
        fovDegrees: 60,
        // Half a step apart between elevations, and off the 4 PSNR views' 0/90/180/270°.
        azimuthDegrees: (360 * (a + 0.25 + 0.5 * (e % 2))) / o.azimuths,
        elevationDegrees,
      }),
    ),
  );
}

/** Per Gaussian: sum over `views` and their pixels of its blending weight alpha·T (in pixels). */
export async function blendingWeights(
  gpu: GpuContext,
  scene: GaussianScene,
  views: Camera[],
): Promise<Float64Array> {
  const total = new Float64Array(scene.count);
  for (const camera of views) {
    const vImage = new Float32Array(camera.width * camera.height * 3).fill(1);
    const { splatGrads } = await rasterizationWithGradients(gpu, scene, camera, vImage, {
      background: [0, 0, 0],
    });
    for (let i = 0; i < scene.count; i++) total[i] += splatGrads[i * SPLAT_GRAD_STRIDE + SPLAT_GRAD.weight];
  }
  return total;
}
