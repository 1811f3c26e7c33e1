// Image quality metrics of the evaluation: PSNR and SSIM (11x11 Gaussian window, sigma 1.5, the 3DGS
// evaluation's settings), on [H, W, 3] RGB float images. Renders are clamped to [0, 1] first, as 3DGS
// does before it saves or scores an image.
import { trainingLossReference } from './loss-reference.ts';

export function clamp01(image: Float32Array): Float32Array {
  return Float32Array.from(image, (v) => (v < 0 ? 0 : Math.min(v, 1)));
}

/** Peak signal-to-noise ratio in dB for signals in [0, 1] (Infinity when identical). */
export function psnr(image: ArrayLike<number>, target: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < target.length; i++) sum += (image[i] - target[i]) ** 2;
  return psnrFromMse(sum / target.length);
}

/** PSNR (dB) of a mean squared error of signals in [0, 1] (Infinity for 0). */
export function psnrFromMse(mse: number): number {
  return mse === 0 ? Infinity : -10 * Math.log10(mse);
}

/** Mean SSIM over pixels and channels (float64 reference implementation of the training loss). */
export function ssim(
  image: ArrayLike<number>,
  target: ArrayLike<number>,
  width: number,
  height: number,
): number {
  return trainingLossReference(image, target, width, height).ssim;
}
