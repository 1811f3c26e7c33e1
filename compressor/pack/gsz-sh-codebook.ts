// The SH-rest codebook of a .gsz file: k-means centroids (stored as fp16) and one label per Gaussian, plus
// the colour basis the residual against the centroid is quantized in (FORMAT.md, format v4).
import { shRestCount, type GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { GSZ_LIMITS, type GszQuantization } from '../../shared/format/gsz-layout.ts';
import { fromHalf, toHalf } from '../../shared/format/half.ts';
import { RGB_BASIS } from '../../shared/format/colour-basis.ts';
import { principalColourBasis } from './colour-basis.ts';
import type { ChunkCodebook } from './gsz-chunk-encoder.ts';
import { autoCodebookSize, GSZ_DEFAULTS, type GszEncodeOptions } from './gsz-options.ts';
import { kmeans, type KmeansResult } from './kmeans.ts';

/** The SH-rest k-means encodeGsz runs (scene after any shDegree cap; options as for encodeGsz). */
export async function shKmeans(scene: GaussianScene, options: GszEncodeOptions = {}): Promise<KmeansResult> {
  return kmeans(scene.shRest, 3 * shRestCount(scene.shDegree), {
    k: Math.min(options.codebookSize ?? autoCodebookSize(scene.count), GSZ_LIMITS.codebookCentroids),
    iterations: options.kmeansIterations ?? GSZ_DEFAULTS.kmeansIterations,
    sampleSize: options.kmeansSample ?? GSZ_DEFAULTS.kmeansSample,
    device: options.device,
  });
}

/**
 * The codebook of a scene with SH rest (the caller's `shCodebook`, checked, or a fresh k-means); sets
 * `quant.shResidual.basis` when the file has a residual column.
 */
export async function buildShCodebook(
  scene: GaussianScene,
  quant: GszQuantization,
  options: GszEncodeOptions,
  residual: { basis: string; rounding: number },
  progress: (stage: string) => void,
): Promise<ChunkCodebook> {
  const n = scene.count;
  const dims = 3 * shRestCount(scene.shDegree);
  const given = options.shCodebook;
  // A caller's codebook is checked against this scene; our own k-means fits it by construction.
  if (
    given &&
    (given.labels.length !== n ||
      given.centroids.length !== given.k * dims ||
      given.k > GSZ_LIMITS.codebookCentroids ||
      given.labels.some((l) => l >= given.k))
  ) {
    throw new RangeError(
      `shCodebook: ${given.k} centroids of ${given.centroids.length / Math.max(1, given.k)} dims and ${given.labels.length} labels do not fit ${n} Gaussians with ${dims} SH-rest values`,
    );
  }
  if (!given) progress('k-means');
  const km = given ?? (await shKmeans(scene, options));
  // Residuals are taken against the centroids as the decoder sees them (fp16, non-finite -> 0).
  const halves = Uint16Array.from(km.centroids, toHalf);
  const decoded = Float32Array.from(halves, (h) => {
    const v = fromHalf(h);
    return Number.isFinite(v) ? v : 0;
  });
  if (quant.shResidual) {
    const basisName = residual.basis;
    if (basisName !== 'principal' && basisName !== 'rgb')
      throw new RangeError(`shResidualBasis must be 'principal' or 'rgb', got '${basisName}'`);
    quant.shResidual.basis =
      basisName === 'rgb' ? RGB_BASIS : principalColourBasis(scene.shRest, km.labels, decoded, dims);
  }
  return {
    ...km,
    halves,
    decoded,
    dims,
    residualStep: quant.shResidual?.step,
    residualRounding: residual.rounding,
    basis: quant.shResidual?.basis ?? RGB_BASIS,
  };
}
