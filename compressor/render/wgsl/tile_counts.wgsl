// Stage 2: one thread per depth-sorted Gaussian; writes how many tiles its box touches, in depth
// order, so the exclusive prefix sum of this array gives each Gaussian's first intersection slot.
#import raster_common

@group(0) @binding(0) var<uniform> params: RenderParams;
@group(0) @binding(1) var<storage, read> splats: array<Splat2d>;
@group(0) @binding(2) var<storage, read> depth_ids: array<u32>; // [N] Gaussian ids front to back
@group(0) @binding(3) var<storage, read_write> tile_counts: array<u32>; // [N] in depth order

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= params.num_gaussians) {
    return;
  }
  tile_counts[i] = tile_rect_count(tile_rect(splats[depth_ids[i]], vec2u(params.tiles_x, params.tiles_y)));
}
