// Stage 5: forward compositing. One workgroup per 16x16 tile, one thread per pixel. With
// WORKGROUP_BATCHES (real GPUs) the tile's depth-sorted splats are streamed through workgroup memory in
// batches of 256 (one load per thread, barriers between batches); without it (CPU emulation such as
// SwiftShader, where a barrier costs far more than a cached global read: 5-15x faster there) every pixel
// reads the list directly. Either way each pixel blends front to back: alpha = min(0.99, opacity
// exp(-power)), alphas below 1/255 are skipped, and it stops before a splat would bring transmittance
// below 1e-4 (the INRIA rules).
// Writes colour (+ T x background), alpha = 1 - T, final T and the contributor count for backward.
#import raster_blend

@group(0) @binding(0) var<uniform> camera: Camera;
@group(0) @binding(1) var<uniform> params: RenderParams;
@group(0) @binding(2) var<storage, read> splats: array<Splat2d>;
@group(0) @binding(3) var<storage, read> gaussian_id_from_isect: array<u32>;
@group(0) @binding(4) var<storage, read> tile_ranges: array<vec2u>;
@group(0) @binding(5) var<storage, read_write> out_image: array<f32>; // [H, W, 3]
@group(0) @binding(6) var<storage, read_write> out_alpha: array<f32>; // [H, W]
// [H, W] for backward: (final T as f32 bits, number of entries of the tile's list walked: the last
// blended splat is at start + count - 1).
@group(0) @binding(7) var<storage, read_write> out_state: array<vec2u>;

#ifdef WORKGROUP_BATCHES
const BATCH: u32 = TILE_SIZE * TILE_SIZE;

var<workgroup> range_shared: vec2u;
var<workgroup> done_count: atomic<u32>;
var<workgroup> done_shared: u32;
var<workgroup> batch_mean_opacity: array<vec4f, BATCH>; // mean.xy, opacity
var<workgroup> batch_conic: array<vec4f, BATCH>;
var<workgroup> batch_color: array<vec4f, BATCH>;
#endif

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) local: u32) {
  let tile = wg.y * params.tiles_x + wg.x;
  let pixel_xy = wg.xy * TILE_SIZE + lid.xy;
  let inside = all(pixel_xy < camera.size);
  let pixel = vec2f(pixel_xy) + 0.5;
#ifdef WORKGROUP_BATCHES
  if (local == 0u) {
    range_shared = tile_ranges[tile];
    atomicStore(&done_count, 0u);
  }
  // workgroupUniformLoad: the loop bounds below must be uniform for the barriers inside.
  let range = workgroupUniformLoad(&range_shared);

  var transmittance = 1.0;
  var color = vec3f(0.0);
  var walked = 0u;
  var done = !inside;
  if (done) {
    atomicAdd(&done_count, 1u);
  }
  for (var start = range.x; start < range.y; start += BATCH) {
    // Every pixel finished: no later splat can change the tile. (The atomic is copied to a plain
    // variable because workgroupUniformLoad of an atomic is not available everywhere yet.)
    if (local == 0u) {
      done_shared = atomicLoad(&done_count);
    }
    if (workgroupUniformLoad(&done_shared) == BATCH) {
      break;
    }
    let j = start + local;
    if (j < range.y) {
      let s = splats[gaussian_id_from_isect[j]];
      batch_mean_opacity[local] = vec4f(s.mean2d, s.opacity, 0.0);
      batch_conic[local] = vec4f(s.conic, 0.0);
      batch_color[local] = vec4f(s.color, 0.0);
    }
    workgroupBarrier();
    let count = min(BATCH, range.y - start);
    for (var b = 0u; b < count && !done; b++) {
      let mo = batch_mean_opacity[b];
      let alpha = blend_alpha(batch_conic[b].xyz, mo.z, mo.xy - pixel);
      if (alpha == 0.0) {
        continue;
      }
      let next = transmittance * (1.0 - alpha);
      if (next < TRANSMITTANCE_MIN) {
        done = true;
        atomicAdd(&done_count, 1u);
        break;
      }
      color += batch_color[b].xyz * (alpha * transmittance);
      transmittance = next;
      walked = start + b + 1u - range.x;
    }
    workgroupBarrier();
  }
#else
  let range = tile_ranges[tile];
  var transmittance = 1.0;
  var color = vec3f(0.0);
  var walked = 0u;
  if (inside) {
    for (var j = range.x; j < range.y; j++) {
      let s = splats[gaussian_id_from_isect[j]];
      let alpha = blend_alpha(s.conic, s.opacity, s.mean2d - pixel);
      if (alpha == 0.0) {
        continue;
      }
      let next = transmittance * (1.0 - alpha);
      if (next < TRANSMITTANCE_MIN) {
        break;
      }
      color += s.color * (alpha * transmittance);
      transmittance = next;
      walked = j + 1u - range.x;
    }
  }
#endif
  if (!inside) {
    return;
  }
  let p = pixel_xy.y * camera.size.x + pixel_xy.x;
  let background = vec3f(params.background_r, params.background_g, params.background_b);
  let rgb = color + transmittance * background;
  out_image[3u * p] = rgb.x;
  out_image[3u * p + 1u] = rgb.y;
  out_image[3u * p + 2u] = rgb.z;
  out_alpha[p] = 1.0 - transmittance;
  out_state[p] = vec2u(bitcast<u32>(transmittance), walked);
}
