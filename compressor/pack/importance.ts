// Default importance of each Gaussian for the .gsz chunk order: opacity x projected-area proxy,
// sigmoid(v) * exp((2/3) * sum(logScales)). exp(sum) is the ellipsoid's volume (∝ r^3), so the 2/3 power
// is ∝ r^2, the screen area it covers at a given distance: big, opaque splats first, small faint ones last.
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';

export function defaultImportance(scene: GaussianScene): Float32Array {
  const out = new Float32Array(scene.count);
  for (let i = 0; i < scene.count; i++) {
    const v = scene.opacityLogits[i];
    const s = scene.logScales[i * 3] + scene.logScales[i * 3 + 1] + scene.logScales[i * 3 + 2];
    // Work in log space so tiny/huge scales neither underflow nor overflow float32.
    const logScore = -Math.log1p(Math.exp(-v)) + (2 / 3) * s;
    out[i] = Number.isFinite(logScore) ? logScore : -Infinity;
  }
  return out;
}

/** Indices sorted by descending importance (ties by index, so the order is deterministic). */
export function importanceOrder(importance: Float32Array): Uint32Array {
  const order = Array.from({ length: importance.length }, (_, i) => i);
  order.sort((a, b) => importance[b] - importance[a] || a - b);
  return Uint32Array.from(order);
}

/**
 * Chunk sizes for `count` Gaussians: the first chunk is small (first picture after few bytes), each next one
 * `growth` times larger up to `maxChunk`; a tail smaller than a quarter of the last chunk is merged into it.
 */
export function chunkSizes(count: number, firstChunk: number, growth: number, maxChunk: number): number[] {
  const sizes: number[] = [];
  let left = count;
  let size = Math.max(1, Math.min(firstChunk, maxChunk));
  while (left > 0) {
    const take = Math.min(size, left);
    sizes.push(take);
    left -= take;
    size = Math.min(maxChunk, Math.ceil(size * growth));
  }
  if (
    sizes.length > 1 &&
    sizes[sizes.length - 1] < sizes[sizes.length - 2] / 4 &&
    sizes[sizes.length - 2] + sizes[sizes.length - 1] <= maxChunk
  ) {
    sizes[sizes.length - 2] += sizes.pop()!;
  }
  return sizes;
}
