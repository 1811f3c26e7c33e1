// PrefixSum.add: adds each block's scanned offset (from the level above) to the block's elements.
#import sort_dispatch

#import prefix_sum_level

@group(0) @binding(1) var<storage, read_write> data: array<u32>;
@group(0) @binding(2) var<storage, read> block_offsets: array<u32>;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) workgroup: vec3<u32>,
  @builtin(local_invocation_index) tid: u32,
) {
  let block = flat_workgroup(workgroup, level.blocks);
  if (block >= level.blocks) {
    return;
  }
  let offset = block_offsets[block];
  // Strided by WG so neighbouring threads touch neighbouring words.
  for (var j = 0u; j < PER_THREAD; j++) {
    let i = block * BLOCK + j * WG + tid;
    if (i < level.n) {
      data[i] += offset;
    }
  }
}
