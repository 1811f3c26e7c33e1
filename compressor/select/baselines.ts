// The pruning baselines natural selection is compared with (docs/method.md, ablation):
// - one-shot opacity-threshold pruning to the budget: keep the B most opaque Gaussians;
// - LightGaussian's global significance: accumulated blending weight over all training views × a
//   normalised volume term, keep the top B.
import { topKIndices } from './rank.ts';
import { kthLargest } from './rank.ts';

/** Indices (ascending) of the `budget` Gaussians with the highest opacity (logits rank like opacities). */
export function topByOpacity(opacityLogits: Float32Array, budget: number): Uint32Array {
  return topKIndices(opacityLogits, budget);
}

/**
 * LightGaussian importance: score_i = hitWeight_i × (V_i / V_90)^vPow, where hitWeight is the blending
 * weight (alpha × transmittance) Gaussian i contributed, summed over every pixel of every training view
 * (the rasterizer's accumulated blending weight), V_i = prod(exp(logScale)) its volume and V_90 the 90th
 * percentile volume (LightGaussian's `v_pow` = 0.1 default: a weak preference for large Gaussians).
 */
export function lightGaussianImportance(
  accumulatedWeight: Float32Array, // [N]
  logScales: Float32Array, // [N, 3]
  vPow = 0.1,
): Float32Array {
  const n = accumulatedWeight.length;
  const logVolume = new Float64Array(n);
  for (let i = 0; i < n; i++) logVolume[i] = logScales[i * 3] + logScales[i * 3 + 1] + logScales[i * 3 + 2];
  // 90th percentile from the bottom = the (n - floor(0.9 n))-th largest.
  const logV90 = n > 0 ? kthLargest(logVolume, Math.max(1, n - Math.floor(0.9 * n))) : 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = accumulatedWeight[i] * Math.exp(vPow * (logVolume[i] - logV90));
  return out;
}

/** Indices (ascending) of the `budget` most important Gaussians by LightGaussian's score. */
export function topByLightGaussianImportance(
  accumulatedWeight: Float32Array,
  logScales: Float32Array,
  budget: number,
  vPow = 0.1,
): Uint32Array {
  return topKIndices(lightGaussianImportance(accumulatedWeight, logScales, vPow), budget);
}
