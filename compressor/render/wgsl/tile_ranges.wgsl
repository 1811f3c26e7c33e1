// Stage 4: one thread per intersection of the tile-sorted list; marks where each tile's run starts and
// ends. tile_ranges must be cleared to 0 first (tiles with no intersections keep the empty range 0..0).
#import raster_common

@group(0) @binding(0) var<storage, read> isect_count: array<u32>; // [0]: number of intersections
@group(0) @binding(1) var<storage, read> tile_id_from_isect: array<u32>;
@group(0) @binding(2) var<storage, read_write> tile_ranges: array<vec2u>; // [tiles] (start, end)

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let j = gid.x + gid.y * groups.x * 256u;
  let n = isect_count[0];
  if (j >= n) {
    return;
  }
  let tile = tile_id_from_isect[j];
  if (j == 0u || tile_id_from_isect[j - 1u] != tile) {
    tile_ranges[tile].x = j;
  }
  if (j + 1u == n || tile_id_from_isect[j + 1u] != tile) {
    tile_ranges[tile].y = j + 1u;
  }
}
