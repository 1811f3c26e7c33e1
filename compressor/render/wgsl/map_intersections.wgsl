// Stage 3: one thread per depth-sorted Gaussian; writes one (tile id, Gaussian id) pair per touched
// tile at the slots its prefix-summed count reserved. Because Gaussians are visited in depth order,
// a STABLE sort by tile id afterwards leaves each tile's list sorted by depth (Brush's approach): the
// sort needs only ceil(log2(tiles)) key bits instead of tile + depth bits.
#import raster_common

@group(0) @binding(0) var<uniform> params: RenderParams;
@group(0) @binding(1) var<storage, read> splats: array<Splat2d>;
@group(0) @binding(2) var<storage, read> depth_ids: array<u32>; // [N]
@group(0) @binding(3) var<storage, read> offsets: array<u32>; // [N] exclusive scan of tile counts
@group(0) @binding(4) var<storage, read_write> tile_id_from_isect: array<u32>;
@group(0) @binding(5) var<storage, read_write> gaussian_id_from_isect: array<u32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= params.num_gaussians) {
    return;
  }
  let g = depth_ids[i];
  let r = tile_rect(splats[g], vec2u(params.tiles_x, params.tiles_y));
  var slot = offsets[i];
  for (var ty = r.y; ty < r.w; ty++) {
    for (var tx = r.x; tx < r.z; tx++) {
      // The host sizes the buffers from the exact count; the guard only protects memory.
      if (slot < params.max_intersections) {
        tile_id_from_isect[slot] = ty * params.tiles_x + tx;
        gaussian_id_from_isect[slot] = g;
      }
      slot++;
    }
  }
}
