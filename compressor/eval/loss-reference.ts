// CPU float64 reference of the training loss L = (1 − λ)·L1 + λ·(1 − SSIM), λ = 0.2, and dL/dimage.
// SSIM as 3DGS / fused-ssim: per channel, 11×11 Gaussian window (σ = 1.5, normalised), zero-padded
// "same" convolution, C1 = 0.01², C2 = 0.03², averaged over pixels and channels. L1 is the mean
// absolute difference over all H·W·3 values; its gradient at x == y is 0 (PyTorch's sign(0)).
// Images: [H, W, 3] row-major interleaved.

export const SSIM_C1 = 0.01 ** 2;
export const SSIM_C2 = 0.03 ** 2;
export const SSIM_RADIUS = 5; // 11 taps
export const SSIM_SIGMA = 1.5;

/** The normalised 1D Gaussian window (the 2D window is its outer product). */
export function gaussianWindow(): Float64Array {
  const w = new Float64Array(2 * SSIM_RADIUS + 1);
  let sum = 0;
  for (let k = -SSIM_RADIUS; k <= SSIM_RADIUS; k++)
    sum += w[k + SSIM_RADIUS] = Math.exp(-(k * k) / (2 * SSIM_SIGMA * SSIM_SIGMA));
  for (let i = 0; i < w.length; i++) w[i] /= sum;
  return w;
}

/** Zero-padded separable blur of `channels` interleaved maps of size [h, w]. */
function blur(src: Float64Array, width: number, height: number, channels: number): Float64Array {
  const g = gaussianWindow();
  const tmp = new Float64Array(src.length);
  const out = new Float64Array(src.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let k = -SSIM_RADIUS; k <= SSIM_RADIUS; k++) {
          const xx = x + k;
          if (xx >= 0 && xx < width) s += g[k + SSIM_RADIUS] * src[(y * width + xx) * channels + c];
        }
        tmp[(y * width + x) * channels + c] = s;
      }
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let k = -SSIM_RADIUS; k <= SSIM_RADIUS; k++) {
          const yy = y + k;
          if (yy >= 0 && yy < height) s += g[k + SSIM_RADIUS] * tmp[(yy * width + x) * channels + c];
        }
        out[(y * width + x) * channels + c] = s;
      }
  return out;
}

export interface LossResult {
  loss: number;
  l1: number;
  ssim: number;
  /** dL/dimage [H, W, 3]. */
  grad: Float64Array;
}

export function trainingLossReference(
  image: ArrayLike<number>,
  target: ArrayLike<number>,
  width: number,
  height: number,
  ssimWeight = 0.2,
): LossResult {
  const n = width * height * 3;
  const moments = new Float64Array(n * 5); // per value: x, y, x², y², xy
  let l1 = 0;
  for (let i = 0; i < n; i++) {
    const x = image[i],
      y = target[i];
    moments.set([x, y, x * x, y * y, x * y], i * 5);
    l1 += Math.abs(x - y);
  }
  l1 /= n;
  const m = blur(moments, width, height, 15);
  const partial = new Float64Array(n * 3); // dS/dmu_x, dS/dE[x²], dS/dE[xy]
  let ssimSum = 0;
  for (let i = 0; i < n; i++) {
    const [mx, my, exx, eyy, exy] = m.subarray(i * 5, i * 5 + 5);
    const a = 2 * mx * my + SSIM_C1;
    const b = 2 * (exy - mx * my) + SSIM_C2;
    const c = mx * mx + my * my + SSIM_C1;
    const d = exx - mx * mx + eyy - my * my + SSIM_C2;
    const s = (a * b) / (c * d);
    ssimSum += s;
    // s = A B / (C D), with A, B, C, D functions of mu_x, E[x²], E[xy] (sigma terms expanded).
    const dA = 2 * my,
      dB = -2 * my,
      dC = 2 * mx,
      dD = -2 * mx; // d/dmu_x
    partial[i * 3] = (dA * b + a * dB) / (c * d) - (s / c) * dC - (s / d) * dD;
    partial[i * 3 + 1] = -s / d; // dD/dE[x²] = 1
    partial[i * 3 + 2] = (2 * a) / (c * d); // dB/dE[xy] = 2
  }
  const ssim = ssimSum / n;
  const p = blur(partial, width, height, 9);
  const grad = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = image[i],
      y = target[i];
    const dSsim = (p[i * 3] + 2 * x * p[i * 3 + 1] + y * p[i * 3 + 2]) / n; // d mean(SSIM) / dx
    grad[i] = ((1 - ssimWeight) * Math.sign(x - y)) / n - ssimWeight * dSsim;
  }
  return { loss: (1 - ssimWeight) * l1 + ssimWeight * (1 - ssim), l1, ssim, grad };
}
