// The WGSL helper modules both the compressor's rasterizer and the viewer's pre-pass `#import` (names as
// used after `#import`), with the constants modules generated from TS (constants.ts).
import type { WgslModules } from './compose.ts';
import { PROJECTION_CONSTANTS_WGSL, SH_CONSTANTS_WGSL } from './constants.ts';
import math from './math.wgsl';
import projection from './projection.wgsl';
import sh from './sh.wgsl';

export const SHARED_WGSL_MODULES: WgslModules = {
  math,
  projection,
  projection_constants: PROJECTION_CONSTANTS_WGSL,
  sh,
  sh_constants: SH_CONSTANTS_WGSL,
};
