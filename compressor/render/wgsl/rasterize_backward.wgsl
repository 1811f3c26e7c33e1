// Stage 6: backward compositing. One workgroup per tile, one thread per pixel, walking the tile's
// splats back to front (the reverse of rasterize_forward.wgsl; WORKGROUP_BATCHES as there: batches
// through workgroup memory on real GPUs, direct reads from the last contributor down on CPU emulation). Each pixel recovers the
// transmittance before a splat from the final one (T_before = T_after / (1 - alpha); alpha <= 0.99
// keeps this division safe) and the colour accumulated behind it, then forms its contribution to
// dL/d(mean2d, conic, colour, opacity), |dL/d mean2d| and the blending weight alpha T.
//
// The per-(pixel, splat) maths is raster_blend.wgsl's blend_backward (shared by every variant); the
// per-Gaussian sums use the float CAS atomics of splat_grad_atomics.wgsl, one set per contributing pixel.
#import splat_grad_atomics

@group(0) @binding(0) var<uniform> camera: Camera;
@group(0) @binding(1) var<uniform> params: RenderParams;
@group(0) @binding(2) var<storage, read> splats: array<Splat2d>;
@group(0) @binding(3) var<storage, read> gaussian_id_from_isect: array<u32>;
@group(0) @binding(4) var<storage, read> tile_ranges: array<vec2u>;
@group(0) @binding(5) var<storage, read> pixel_state: array<vec2u>; // [H, W] (final T as f32 bits, contributors)
@group(0) @binding(6) var<storage, read> v_image: array<f32>; // [H, W, 3] dL/d image
@group(0) @binding(7) var<storage, read> v_alpha_in: array<f32>; // [H, W] dL/d alpha (read when has_v_alpha)
@group(0) @binding(8) var<storage, read_write> splat_grads: array<atomic<u32>>; // [N, SPLAT_GRAD_STRIDE]

#ifdef WORKGROUP_BATCHES
const BATCH: u32 = TILE_SIZE * TILE_SIZE;

var<workgroup> range_shared: vec2u;
var<workgroup> batch_id: array<u32, BATCH>;
var<workgroup> batch_mean_opacity: array<vec4f, BATCH>;
var<workgroup> batch_conic: array<vec4f, BATCH>;
var<workgroup> batch_color: array<vec4f, BATCH>;
#endif

fn pixel_sum(b: BlendGrad) -> SplatGradSum {
  return add_blend_grad(SplatGradSum(), b);
}

@compute @workgroup_size(16, 16)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
  @builtin(local_invocation_index) local: u32,
) {
  let tile = wg.y * params.tiles_x + wg.x;
  let pixel_xy = wg.xy * TILE_SIZE + lid.xy;
  let inside = all(pixel_xy < camera.size);
  let pixel = vec2f(pixel_xy) + 0.5;
#ifdef WORKGROUP_BATCHES
  if (local == 0u) {
    range_shared = tile_ranges[tile];
  }
  let range = workgroupUniformLoad(&range_shared);
#else
  let range = tile_ranges[tile];
#endif

  let p = select(0u, pixel_xy.y * camera.size.x + pixel_xy.x, inside);
  let state = pixel_state[p];
  let t_final = bitcast<f32>(state.x);
  let walked = select(0u, state.y, inside);
  let v_out = vec3f(v_image[3u * p], v_image[3u * p + 1u], v_image[3u * p + 2u]);
  let v_a = select(0.0, v_alpha_in[p], params.has_v_alpha != 0u);
  let background = vec3f(params.background_r, params.background_g, params.background_b);
  let v_tail = blend_tail(t_final, v_out, v_a, background);

#ifdef WORKGROUP_BATCHES
  var transmittance = t_final;
  var behind = -v_tail; // dot(colour behind the current splat, v_out) - tail (raster_blend.wgsl)
  // Batches from the back: batch k holds list entries [end - BATCH, end), loaded in reverse.
  for (var end = range.y; end > range.x; end -= min(BATCH, end - range.x)) {
    let count = min(BATCH, end - range.x);
    if (local < count) {
      let j = end - 1u - local;
      let g = gaussian_id_from_isect[j];
      let s = splats[g];
      batch_id[local] = g;
      batch_mean_opacity[local] = vec4f(s.mean2d, s.opacity, 0.0);
      batch_conic[local] = vec4f(s.conic, 0.0);
      batch_color[local] = vec4f(s.color, 0.0);
    }
    workgroupBarrier();
    for (var b = 0u; b < count; b++) {
      let index_in_tile = end - 1u - b - range.x;
      let mo = batch_mean_opacity[b];
      // Uniform control flow (no early exit) for the barriers; pixels past their last splat skip.
      let conic = batch_conic[b].xyz;
      let d = mo.xy - pixel;
      let a = blend_sample(conic, mo.z, d);
      if (index_in_tile < walked && a.alpha > 0.0) {
        let g = blend_backward(a, conic, batch_color[b].xyz, d, transmittance, behind, v_out);
        transmittance = g.transmittance;
        behind = g.behind;
        accumulate_splat_grad(batch_id[b], pixel_sum(g));
      }
    }
    workgroupBarrier();
  }
#else
  var transmittance = t_final;
  var behind = -v_tail; // dot(colour behind the current splat, v_out) - tail (raster_blend.wgsl)
  if (inside) {
    for (var j = range.x + walked; j > range.x; j--) {
      let id = gaussian_id_from_isect[j - 1u];
      let s = splats[id];
      let d = s.mean2d - pixel;
      let a = blend_sample(s.conic, s.opacity, d);
      if (a.alpha > 0.0) {
        let g = blend_backward(a, s.conic, s.color, d, transmittance, behind, v_out);
        transmittance = g.transmittance;
        behind = g.behind;
        accumulate_splat_grad(id, pixel_sum(g));
      }
    }
  }
#endif
}
