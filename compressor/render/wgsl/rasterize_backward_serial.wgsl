// Stage 6, CPU-emulation variant (SwiftShader): one invocation per 16x16 TILE, walking the tile's splats
// back to front and, for each splat, the pixels of its screen box inside the tile. Per-pixel state
// (transmittance, the colour-behind scalar of raster_blend.wgsl, dL/dcolour) lives in private arrays. A splat's contributions from all
// pixels of the tile are summed in registers, so the float CAS atomics (splat_grad_atomics.wgsl)
// run once per (tile, splat) instead of once per (pixel, splat): on a CPU, atomics and their
// collisions between SIMD lanes dominated the per-pixel kernel. Per (pixel, splat) the maths is
// raster_blend.wgsl's blend_backward, as in every variant.
// Not for real GPUs (private arrays of 256 entries spill; too little parallelism).
#import splat_grad_atomics

@group(0) @binding(0) var<uniform> camera: Camera;
@group(0) @binding(1) var<uniform> params: RenderParams;
@group(0) @binding(2) var<storage, read> splats: array<Splat2d>;
@group(0) @binding(3) var<storage, read> gaussian_id_from_isect: array<u32>;
@group(0) @binding(4) var<storage, read> tile_ranges: array<vec2u>;
@group(0) @binding(5) var<storage, read> pixel_state: array<vec2u>; // [H, W] (final T as f32 bits, contributors)
@group(0) @binding(6) var<storage, read> v_image: array<f32>; // [H, W, 3]
@group(0) @binding(7) var<storage, read> v_alpha_in: array<f32>; // [H, W] (read when has_v_alpha)
@group(0) @binding(8) var<storage, read_write> splat_grads: array<atomic<u32>>; // [N, SPLAT_GRAD_STRIDE]

const PIXELS: u32 = TILE_SIZE * TILE_SIZE;

@compute @workgroup_size(4)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let tile = gid.x;
  if (tile >= params.tiles_x * params.tiles_y) {
    return;
  }
  let range = tile_ranges[tile];
  let origin = vec2u(tile % params.tiles_x, tile / params.tiles_x) * TILE_SIZE;
  let background = vec3f(params.background_r, params.background_g, params.background_b);
  var transmittance: array<f32, PIXELS>;
  var behind: array<f32, PIXELS>;
  var v_out: array<vec3f, PIXELS>;
  var walked: array<u32, PIXELS>;
  var max_walked = 0u;
  for (var k = 0u; k < PIXELS; k++) {
    let xy = origin + vec2u(k % TILE_SIZE, k / TILE_SIZE);
    walked[k] = 0u;
    if (all(xy < camera.size)) {
      let p = xy.y * camera.size.x + xy.x;
      let state = pixel_state[p];
      let t_final = bitcast<f32>(state.x);
      transmittance[k] = t_final;
      walked[k] = state.y;
      v_out[k] = vec3f(v_image[3u * p], v_image[3u * p + 1u], v_image[3u * p + 2u]);
      let v_a = select(0.0, v_alpha_in[p], params.has_v_alpha != 0u);
      behind[k] = -blend_tail(t_final, v_out[k], v_a, background);
      max_walked = max(max_walked, state.y);
    }
  }
  for (var j = range.x + max_walked; j > range.x; j--) {
    let index_in_tile = j - 1u - range.x;
    let g = gaussian_id_from_isect[j - 1u];
    let s = splats[g];
    let box = splat_tile_box(s, origin);
    var sum = SplatGradSum(); // explicit: a bare declaration in a loop was not re-zeroed per iteration on SwiftShader
    // One flat, branch-free loop over the box's pixels (row-major), as in rasterize_forward_serial.wgsl:
    // every pixel of the box reads and writes its state, and selects drop the pixels that do not blend.
    let n = tile_rect_count(box);
    var c = BoxCursor(box.x, box.y);
    for (var q = 0u; q < n; q++) {
      let k = c.y * TILE_SIZE + c.x;
      let d = s.mean2d - (vec2f(origin + vec2u(c.x, c.y)) + 0.5);
      c = box_cursor_next(c, box);
      let power = splat_power(s.conic, d);
      let vis = exp(-power);
      let raw_alpha = s.opacity * vis;
      let alpha = min(MAX_ALPHA, raw_alpha);
      let live = (index_in_tile < walked[k]) & (power >= 0.0) & (alpha >= ALPHA_THRESHOLD);
      let a = BlendSample(select(0.0, alpha, live), raw_alpha, vis);
      let t = transmittance[k];
      let behind_k = behind[k];
      let b = blend_backward(a, s.conic, s.color, d, t, behind_k, v_out[k]);
      transmittance[k] = select(t, b.transmittance, live);
      behind[k] = select(behind_k, b.behind, live);
      sum = add_blend_grad(sum, BlendGrad(
        b.transmittance, b.behind,
        select(vec2f(0.0), b.v_mean2d, live),
        select(vec3f(0.0), b.v_conic, live),
        select(vec3f(0.0), b.v_color, live),
        select(0.0, b.v_opacity, live),
        select(0.0, b.weight, live),
      ));
    }
    if (sum.weight > 0.0) {
      accumulate_splat_grad(g, sum);
    }
  }
}
