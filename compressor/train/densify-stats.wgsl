// Densification statistics (AbsGS), once per training view after the backward:
//   stats[i] += (‖|∂L/∂mean2d| in NDC‖, 1) for every Gaussian visible in this view.
// The rasterizer accumulates |∂L/∂mean2d| per component in PIXELS (splat_grads[i·12 + 9..10]);
// NDC = 2·pixel/size − 1, so ∂L/∂ndc = ∂L/∂pixel · size/2 — the unit the 0.0003 threshold assumes.
// Visible = contributed blending weight (splat_grads[i·12 + 11] > 0); 3DGS counts every projected
// Gaussian (radius > 0) instead, including fully occluded ones.
struct Params {
  count: u32,
  half_width: f32,
  half_height: f32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> splat_grads: array<f32>; // [N, 12]
@group(0) @binding(2) var<storage, read_write> stats: array<f32>; // [N, 2]: grad sum, view count

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= params.count) { return; }
  let base = i * 12u;
  if (splat_grads[base + 11u] <= 0.0) { return; }
  let g = vec2f(splat_grads[base + 9u] * params.half_width, splat_grads[base + 10u] * params.half_height);
  stats[i * 2u] += length(g);
  stats[i * 2u + 1u] += 1.0;
}
