// Types and helpers shared by the rasterizer's kernels (`#import raster_common`): the per-render
// parameters, the projected 2D splat record, tile geometry and the packed parameter layout.
// No bindings. compressor/render/render-params.ts writes RenderParams (all 4-byte scalars, so the byte
// offset of a field is 4 x its index; its test checks the field order here).
#import projection

const TILE_SIZE: u32 = 16u;

struct RenderParams {
  num_gaussians: u32,
  sh_degree: u32, // degree evaluated (the runtime cap), <= the stored degree
  sh_rest_count: u32, // coefficients per channel above band 0 in the stored layout (0, 3, 8, 15)
  antialiased: u32, // 1: Mip-Splatting opacity compensation
  tiles_x: u32,
  tiles_y: u32,
  max_intersections: u32, // capacity of the intersection buffers
  has_v_alpha: u32, // backward: 1 when dL/dalpha is given
  background_r: f32,
  background_g: f32,
  background_b: f32,
  // Section offsets (in f32 elements) of the packed parameter buffer (and of the gradient buffer,
  // which has the same layout): means [N,3], log-scales [N,3], quaternions [N,4] (w,x,y,z),
  // opacity logits [N], SH DC [N,3], SH rest [N,K,3].
  offset_means: u32,
  offset_log_scales: u32,
  offset_quats: u32,
  offset_opacities: u32,
  offset_sh_dc: u32,
  offset_sh_rest: u32,
}

// One Gaussian after projection (48 bytes). Culled Gaussians have extent (0, 0).
struct Splat2d {
  mean2d: vec2f, // pixels
  extent: vec2f, // half box size in pixels where alpha can pass the threshold
  conic: vec3f, // a, b, c of [[a, b], [b, c]], the inverse of the dilated 2D covariance
  opacity: f32, // effective opacity (after antialiasing compensation)
  color: vec3f, // SH colour, clamped at 0
  depth: f32, // camera z
}

// Tiles touched by a splat's box: (min x, min y, max x, max y), max exclusive; empty when culled.
fn tile_rect(s: Splat2d, tiles: vec2u) -> vec4u {
  if (!(s.extent.x > 0.0)) {
    return vec4u(0u);
  }
  let tile = f32(TILE_SIZE);
  let lo = clamp(floor((s.mean2d - s.extent) / tile), vec2f(0.0), vec2f(tiles));
  let hi = clamp(ceil((s.mean2d + s.extent) / tile), vec2f(0.0), vec2f(tiles));
  return vec4u(vec2u(lo), vec2u(max(lo, hi)));
}

// The pixels of a splat's screen box inside the tile at `origin`, in tile-local pixel coordinates
// (min x, min y, max x, max y), max exclusive: the pixels whose centres (x + 0.5) lie within the
// extent (outside it alpha < 1/255, which the compositor skips anyway, so the box never changes the
// image), widened by BOX_MARGIN pixels against float rounding of the extent and the power.
// (A whole pixel of padding each side used to be added: 2-3x the pixels of a small splat.)
const BOX_MARGIN: f32 = 0.01;

fn splat_tile_box(s: Splat2d, origin: vec2u) -> vec4u {
  let size = vec2f(f32(TILE_SIZE));
  let reach = s.extent + BOX_MARGIN;
  let lo = clamp(ceil(s.mean2d - reach - 0.5) - vec2f(origin), vec2f(0.0), size);
  let hi = clamp(floor(s.mean2d + reach - 0.5) + 1.0 - vec2f(origin), vec2f(0.0), size);
  return vec4u(vec2u(lo), vec2u(max(lo, hi)));
}

fn tile_rect_count(r: vec4u) -> u32 {
  return (r.z - r.x) * (r.w - r.y);
}

// A row-major walk over a box's pixels (splat_tile_box) in ONE flat loop of tile_rect_count(box) steps:
// the serial (CPU-emulation) kernels step it with selects instead of nesting a row loop, since on
// SwiftShader every basic block of a loop body costs about as much as the per-pixel maths.
struct BoxCursor {
  x: u32, // tile-local pixel
  y: u32,
}

fn box_cursor_next(c: BoxCursor, box: vec4u) -> BoxCursor {
  let wrap = c.x + 1u == box.z;
  return BoxCursor(select(c.x + 1u, box.x, wrap), select(c.y, c.y + 1u, wrap));
}

// Gaussian power at a pixel centre: d^T conic d / 2 with d = mean - pixel.
fn splat_power(conic: vec3f, d: vec2f) -> f32 {
  return 0.5 * (conic.x * d.x * d.x + conic.z * d.y * d.y) + conic.y * d.x * d.y;
}

// MAX_ALPHA (a splat's alpha cap) and TRANSMITTANCE_MIN (compositing stops below it): written once in
// compressor/render/types.ts.
#import raster_constants

// Per-Gaussian screen-space gradients accumulated by the backward rasterizer, SPLAT_GRAD_STRIDE
// floats per Gaussian (f32 bits in u32 atomics), in this order:
const GRAD_MEAN2D: u32 = 0u; // 2: dL/d mean2d (pixels)
const GRAD_CONIC: u32 = 2u; // 3: dL/d conic (a, b, c)
const GRAD_COLOR: u32 = 5u; // 3: dL/d colour
const GRAD_OPACITY: u32 = 8u; // 1: dL/d effective opacity
const GRAD_ABS_MEAN2D: u32 = 9u; // 2: sum over pixels of |dL/d mean2d| per component (AbsGS)
const GRAD_WEIGHT: u32 = 11u; // 1: sum over pixels of alpha x T (blending weight, for importance)
const SPLAT_GRAD_STRIDE: u32 = 12u;
