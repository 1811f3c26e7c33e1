// Turns the pre-pass's visible count into the indexed indirect draw arguments (6 indices per splat, one
// non-instanced draw), so the frame needs no CPU readback.
@group(0) @binding(0) var<storage, read_write> counters: array<u32>;

@compute @workgroup_size(1)
fn main() {
  counters[0] = counters[5] * 6u; // indexCount
  counters[1] = 1u;               // instanceCount
  counters[2] = 0u;               // firstIndex
  counters[3] = 0u;               // baseVertex
  counters[4] = 0u;               // firstInstance
}
