// Options of the .gsz encoder (encodeGsz) and their defaults, with the measurements behind each default.
import type { ShDegree } from '../../shared/scene/gaussian-scene.ts';
import type { GszCamera, Vec3 } from '../../shared/format/gsz-layout.ts';
import type { KmeansResult } from './kmeans.ts';

export interface GszEncodeOptions {
  /** Per-Gaussian importance (higher = earlier in the file); default: defaultImportance (importance.ts). */
  importance?: Float32Array;
  /** Drop SH bands above this degree. */
  shDegree?: ShDegree;
  /** Intended world up; default [0, -1, 0] (COLMAP/INRIA scenes: camera +Y is down). */
  up?: Vec3;
  /** The background the scene was trained against (sRGB in [0, 1]); omitted: none recorded (transparent). */
  background?: Vec3;
  /** The default camera stored in the header; omitted: viewers frame the robust extent (header `focus`). */
  camera?: GszCamera;
  /**
   * Gaussians in the first chunk; later chunks grow by `chunkGrowth` up to `maxChunk`. Growth 3 (default):
   * every chunk restarts its adaptive models, so fewer chunks code smaller (biker 10.58 -> 10.43 B/G against
   * growth 2, playbot 15.92 -> 15.89) while the first chunk, and so the first picture, stays the same.
   */
  firstChunk?: number;
  chunkGrowth?: number;
  maxChunk?: number;
  /**
   * Position grid step as a fraction of the bounding-box diagonal (raised per axis where 16 bits do not span it).
   * 1/15000: biker RMS / p99 3.33e-5 / 5.05e-5 of the diagonal against SPZ's 3.45e-5 / 5.23e-5. (1/14600 stays under
   * SPZ's position error too, but the bench's nearest-original matching then pairs more close neighbours
   * wrongly: biker's matched opacity RMS 7.17e-5 against SPZ's 7.10e-5.)
   */
  positionStep?: number;
  /**
   * Log-scale and DC quantization step (attribute units; one grid for the three components). The range
   * coder only pays for the levels actually used, so a fixed step costs nothing for unused range. When
   * `*Bits` is given instead, 2^bits levels are spread over the values' range.
   */
  logScaleStep?: number;
  /** DC grid step (SH coefficient units); 0.026 stays at or below SPZ's DC RMS and p99 (its 0.0261 grid) on biker and playbot. */
  shDCStep?: number;
  logScaleBits?: number;
  /** Smallest-three-style rotation grid: `rotationLevels` codes per component (default), or 2^rotationBits when that is given. */
  rotationBits?: number;
  rotationLevels?: number;
  opacityBits?: number;
  shDCBits?: number;
  /** SH-rest codebook: centroids (default: autoCodebookSize(count)), Lloyd iterations, subsample size. */
  codebookSize?: number;
  /** SH-rest residual against the centroid, quantized with this step (SH coefficient units); 0 = centroids only. */
  shResidualStep?: number;
  /**
   * Rounding offset of the SH-rest residual quantizer: code = sign(r) * floor(|r| / step + offset); 0.5 is
   * plain rounding, smaller offsets widen the zero bin (a deadzone), which saves more bits than it costs error.
   */
  shResidualRounding?: number;
  /**
   * Colour basis of the SH-rest residual (format v4): 'principal' (default) quantizes each coefficient's
   * (R, G, B) residual along the residuals' principal colour axes (colour-basis.ts), 'rgb' as it is.
   */
  shResidualBasis?: 'principal' | 'rgb';
  kmeansIterations?: number;
  kmeansSample?: number;
  /**
   * A k-means result for this scene's SH rest (centroids k x dims, one label per Gaussian), used instead of
   * running k-means: a search that re-encodes one scene with other steps (target-psnr.ts) clusters once.
   */
  shCodebook?: KmeansResult;
  /** GPU for k-means; undefined = CPU. */
  device?: GPUDevice;
  onProgress?: (stage: string) => void;
}

export const GSZ_DEFAULTS = {
  firstChunk: 4096,
  chunkGrowth: 3,
  maxChunk: 131072,
  positionStep: 1 / 15000,
  logScaleStep: 0.062,
  shDCStep: 0.026,
  logScaleBits: 8,
  rotationBits: 10,
  rotationLevels: 1000,
  opacityBits: 8,
  shDCBits: 8,
  codebookSize: 1024,
  shResidualStep: 0.1,
  shResidualRounding: 0.42,
  shResidualBasis: 'principal',
  kmeansIterations: 10,
  kmeansSample: 65536,
} as const;

/**
 * Default SH-rest codebook size for `count` Gaussians: about one centroid per 512 Gaussians (a power of two,
 * 16..GSZ_DEFAULTS.codebookSize). With the residual column the centroids only need to be roughly right:
 * on a 100k playbot subset 64, 256, 1024 and 4096 centroids all cost 5.3-5.7 B/G of SH in total (index +
 * residual + codebook), and a small codebook keeps k-means fast on a CPU (4096: 225 s, 256: 9 s).
 */
export function autoCodebookSize(count: number): number {
  const target = 2 ** Math.round(Math.log2(Math.max(1, count / 512)));
  return Math.max(16, Math.min(GSZ_DEFAULTS.codebookSize, target));
}
