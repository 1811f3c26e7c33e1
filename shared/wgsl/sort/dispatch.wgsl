// Indirect-dispatch helpers for the sort and scan kernels. A workgroup count above the per-dimension limit
// (65535, also SwiftShader's) is split into x * y; kernels flatten the 2D id back and the few excess
// workgroups of the last row exit at once (uniformly, before any barrier). The row width is recomputed from
// the total rather than read from @builtin(num_workgroups): Dawn on SwiftShader crashed (std::system_error)
// running an indirect dispatch of a kernel using num_workgroups together with a uniform binding.
const MAX_WORKGROUPS_X: u32 = 65535u;

/// Indirect dispatch arguments (x, y, z) covering `workgroups` workgroups; zero gives an empty dispatch.
fn dispatch_size(workgroups: u32) -> vec3<u32> {
  let x = min(workgroups, MAX_WORKGROUPS_X);
  let y = select(1u, (workgroups + x - 1u) / max(x, 1u), x > 0u);
  return vec3<u32>(x, y, 1u);
}

/// Linear workgroup index in a dispatch made by `dispatch_size(workgroups)`.
fn flat_workgroup(id: vec3<u32>, workgroups: u32) -> u32 {
  return id.x + id.y * min(workgroups, MAX_WORKGROUPS_X);
}
