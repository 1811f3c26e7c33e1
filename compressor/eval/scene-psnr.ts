// PSNR over scene pixels: mode (c)'s teacher renders are mostly background far from the object, and a
// whole-image PSNR would count that free agreement. Pixels where the mask is 1 (the teacher's alpha
// shows the scene, patch-views.ts SCENE_ALPHA) are scored; an image without any scores NaN.
import { psnrFromMse } from './metrics.ts';

/** PSNR of [H, W, 3] `image` against `target` over the pixels where `mask` ([H, W]) is non-zero. */
export function scenePsnr(image: ArrayLike<number>, target: ArrayLike<number>, mask: Uint8Array): number {
  if (image.length !== target.length || image.length !== mask.length * 3)
    throw new RangeError(
      `scenePsnr: ${image.length} / ${target.length} values for ${mask.length} mask pixels`,
    );
  let sum = 0;
  let pixels = 0;
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    pixels++;
    for (let c = 0; c < 3; c++) {
      const d = image[p * 3 + c] - target[p * 3 + c];
      sum += d * d;
    }
  }
  return pixels === 0 ? NaN : psnrFromMse(sum / (pixels * 3));
}
