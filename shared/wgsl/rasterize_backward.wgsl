// Stage 6: backward compositing. One workgroup per tile, one thread per pixel, walking the tile's
// splats back to front (the reverse of rasterize_forward.wgsl; WORKGROUP_BATCHES as there: batches
// through workgroup memory on real GPUs, direct reads from the last contributor down on CPU emulation). Each pixel recovers the
// transmittance before a splat from the final one (T_before = T_after / (1 - alpha); alpha <= 0.99
// keeps this division safe) and the colour accumulated behind it, then forms its contribution to
// dL/d(mean2d, conic, colour, opacity), |dL/d mean2d| and the blending weight alpha T.
//
// Float accumulation: WGSL has no float atomics, so per-Gaussian sums use a compare-and-swap loop on
// the f32 bits in an atomic<u32> (atomic_add_f32), one per contributing pixel and non-zero value.
// (A subgroupAdd pre-reduction gave wrong sums on SwiftShader, so it is not used; subgroups are also
// not available in every browser.) The sums land in an unspecified order: gradients are deterministic
// only up to float rounding.
#import raster_common

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

fn atomic_add_f32(index: u32, value: f32) {
  if (value == 0.0) {
    return;
  }
  var old = atomicLoad(&splat_grads[index]);
  loop {
    let r = atomicCompareExchangeWeak(&splat_grads[index], old, bitcast<u32>(bitcast<f32>(old) + value));
    if (r.exchanged) {
      break;
    }
    old = r.old_value;
  }
}

struct Contribution {
  v_mean2d: vec2f,
  v_conic: vec3f,
  v_color: vec3f,
  v_opacity: f32,
  abs_mean2d: vec2f,
  weight: f32,
}

fn accumulate(g: u32, c: Contribution) {
  let base = g * SPLAT_GRAD_STRIDE;
  atomic_add_f32(base + GRAD_MEAN2D, c.v_mean2d.x);
  atomic_add_f32(base + GRAD_MEAN2D + 1u, c.v_mean2d.y);
  atomic_add_f32(base + GRAD_CONIC, c.v_conic.x);
  atomic_add_f32(base + GRAD_CONIC + 1u, c.v_conic.y);
  atomic_add_f32(base + GRAD_CONIC + 2u, c.v_conic.z);
  atomic_add_f32(base + GRAD_COLOR, c.v_color.x);
  atomic_add_f32(base + GRAD_COLOR + 1u, c.v_color.y);
  atomic_add_f32(base + GRAD_COLOR + 2u, c.v_color.z);
  atomic_add_f32(base + GRAD_OPACITY, c.v_opacity);
  atomic_add_f32(base + GRAD_ABS_MEAN2D, c.abs_mean2d.x);
  atomic_add_f32(base + GRAD_ABS_MEAN2D + 1u, c.abs_mean2d.y);
  atomic_add_f32(base + GRAD_WEIGHT, c.weight);
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
  // d(colour)/d alpha_i has -T_final bg / (1 - alpha_i) from the background, and d(alpha_out)/d alpha_i
  // = T_final / (1 - alpha_i): both are this constant over (1 - alpha_i).
  let v_tail = t_final * (v_a - dot(background, v_out));

#ifdef WORKGROUP_BATCHES
  var transmittance = t_final;
  var behind = vec3f(0.0); // sum of colour x alpha x T of the splats behind the current one
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
      var c: Contribution;
      let index_in_tile = end - 1u - b - range.x;
      let mo = batch_mean_opacity[b];
      let conic = batch_conic[b].xyz;
      let d = mo.xy - pixel;
      let power = splat_power(conic, d);
      let vis = exp(-power);
      let raw_alpha = mo.z * vis;
      let alpha = min(MAX_ALPHA, raw_alpha);
      let valid = index_in_tile < walked && power >= 0.0 && alpha >= ALPHA_THRESHOLD;
      if (valid) {
        let ra = 1.0 / (1.0 - alpha);
        transmittance *= ra;
        let color = batch_color[b].xyz;
        let weight = alpha * transmittance;
        c.v_color = weight * v_out;
        let v_alpha = dot(color * transmittance - behind * ra, v_out) + v_tail * ra;
        behind += color * weight;
        // Where alpha was clamped at 0.99 it does not depend on opacity or position.
        if (raw_alpha <= MAX_ALPHA) {
          let v_power = -raw_alpha * v_alpha;
          c.v_conic = vec3f(0.5 * d.x * d.x, d.x * d.y, 0.5 * d.y * d.y) * v_power;
          c.v_mean2d = vec2f(conic.x * d.x + conic.y * d.y, conic.y * d.x + conic.z * d.y) * v_power;
          c.v_opacity = vis * v_alpha;
        }
        c.abs_mean2d = abs(c.v_mean2d);
        c.weight = weight;
      }
      if (valid) {
        accumulate(batch_id[b], c);
      }
    }
    workgroupBarrier();
  }
#else
  var transmittance = t_final;
  var behind = vec3f(0.0); // sum of colour x alpha x T of the splats behind the current one
  if (inside) {
    for (var j = range.x + walked; j > range.x; j--) {
      let g = gaussian_id_from_isect[j - 1u];
      let s = splats[g];
      let d = s.mean2d - pixel;
      let power = splat_power(s.conic, d);
      let vis = exp(-power);
      let raw_alpha = s.opacity * vis;
      let alpha = min(MAX_ALPHA, raw_alpha);
      if (power < 0.0 || alpha < ALPHA_THRESHOLD) {
        continue;
      }
      var c: Contribution;
      let ra = 1.0 / (1.0 - alpha);
      transmittance *= ra;
      let weight = alpha * transmittance;
      c.v_color = weight * v_out;
      let v_alpha = dot(s.color * transmittance - behind * ra, v_out) + v_tail * ra;
      behind += s.color * weight;
      if (raw_alpha <= MAX_ALPHA) {
        let v_power = -raw_alpha * v_alpha;
        c.v_conic = vec3f(0.5 * d.x * d.x, d.x * d.y, 0.5 * d.y * d.y) * v_power;
        c.v_mean2d = vec2f(s.conic.x * d.x + s.conic.y * d.y, s.conic.y * d.x + s.conic.z * d.y) * v_power;
        c.v_opacity = vis * v_alpha;
      }
      c.abs_mean2d = abs(c.v_mean2d);
      c.weight = weight;
      accumulate(g, c);
    }
  }
#endif
}
