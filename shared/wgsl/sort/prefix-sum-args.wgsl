// PrefixSum.args: from the element count on the GPU, the per-level sizes and indirect dispatch sizes of the
// hierarchical scan (no CPU readback). Level l scans n_l elements in blocks of BLOCK; its block totals are
// level l+1 (n_{l+1} = blocks_l). Every level gets at least one block so the top level always holds the total
// (0 for an empty input).
#import sort_dispatch

const BLOCK: u32 = ${BLOCK}u;
/// u32 stride between levels in `levels` (256 bytes: minUniformBufferOffsetAlignment).
const LEVEL_STRIDE: u32 = 64u;

struct Control {
  count: u32,     // raw count, copied here from the caller's number or buffer
  max_count: u32, // the PrefixSum's capacity: larger counts are clamped
  levels: u32,    // number of scan levels
  pad: u32,
}

@group(0) @binding(0) var<storage, read> control: Control;
@group(0) @binding(1) var<storage, read_write> levels: array<u32>;   // per level: n, blocks
@group(0) @binding(2) var<storage, read_write> dispatch: array<u32>; // per level: x, y, z

@compute @workgroup_size(1)
fn main() {
  var n = min(control.count, control.max_count);
  for (var l = 0u; l < control.levels; l++) {
    let blocks = max(1u, (n + BLOCK - 1u) / BLOCK);
    levels[l * LEVEL_STRIDE] = n;
    levels[l * LEVEL_STRIDE + 1u] = blocks;
    let size = dispatch_size(blocks);
    dispatch[l * 3u] = size.x;
    dispatch[l * 3u + 1u] = size.y;
    dispatch[l * 3u + 2u] = size.z;
    n = blocks;
  }
}
