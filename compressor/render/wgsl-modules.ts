// The WGSL helper modules `#import`-able by the rasterizer's kernels (names as used after `#import`).
import rasterCommon from './wgsl/raster_common.wgsl';
import rasterBlend from './wgsl/raster_blend.wgsl';
import splatGradAtomics from './wgsl/splat_grad_atomics.wgsl';
import type { WgslModules } from '../../shared/wgsl/compose.ts';
import { SHARED_WGSL_MODULES } from '../../shared/wgsl/modules.ts';
import { RASTER_CONSTANTS_WGSL } from './types.ts';

/** Everything the rasterizer's kernels import. */
export const RASTER_WGSL_MODULES: WgslModules = {
  ...SHARED_WGSL_MODULES,
  raster_constants: RASTER_CONSTANTS_WGSL,
  raster_common: rasterCommon,
  raster_blend: rasterBlend,
  splat_grad_atomics: splatGradAtomics,
};
