// PrefixSum: the block geometry and per-level uniform shared by its scan and add stages.
const WG: u32 = ${WG}u;
const PER_THREAD: u32 = ${PER_THREAD}u;
const BLOCK: u32 = WG * PER_THREAD;

struct Level {
  n: u32,
  blocks: u32,
}

@group(0) @binding(0) var<uniform> level: Level;
