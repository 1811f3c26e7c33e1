// RadixSort.copy: after an odd number of passes, moves the first n sorted pairs from the internal buffers
// back into the caller's (only [0, n): elements beyond the count stay untouched).
#import sort_dispatch
#import radix_params

const WG: u32 = ${WG}u;
const PER_THREAD: u32 = ${PER_THREAD}u;
const TILE: u32 = WG * PER_THREAD;

@group(0) @binding(0) var<uniform> params: SortParams;
@group(0) @binding(1) var<storage, read> keys_in: array<u32>;
@group(0) @binding(2) var<storage, read> values_in: array<u32>;
@group(0) @binding(3) var<storage, read_write> keys_out: array<u32>;
@group(0) @binding(4) var<storage, read_write> values_out: array<u32>;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) workgroup: vec3<u32>,
  @builtin(local_invocation_index) tid: u32,
) {
  let tile = flat_workgroup(workgroup, params.tiles);
  if (tile >= params.tiles) {
    return;
  }
  for (var r = 0u; r < PER_THREAD; r++) {
    let i = tile * TILE + r * WG + tid;
    if (i < params.n) {
      keys_out[i] = keys_in[i];
      values_out[i] = values_in[i];
    }
  }
}
