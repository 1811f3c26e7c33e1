// Packs the per-render `RenderParams` uniform of wgsl/raster_common.wgsl. Every field is a
// 4-byte scalar, so a field's byte offset is 4 x its index in RENDER_PARAMS_FIELDS (the test checks the
// order against the WGSL source).
import type { GaussianLayout } from './gaussian-layout.ts';

export const RENDER_PARAMS_FIELDS = [
  'num_gaussians',
  'sh_degree',
  'sh_rest_count',
  'antialiased',
  'tiles_x',
  'tiles_y',
  'max_intersections',
  'has_v_alpha',
  'background_r',
  'background_g',
  'background_b',
  'offset_means',
  'offset_log_scales',
  'offset_quats',
  'offset_opacities',
  'offset_sh_dc',
  'offset_sh_rest',
] as const;
type Field = (typeof RENDER_PARAMS_FIELDS)[number];
const FLOAT_FIELDS = new Set<Field>(['background_r', 'background_g', 'background_b']);

/** Uniform buffer size: 4 bytes per field rounded up to 16. */
export const RENDER_PARAMS_BYTES = Math.ceil((RENDER_PARAMS_FIELDS.length * 4) / 16) * 16;

export interface RenderParamsValues {
  layout: GaussianLayout;
  shDegree: number; // evaluated degree (<= layout.shDegree)
  antialiased: boolean;
  tilesX: number;
  tilesY: number;
  maxIntersections: number;
  hasVAlpha: boolean;
  background: readonly [number, number, number];
}

export function packRenderParams(v: RenderParamsValues): ArrayBuffer {
  const values: Record<Field, number> = {
    num_gaussians: v.layout.count,
    sh_degree: v.shDegree,
    sh_rest_count: v.layout.restCount,
    antialiased: v.antialiased ? 1 : 0,
    tiles_x: v.tilesX,
    tiles_y: v.tilesY,
    max_intersections: v.maxIntersections,
    has_v_alpha: v.hasVAlpha ? 1 : 0,
    background_r: v.background[0],
    background_g: v.background[1],
    background_b: v.background[2],
    offset_means: v.layout.offsets.means,
    offset_log_scales: v.layout.offsets.logScales,
    offset_quats: v.layout.offsets.quats,
    offset_opacities: v.layout.offsets.opacities,
    offset_sh_dc: v.layout.offsets.shDC,
    offset_sh_rest: v.layout.offsets.shRest,
  };
  const out = new ArrayBuffer(RENDER_PARAMS_BYTES);
  const u = new Uint32Array(out);
  const f = new Float32Array(out);
  RENDER_PARAMS_FIELDS.forEach((name, i) => {
    if (FLOAT_FIELDS.has(name)) f[i] = values[name];
    else u[i] = values[name];
  });
  return out;
}
