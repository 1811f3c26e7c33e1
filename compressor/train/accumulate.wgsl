// Gradient accumulation: sum[i] += grad[i] (then optionally grad[i] = 0), for rasterizers that
// overwrite their gradient buffers each backward. The optimizer then steps on `sum` every k views.
struct Params {
  count: u32,
  clear_source: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> source: array<f32>;
@group(0) @binding(2) var<storage, read_write> sum: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= params.count) { return; }
  sum[i] += source[i];
  if (params.clear_source == 1u) { source[i] = 0.0; }
}
