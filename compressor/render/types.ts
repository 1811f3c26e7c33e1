// Shapes shared by the GPU rasterizer, its CPU reference, the CLI and the benchmark.
import type { ShDegree } from '../../shared/scene/gaussian-scene.ts';
import { wgslConstants } from '../../shared/wgsl/constants.ts';

/** A GaussianScene's columns, in any numeric array (float64 for finite differences on the reference). */
export interface SceneArrays {
  count: number;
  shDegree: ShDegree;
  positions: ArrayLike<number>; // [N, 3]
  logScales: ArrayLike<number>; // [N, 3] natural-log standard deviations
  rotations: ArrayLike<number>; // [N, 4] quaternion w, x, y, z (any norm > 0)
  opacityLogits: ArrayLike<number>; // [N]
  shDC: ArrayLike<number>; // [N, 3]
  shRest: ArrayLike<number>; // [N, K, 3], K = shRestCount(shDegree)
  antialiased?: boolean;
}

export interface RasterOptions {
  /** Colour behind everything, linear RGB in [0, 1]. Default black. */
  background?: readonly [number, number, number];
  /** Render with at most this SH degree (a cap; the scene's degree when larger). */
  shDegree?: ShDegree;
  /** Mip-Splatting 2D filter: opacity scaled by sqrt(det(C) / det(C + 0.3 I)). Default: the scene's flag. */
  antialiased?: boolean;
}

/** Tile edge in pixels; fixed (the kernels' workgroups are TILE_SIZE x TILE_SIZE). */
export const TILE_SIZE = 16;
// Compositing constants of the rasterizer and its reference (the projection's, NEAR_PLANE and the others,
// are shared/math/projection-constants.ts). The kernels `#import raster_constants`, generated from these.
/** Upper limit of a single splat's alpha: it keeps 1 - alpha away from 0, so the backward pass can divide
 *  transmittance by it. */
export const MAX_ALPHA = 0.99;
/** Compositing stops before a splat would bring transmittance below this. */
export const TRANSMITTANCE_MIN = 1e-4;
export const RASTER_CONSTANTS_WGSL = wgslConstants({ MAX_ALPHA, TRANSMITTANCE_MIN });
