// Stage 7: one thread per Gaussian. Chains the screen-space gradients accumulated by
// rasterize_backward.wgsl through SH, the Mip-Splatting compensation, the conic, the EWA projection
// and the 3D covariance to the parameters, and WRITES the gradient buffer (same packed layout as the
// parameters): culled Gaussians get zeros, so no clear is needed. With ACCUMULATE it ADDS to the
// buffer instead (the trainer's sum over views: no separate accumulation pass, and Gaussians that did
// not blend into the image are not touched at all).
#import projection
#import sh
#import raster_common

@group(0) @binding(0) var<uniform> camera: Camera;
@group(0) @binding(1) var<uniform> params: RenderParams;
@group(0) @binding(2) var<storage, read> gaussians: array<f32>;
@group(0) @binding(3) var<storage, read> splat_grads: array<f32>; // [N, SPLAT_GRAD_STRIDE]
@group(0) @binding(4) var<storage, read_write> grads: array<f32>; // packed like `gaussians`

fn read3(offset: u32, i: u32) -> vec3f {
  let b = offset + 3u * i;
  return vec3f(gaussians[b], gaussians[b + 1u], gaussians[b + 2u]);
}

/** Writes (or with ACCUMULATE adds) one gradient value. */
fn put(b: u32, v: f32) {
#ifdef ACCUMULATE
  grads[b] += v;
#else
  grads[b] = v;
#endif
}

fn write3(offset: u32, i: u32, v: vec3f) {
  let b = offset + 3u * i;
  put(b, v.x);
  put(b + 1u, v.y);
  put(b + 2u, v.z);
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= params.num_gaussians) {
    return;
  }
  let mean = read3(params.offset_means, i);
  let log_scale = read3(params.offset_log_scales, i);
  let q = params.offset_quats + 4u * i;
  let quat = vec4f(gaussians[q], gaussians[q + 1u], gaussians[q + 2u], gaussians[q + 3u]);
  let logit = gaussians[params.offset_opacities + i];
  let antialiased = params.antialiased != 0u;
  let k = params.sh_rest_count;
  let coefficients = sh_coefficient_count(params.sh_degree);
  // A Gaussian that blended into no pixel (culled, off screen, or hidden) has all-zero screen-space
  // sums, so every gradient is 0: skip its VJP (most of a large scene in one view). One that blended
  // somewhere was visible (culled splats have no tiles), so the projection is not redone to check.
  let touched = splat_grads[i * SPLAT_GRAD_STRIDE + GRAD_WEIGHT] > 0.0;
#ifdef ACCUMULATE
  if (!touched) {
    return; // adds 0 everywhere
  }
#endif

  var v_mean = vec3f(0.0);
  var v_log_scale = vec3f(0.0);
  var v_quat = vec4f(0.0);
  var v_logit = 0.0;
  var v_sh: array<vec3f, 16>;
  if (touched) {
    let base = i * SPLAT_GRAD_STRIDE;
    let v_mean2d = vec2f(splat_grads[base + GRAD_MEAN2D], splat_grads[base + GRAD_MEAN2D + 1u]);
    let v_conic = vec3f(splat_grads[base + GRAD_CONIC], splat_grads[base + GRAD_CONIC + 1u], splat_grads[base + GRAD_CONIC + 2u]);
    let v_color = vec3f(splat_grads[base + GRAD_COLOR], splat_grads[base + GRAD_COLOR + 1u], splat_grads[base + GRAD_COLOR + 2u]);
    let v_opacity = splat_grads[base + GRAD_OPACITY];

    // Colour: SH coefficients and, through the view direction, the mean.
    var sh: array<vec3f, 16>;
    sh[0] = read3(params.offset_sh_dc, i);
    for (var j = 1u; j < coefficients; j++) {
      sh[j] = read3(params.offset_sh_rest, i * k + j - 1u);
    }
    let eye = camera_position(camera);
    let dir = view_direction(mean, eye);
    let sh_grad = sh_to_color_vjp(params.sh_degree, dir, sh, sh_to_color_unclamped(params.sh_degree, dir, sh), v_color);
    v_sh = sh_grad.v_sh;
    v_mean += view_direction_vjp(mean, eye, sh_grad.v_dir);

    // Opacity: effective = sigmoid(logit) [x compensation(cov2d)].
    let t = world_to_camera(camera, mean);
    let cov3d = covariance_3d(log_scale, quat);
    let cov2d = covariance_2d(camera, t, cov3d);
    let sig = sigmoid(logit);
    var v_cov2d = conic_of_vjp(cov2d, v_conic);
    var v_sig = v_opacity;
    if (antialiased) {
      v_sig = v_opacity * antialias_compensation(cov2d);
      v_cov2d += antialias_compensation_vjp(cov2d, v_opacity * sig);
    }
    v_logit = v_sig * sig * (1.0 - sig);

    // Projection: mean2d and cov2d depend on the camera-space mean; cov2d also on the 3D covariance.
    var v_t = project_point_vjp(camera, t, v_mean2d);
    let cov_grad = covariance_2d_vjp(camera, t, cov3d, v_cov2d);
    v_t += cov_grad.v_t;
    v_mean += transpose(camera_rotation(camera)) * v_t;
    let scale_grad = covariance_3d_vjp(log_scale, quat, cov_grad.v_cov3d);
    v_log_scale = scale_grad.v_log_scale;
    v_quat = scale_grad.v_quat;
  }
  write3(params.offset_means, i, v_mean);
  write3(params.offset_log_scales, i, v_log_scale);
  put(q, v_quat[0]);
  put(q + 1u, v_quat[1]);
  put(q + 2u, v_quat[2]);
  put(q + 3u, v_quat[3]);
  put(params.offset_opacities + i, v_logit);
  write3(params.offset_sh_dc, i, v_sh[0]);
  // Coefficients above the evaluated degree get 0 (they did not affect the image).
  for (var j = 1u; j <= k; j++) {
    write3(params.offset_sh_rest, i * k + j - 1u, select(vec3f(0.0), v_sh[min(j, 15u)], j < coefficients));
  }
}
