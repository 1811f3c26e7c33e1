// PrefixSum.scan: in-place exclusive scan of one block of BLOCK u32 per workgroup (each thread a contiguous
// run of PER_THREAD), writing the block's total to `block_sums` for the next level.
#import sort_dispatch

#import prefix_sum_level

@group(0) @binding(1) var<storage, read_write> data: array<u32>;
@group(0) @binding(2) var<storage, read_write> block_sums: array<u32>;

var<workgroup> partial: array<u32, WG>;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) workgroup: vec3<u32>,
  @builtin(local_invocation_index) tid: u32,
) {
  let block = flat_workgroup(workgroup, level.blocks);
  if (block >= level.blocks) {
    return;
  }
  let first = block * BLOCK + tid * PER_THREAD;
  var values: array<u32, PER_THREAD>;
  var own = 0u;
  for (var j = 0u; j < PER_THREAD; j++) {
    values[j] = 0u;
    if (first + j < level.n) {
      values[j] = data[first + j];
    }
    own += values[j];
  }
  // Hillis-Steele inclusive scan of the per-thread totals (log2(WG) steps).
  var inclusive = own;
  partial[tid] = inclusive;
  workgroupBarrier();
  for (var offset = 1u; offset < WG; offset <<= 1u) {
    var left = 0u;
    if (tid >= offset) {
      left = partial[tid - offset];
    }
    workgroupBarrier();
    inclusive += left;
    partial[tid] = inclusive;
    workgroupBarrier();
  }
  var running = inclusive - own;
  for (var j = 0u; j < PER_THREAD; j++) {
    if (first + j < level.n) {
      data[first + j] = running;
    }
    running += values[j];
  }
  if (tid == WG - 1u) {
    block_sums[block] = inclusive;
  }
}
