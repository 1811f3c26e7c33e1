// Stage 1 of the rasterizer: one thread per Gaussian. Projects it (shared/wgsl/projection.wgsl),
// evaluates its SH colour for this view, and writes the 2D splat plus a depth sort key. Culled
// Gaussians get key 0xffffffff (they sort last) and an empty extent (no tiles).
#import projection
#import sh
#import raster_common

@group(0) @binding(0) var<uniform> camera: Camera;
@group(0) @binding(1) var<uniform> params: RenderParams;
@group(0) @binding(2) var<storage, read> gaussians: array<f32>; // packed parameters (RenderParams offsets)
@group(0) @binding(3) var<storage, read_write> splats: array<Splat2d>; // [N]
@group(0) @binding(4) var<storage, read_write> depth_keys: array<u32>; // [N]
@group(0) @binding(5) var<storage, read_write> depth_ids: array<u32>; // [N]

fn read3(offset: u32, i: u32) -> vec3f {
  let b = offset + 3u * i;
  return vec3f(gaussians[b], gaussians[b + 1u], gaussians[b + 2u]);
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= params.num_gaussians) {
    return;
  }
  let mean = read3(params.offset_means, i);
  let q = params.offset_quats + 4u * i;
  let quat = vec4f(gaussians[q], gaussians[q + 1u], gaussians[q + 2u], gaussians[q + 3u]);
  let p = project_gaussian(camera, mean, read3(params.offset_log_scales, i), quat, gaussians[params.offset_opacities + i], params.antialiased != 0u);

  var sh: array<vec3f, 16>;
  sh[0] = read3(params.offset_sh_dc, i);
  let k = params.sh_rest_count;
  for (var j = 1u; j < sh_coefficient_count(params.sh_degree); j++) {
    sh[j] = read3(params.offset_sh_rest, i * k + j - 1u);
  }
  let color = sh_to_color(params.sh_degree, view_direction(mean, camera_position(camera)), sh);

  var s: Splat2d;
  s.mean2d = p.mean2d;
  s.extent = select(vec2f(0.0), p.extent, p.visible);
  s.conic = p.conic;
  s.opacity = p.opacity;
  s.color = color;
  s.depth = p.depth;
  splats[i] = s;
  // Depth >= NEAR_PLANE > 0, so the bits of the float order like the float.
  depth_keys[i] = select(0xffffffffu, bitcast<u32>(p.depth), p.visible);
  depth_ids[i] = i;
}
