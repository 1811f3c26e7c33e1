// Turns the pre-pass's visible count into the indirect draw arguments (3 vertices per splat, one
// non-instanced draw), so the frame needs no CPU readback.
@group(0) @binding(0) var<storage, read_write> counters: array<u32>;

@compute @workgroup_size(1)
fn main() {
  counters[0] = counters[4] * 3u; // vertexCount
  counters[1] = 1u;               // instanceCount
  counters[2] = 0u;               // firstVertex
  counters[3] = 0u;               // firstInstance
}
