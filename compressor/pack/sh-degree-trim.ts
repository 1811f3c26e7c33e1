// Picks the SH degree a scene needs: the highest band with a coefficient that can change a displayed colour.
// Bands above it cost their codebook dimensions, centroid indices and residuals for nothing (a degree-3
// scene whose bands 1-3 are all zero paid ~0.18 B/Gaussian). The encoder drops them and records the input's
// degree in the header (`shDegreeTrimmedFrom`). The residual quantizer's zero bin is no measure of that:
// the codebook's centroids keep coefficients far below it (a scene of SH values of +-0.05 renders them).
import { shRestCount, type GaussianScene, type ShDegree } from '../../shared/scene/gaussian-scene.ts';

/**
 * Largest |coefficient| of a band that is dropped: its colour term |c * Y(d)| stays under half an 8-bit level
 * in every direction (|Y| <= 1.5 for the real SH basis functions of degrees 1-3 on unit directions).
 */
export const SH_INVISIBLE_COEFFICIENT = 0.5 / 255 / 1.5;

/**
 * The lowest degree keeping every band that has a coefficient with |c| >= `zeroBin` (or != 0 when 0; the
 * encoder passes SH_INVISIBLE_COEFFICIENT). An empty
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
