// The WGSL helper modules `#import`-able by the rasterizer's kernels (names as used after `#import`).
import math from '../../shared/wgsl/math.wgsl';
import projection from '../../shared/wgsl/projection.wgsl';
import sh from '../../shared/wgsl/sh.wgsl';
import type { WgslModules } from '../../shared/wgsl/compose.ts';

export const SHARED_WGSL_MODULES: WgslModules = { math, projection, sh };
