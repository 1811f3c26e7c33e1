// The WGSL helper modules `#import`-able by the rasterizer's kernels (names as used after `#import`).
import math from '../../shared/wgsl/math.wgsl';
import projection from '../../shared/wgsl/projection.wgsl';
import sh from '../../shared/wgsl/sh.wgsl';
import rasterCommon from './wgsl/raster_common.wgsl';
import rasterBlend from './wgsl/raster_blend.wgsl';
import splatGradAtomics from './wgsl/splat_grad_atomics.wgsl';
import type { WgslModules } from '../../shared/wgsl/compose.ts';

/** The pure helpers the viewer imports too. */
export const SHARED_WGSL_MODULES: WgslModules = { math, projection, sh };
/** Everything the rasterizer's kernels import. */
export const RASTER_WGSL_MODULES: WgslModules = {
  ...SHARED_WGSL_MODULES,
  raster_common: rasterCommon,
  raster_blend: rasterBlend,
  splat_grad_atomics: splatGradAtomics,
};
