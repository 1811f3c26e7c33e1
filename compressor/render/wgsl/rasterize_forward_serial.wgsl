// Stage 5, CPU-emulation variant (SwiftShader): one invocation per 16x16 TILE. It walks the tile's
// depth-sorted splats front to back and, for each, only the pixels of the splat's screen box inside the
// tile (raster_common.wgsl splat_tile_box; outside the box alpha < 1/255, which the per-pixel kernel
// skips anyway), with per-pixel state in private arrays. Per pixel it does exactly the operations of
// rasterize_forward.wgsl (raster_blend.wgsl), so the images are identical; it just never evaluates a
// splat where it cannot contribute (small splats cover a few of a tile's 256 pixels).
// (Tried: 4 lanes sharing one tile, each owning 4 columns of every row, so the lanes walk one list in
// lockstep with equal private-array indices: no faster forward, and 1.5x slower backward on SwiftShader,
// since small boxes leave most lanes idle.)
// Not for real GPUs (private arrays of 256 entries spill; too little parallelism).
#import raster_blend

@group(0) @binding(0) var<uniform> camera: Camera;
@group(0) @binding(1) var<uniform> params: RenderParams;
@group(0) @binding(2) var<storage, read> splats: array<Splat2d>;
@group(0) @binding(3) var<storage, read> gaussian_id_from_isect: array<u32>;
@group(0) @binding(4) var<storage, read> tile_ranges: array<vec2u>;
@group(0) @binding(5) var<storage, read_write> out_image: array<f32>; // [H, W, 3]
@group(0) @binding(6) var<storage, read_write> out_alpha: array<f32>; // [H, W]
@group(0) @binding(7) var<storage, read_write> out_state: array<vec2u>; // [H, W] (final T bits, walked)

const PIXELS: u32 = TILE_SIZE * TILE_SIZE;

@compute @workgroup_size(4)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let tile = gid.x;
  if (tile >= params.tiles_x * params.tiles_y) {
    return;
  }
  let range = tile_ranges[tile];
  let origin = vec2u(tile % params.tiles_x, tile / params.tiles_x) * TILE_SIZE;
  // Transmittance per pixel; a pixel that is done (stopped, or outside the image) holds -T (-1 outside).
  var transmittance: array<f32, PIXELS>;
  var color: array<vec3f, PIXELS>;
  var walked: array<u32, PIXELS>;
  var remaining = 0u;
  for (var k = 0u; k < PIXELS; k++) {
    let inside = all(origin + vec2u(k % TILE_SIZE, k / TILE_SIZE) < camera.size);
    transmittance[k] = select(-1.0, 1.0, inside);
    color[k] = vec3f(0.0);
    walked[k] = 0u;
    remaining += select(0u, 1u, inside);
  }
  for (var j = range.x; j < range.y && remaining > 0u; j++) {
    let s = splats[gaussian_id_from_isect[j]];
    let box = splat_tile_box(s, origin);
    // One flat, branch-free loop over the box's pixels (row-major): on SwiftShader every basic block of
    // a loop body costs about as much as the per-pixel maths (masks of the emulated SIMD lanes), so the
    // body is straight-line code with selects, the same operations as blend_alpha and the skips.
    let n = tile_rect_count(box);
    var c = BoxCursor(box.x, box.y);
    for (var q = 0u; q < n; q++) {
      let k = c.y * TILE_SIZE + c.x;
      let d = s.mean2d - (vec2f(origin + vec2u(c.x, c.y)) + 0.5);
      c = box_cursor_next(c, box);
      let power = splat_power(s.conic, d);
      let a = min(MAX_ALPHA, s.opacity * exp(-power));
      let alpha = select(a, 0.0, (power < 0.0) | (a < ALPHA_THRESHOLD));
      let t = transmittance[k];
      let live = (t > 0.0) & (alpha > 0.0);
      let next = t * (1.0 - alpha);
      let stop = live & (next < TRANSMITTANCE_MIN);
      let blend = live & !stop;
      color[k] = select(color[k], color[k] + s.color * (alpha * t), blend);
      transmittance[k] = select(select(t, next, blend), -t, stop);
      walked[k] = select(walked[k], j + 1u - range.x, blend);
      remaining -= select(0u, 1u, stop);
    }
  }
  let background = vec3f(params.background_r, params.background_g, params.background_b);
  for (var k = 0u; k < PIXELS; k++) {
    let xy = origin + vec2u(k % TILE_SIZE, k / TILE_SIZE);
    if (!all(xy < camera.size)) {
      continue;
    }
    let p = xy.y * camera.size.x + xy.x;
    let t = abs(transmittance[k]);
    let rgb = color[k] + t * background;
    out_image[3u * p] = rgb.x;
    out_image[3u * p + 1u] = rgb.y;
    out_image[3u * p + 2u] = rgb.z;
    out_alpha[p] = 1.0 - t;
    out_state[p] = vec2u(bitcast<u32>(t), walked[k]);
  }
}
