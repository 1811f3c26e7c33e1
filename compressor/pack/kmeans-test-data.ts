// Test-only: clustered point sets for the k-means tests (deterministic).
import { random } from '../io/test-helpers.ts';

/** `n` points in `dims` dims around `clusters` random centres, uniform noise of ±0.025 per dim. */
export function clustered(n: number, dims: number, clusters: number, seed: number): Float32Array {
  const rand = random(seed);
  const centres = Float32Array.from({ length: clusters * dims }, () => rand() * 2 - 1);
  const out = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rand() * clusters);
    for (let j = 0; j < dims; j++) out[i * dims + j] = centres[c * dims + j] + (rand() - 0.5) * 0.05;
  }
  return out;
}
