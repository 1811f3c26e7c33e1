// RadixSort.histogram: per-tile digit counts for one pass, stored digit-major (hist[digit * tiles + tile])
// so that one exclusive scan of `hist` gives every (digit, tile) its first output index.
#import sort_dispatch
#import radix_params

const WG: u32 = ${WG}u;
const PER_THREAD: u32 = ${PER_THREAD}u;
const TILE: u32 = WG * PER_THREAD;

@group(0) @binding(0) var<uniform> params: SortParams;
@group(0) @binding(1) var<uniform> pass_params: PassParams;
@group(0) @binding(2) var<storage, read> keys: array<u32>;
@group(0) @binding(3) var<storage, read_write> hist: array<u32>;

var<workgroup> counts: array<atomic<u32>, RADIX>;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) workgroup: vec3<u32>,
  @builtin(local_invocation_index) tid: u32,
) {
  let tile = flat_workgroup(workgroup, params.tiles);
  if (tile >= params.tiles) {
    return;
  }
  if (tid < RADIX) {
    atomicStore(&counts[tid], 0u);
  }
  workgroupBarrier();
  let base = tile * TILE;
  for (var r = 0u; r < PER_THREAD; r++) {
    let i = base + r * WG + tid;
    if (i < params.n) {
      let digit = (keys[i] >> pass_params.shift) & pass_params.mask;
      atomicAdd(&counts[digit], 1u);
    }
  }
  workgroupBarrier();
  if (tid < RADIX) {
    hist[tid * params.tiles + tile] = atomicLoad(&counts[tid]);
  }
}
