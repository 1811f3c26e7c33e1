// RadixSort.args: derives the tile count and the indirect dispatch size from the count on the GPU, so a
// count produced by an earlier GPU stage needs no CPU readback.
#import sort_dispatch
#import radix_params

const TILE: u32 = ${TILE}u;

@group(0) @binding(0) var<storage, read_write> params: SortParams;
@group(0) @binding(1) var<storage, read_write> dispatch: array<u32>; // x, y, z over tiles

@compute @workgroup_size(1)
fn main() {
  let n = min(params.count, params.max_count);
  let tiles = (n + TILE - 1u) / TILE;
  params.n = n;
  params.tiles = tiles;
  params.scan_count = tiles * RADIX;
  let size = dispatch_size(tiles);
  dispatch[0] = size.x;
  dispatch[1] = size.y;
  dispatch[2] = size.z;
}
