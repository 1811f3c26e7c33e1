// Exact-budget selection: keep exactly B Gaussians, sampled WITHOUT replacement with probability
// proportional to opacity (the reference's torch.multinomial(opacity, B, replacement=False)), not a top-k.
// Efraimidis–Spirakis (2006): give item i the key u_i^(1/w_i) with u_i uniform in (0,1); the B largest
// keys are a weighted sample without replacement with exactly the sequential-draw distribution.
// We compare log-keys log(u)/w (same order, no underflow for small w).
import { mulberry32 } from '../../shared/math/random.ts';
import { topKIndices } from './rank.ts';

export { mulberry32 } from '../../shared/math/random.ts';

/**
 * Indices (ascending) of `count` items sampled without replacement with probability ∝ `weights`
 * (non-negative). Items of weight 0 (or NaN) are taken only when fewer than `count` have weight > 0.
 */
export function sampleWithoutReplacement(weights: ArrayLike<number>, count: number, seed = 0): Uint32Array {
  const n = weights.length;
  if (count >= n) return Uint32Array.from({ length: n }, (_, i) => i);
  const random = mulberry32(seed);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    // 1 - random() is in (0, 1]: log is finite; a key of 0 (u = 1) is the largest possible.
    const u = 1 - random();
    keys[i] = w > 0 ? Math.log(u) / w : -Infinity;
  }
  return topKIndices(keys, count);
}

/** The exact-budget cut of natural selection: indices of `budget` Gaussians sampled ∝ sigmoid(logit). */
export function sampleByOpacity(opacityLogits: Float32Array, budget: number, seed = 0): Uint32Array {
  const opacities = new Float64Array(opacityLogits.length);
  for (let i = 0; i < opacities.length; i++) opacities[i] = 1 / (1 + Math.exp(-opacityLogits[i]));
  return sampleWithoutReplacement(opacities, budget, seed);
}
