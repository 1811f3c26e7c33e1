// Picks the SH degree a scene needs: the highest band with a coefficient at or above the zero bin of the
// SH-rest residual quantizer. Bands above it would all code as zero residuals and cost their codebook
// dimensions and centroid indices for nothing (a degree-3 scene whose bands 1-3 are all zero paid ~0.18
// B/Gaussian). The encoder drops them and records the input's degree in the header (`shDegreeTrimmedFrom`).
import { shRestCount, type GaussianScene, type ShDegree } from '../../shared/scene/gaussian-scene.ts';

/**
 * Largest |coefficient| the residual quantizer codes as zero: code = sign(r) * floor(|r| / step + rounding) is
 * 0 for |r| < step * (1 - rounding). With no residual step (centroids only) nothing but exact zeros is dropped.
 */
export function shZeroBin(residualStep: number, residualRounding: number): number {
  return residualStep > 0 ? residualStep * (1 - residualRounding) : 0;
}

/**
 * The lowest degree keeping every band that has a coefficient with |c| >= `zeroBin` (or != 0 when 0). An empty
 * scene keeps its degree: there is nothing to measure, and the file should say what its source had.
 */
export function neededShDegree(scene: GaussianScene, zeroBin: number): ShDegree {
  if (scene.count === 0) return scene.shDegree;
  const k = shRestCount(scene.shDegree);
  for (let degree = scene.shDegree; degree > 0; degree--) {
    const first = degree * degree - 1; // bands below `degree` hold degree² - 1 coefficients per channel
    const last = shRestCount(degree as ShDegree);
    for (let i = 0; i < scene.count; i++) {
      for (let j = first; j < last; j++) {
        for (let c = 0; c < 3; c++) {
          const v = Math.abs(scene.shRest[(i * k + j) * 3 + c]);
          if (zeroBin > 0 ? v >= zeroBin : v !== 0) return degree as ShDegree;
        }
      }
    }
  }
  return 0;
}
