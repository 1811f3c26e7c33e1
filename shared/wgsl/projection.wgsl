// Pinhole projection of 3D Gaussians to screen-space 2D Gaussians (EWA splatting), shared by the
// compressor's rasterizer and the browser viewer (`#import projection`). No bindings.
//
// Camera: world-to-camera view matrix (column-major, OpenCV axes: +X right, +Y down, +Z forward, so
// visible points have z > 0), pinhole intrinsics in pixels, pixel centres at integer + 0.5.
// Every forward function has its `*_vjp` derivative beside it.
#import math

// Byte layout (std140-like uniform rules, 96 bytes): view @0 (64), focal @64, principal @72, size @80,
// pad to 96. shared/math/camera-uniform.ts writes it; its test checks the field order here.
struct Camera {
  view: mat4x4f,
  focal: vec2f,
  principal: vec2f,
  size: vec2u,
  // A window of a larger view (camera-uniform.ts): x | y << 16; frame_size 0 when the image is the view.
  frame_origin: u32,
  frame_size: u32,
}

// NEAR_PLANE, COV2D_DILATION, ALPHA_THRESHOLD, FRUSTUM_MARGIN: written once in
// shared/math/projection-constants.ts (what each is for is said there).
#import projection_constants

fn world_to_camera(cam: Camera, p: vec3f) -> vec3f {
  return (cam.view * vec4f(p, 1.0)).xyz;
}

fn camera_rotation(cam: Camera) -> mat3x3f {
  return mat3x3f(cam.view[0].xyz, cam.view[1].xyz, cam.view[2].xyz);
}

// Camera centre in world coordinates: -R^T t of the rigid world-to-camera transform.
fn camera_position(cam: Camera) -> vec3f {
  return -(transpose(camera_rotation(cam)) * cam.view[3].xyz);
}

// Pixel position of a camera-space point (z > 0).
fn project_point(cam: Camera, t: vec3f) -> vec2f {
  return cam.focal * t.xy / t.z + cam.principal;
}

// Gradient of project_point w.r.t. t.
fn project_point_vjp(cam: Camera, t: vec3f, v_mean2d: vec2f) -> vec3f {
  let rz = 1.0 / t.z;
  let g = cam.focal * v_mean2d * rz;
  return vec3f(g.x, g.y, -(g.x * t.x + g.y * t.y) * rz);
}

// Limits of x/z and y/z used in the Jacobian: (neg, pos) per axis, FRUSTUM_MARGIN beyond the image.
// A window of a larger view (a training patch) uses that view's limits: it renders as its pixels there.
fn jacobian_limits(cam: Camera) -> vec4f {
  var size = vec2f(cam.size);
  var principal = cam.principal;
  if (cam.frame_size != 0u) {
    size = vec2f(f32(cam.frame_size & 0xffffu), f32(cam.frame_size >> 16u));
    principal += vec2f(f32(cam.frame_origin & 0xffffu), f32(cam.frame_origin >> 16u));
  }
  let half_tan = 0.5 * size / cam.focal;
  let pos = (size - principal) / cam.focal + FRUSTUM_MARGIN * half_tan;
  let neg = principal / cam.focal + FRUSTUM_MARGIN * half_tan;
  return vec4f(neg.x, pos.x, neg.y, pos.y);
}

// 2x3 Jacobian of the perspective projection at t, as a mat3x2f (3 columns of vec2f).
fn projection_jacobian(cam: Camera, t: vec3f) -> mat3x2f {
  let lim = jacobian_limits(cam);
  let u = clamp(t.x / t.z, -lim.x, lim.y);
  let v = clamp(t.y / t.z, -lim.z, lim.w);
  let rz = 1.0 / t.z;
  return mat3x2f(
    vec2f(cam.focal.x * rz, 0.0),
    vec2f(0.0, cam.focal.y * rz),
    vec2f(-cam.focal.x * u * rz, -cam.focal.y * v * rz),
  );
}

// Gradient of projection_jacobian w.r.t. t. With u = clamp(x/z): J02 = -fx u / z, so
// dJ02/dx = -fx/z du/dx and dJ02/dz = fx u/z^2 - fx/z du/dz, where du/dx = 1/z, du/dz = -x/z^2
// inside the limits and 0 where clamped (the clamp is constant there).
fn projection_jacobian_vjp(cam: Camera, t: vec3f, v_j: mat3x2f) -> vec3f {
  let lim = jacobian_limits(cam);
  let ux = t.x / t.z;
  let uy = t.y / t.z;
  let u = clamp(ux, -lim.x, lim.y);
  let v = clamp(uy, -lim.z, lim.w);
  let in_x = select(0.0, 1.0, ux >= -lim.x && ux <= lim.y);
  let in_y = select(0.0, 1.0, uy >= -lim.z && uy <= lim.w);
  let rz = 1.0 / t.z;
  let rz2 = rz * rz;
  let fx = cam.focal.x;
  let fy = cam.focal.y;
  let d02_dx = -fx * rz * rz * in_x;
  let d02_dz = fx * u * rz2 + fx * rz * (t.x * rz2) * in_x;
  let d12_dy = -fy * rz * rz * in_y;
  let d12_dz = fy * v * rz2 + fy * rz * (t.y * rz2) * in_y;
  return vec3f(
    v_j[2][0] * d02_dx,
    v_j[2][1] * d12_dy,
    -fx * rz2 * v_j[0][0] - fy * rz2 * v_j[1][1] + v_j[2][0] * d02_dz + v_j[2][1] * d12_dz,
  );
}

// 2D screen covariance (before dilation) of a world covariance at camera-space mean t:
// J W Sigma W^T J^T with W the view rotation.
fn covariance_2d(cam: Camera, t: vec3f, cov3d: mat3x3f) -> mat2x2f {
  let w = camera_rotation(cam);
  let cov_cam = w * cov3d * transpose(w);
  let j = projection_jacobian(cam, t);
  return j * cov_cam * transpose(j);
}

struct Covariance2dGrad {
  v_t: vec3f,
  v_cov3d: mat3x3f,
}

fn covariance_2d_vjp(cam: Camera, t: vec3f, cov3d: mat3x3f, v_cov2d: mat2x2f) -> Covariance2dGrad {
  let w = camera_rotation(cam);
  let cov_cam = w * cov3d * transpose(w);
  let j = projection_jacobian(cam, t);
  // C2 = J C J^T:  dC = J^T V J,  dJ = (V + V^T) J C (C symmetric).
  let v_cov_cam = transpose(j) * v_cov2d * j;
  let v_j = (v_cov2d + transpose(v_cov2d)) * j * cov_cam;
  // C = W S W^T:  dS = W^T dC W.
  let v_cov3d = transpose(w) * v_cov_cam * w;
  return Covariance2dGrad(projection_jacobian_vjp(cam, t, v_j), v_cov3d);
}

// Mip-Splatting's 2D filter keeps the integrated opacity of a dilated Gaussian unchanged:
// opacity is scaled by sqrt(det(C) / det(C + s I)). Clamped at 0 for the (numerically) degenerate C.
fn antialias_compensation(cov2d: mat2x2f) -> f32 {
  let dilated = cov2d + mat2x2f(COV2D_DILATION, 0.0, 0.0, COV2D_DILATION);
  return sqrt(max(0.0, det2(cov2d) / det2(dilated)));
}

// Gradient of antialias_compensation w.r.t. cov2d (before dilation). With q = det0 / det1 = comp^2:
// d det/dA = det(A) A^-T = adj(A)^T, so dq = adj(C)^T / det1 - q adj(C + sI)^T / det1.
fn antialias_compensation_vjp(cov2d: mat2x2f, v_comp: f32) -> mat2x2f {
  let dilated = cov2d + mat2x2f(COV2D_DILATION, 0.0, 0.0, COV2D_DILATION);
  let det0 = det2(cov2d);
  let det1 = det2(dilated);
  let q = det0 / det1;
  if (q <= 0.0) {
    return mat2x2f(0.0, 0.0, 0.0, 0.0);
  }
  let v_q = v_comp * 0.5 / sqrt(q);
  let adj0 = mat2x2f(cov2d[1][1], -cov2d[1][0], -cov2d[0][1], cov2d[0][0]);
  let adj1 = mat2x2f(dilated[1][1], -dilated[1][0], -dilated[0][1], dilated[0][0]);
  return (v_q / det1) * (adj0 - q * adj1);
}

// Conic (inverse covariance) of the dilated 2D covariance, as (a, b, c) of [[a, b], [b, c]].
fn conic_of(cov2d: mat2x2f) -> vec3f {
  let inv = inverse2(cov2d + mat2x2f(COV2D_DILATION, 0.0, 0.0, COV2D_DILATION));
  return vec3f(inv[0][0], inv[0][1], inv[1][1]);
}

// Gradient of conic_of w.r.t. cov2d. The off-diagonal b appears twice in the matrix, so its
// gradient splits in halves between the two entries.
fn conic_of_vjp(cov2d: mat2x2f, v_conic: vec3f) -> mat2x2f {
  let inv = inverse2(cov2d + mat2x2f(COV2D_DILATION, 0.0, 0.0, COV2D_DILATION));
  let v_inv = mat2x2f(v_conic.x, 0.5 * v_conic.y, 0.5 * v_conic.y, v_conic.z);
  return inverse2_vjp(inv, v_inv);
}

// Half extent in pixels (x, y) of the axis-aligned box outside which alpha < ALPHA_THRESHOLD.
// alpha = opacity exp(-power) with power = d^T conic d / 2; the box around the ellipse
// power = P has half widths sqrt(2 P cov_xx), sqrt(2 P cov_yy) where P = ln(255 opacity). This is
// the usual 3-sigma box for opacity 0.9 (P = 5.4, 3.3 sigma at opacity 1), and it makes the image
// independent of tiling: nothing outside the box could pass the alpha test anyway.
// Returns 0 when the whole Gaussian is below the threshold.
fn screen_extent(cov2d: mat2x2f, opacity: f32) -> vec2f {
  let p = log(opacity / ALPHA_THRESHOLD);
  if (!(p > 0.0)) {
    return vec2f(0.0);
  }
  let var_xy = vec2f(cov2d[0][0], cov2d[1][1]) + COV2D_DILATION;
  return sqrt(2.0 * p * var_xy);
}

// One projected Gaussian for compositing. visible = false when culled: behind or on the near plane,
// degenerate, invisible (opacity below the alpha threshold) or entirely outside the image.
struct ProjectedGaussian {
  visible: bool,
  mean2d: vec2f, // pixels
  conic: vec3f, // a, b, c of the inverse dilated 2D covariance
  opacity: f32, // sigmoid(logit), times the Mip-Splatting compensation when antialiased
  depth: f32, // camera z
  extent: vec2f, // half size in pixels of the box where alpha can reach ALPHA_THRESHOLD
}

fn project_gaussian(cam: Camera, mean: vec3f, log_scale: vec3f, quat: vec4f, opacity_logit: f32, antialiased: bool) -> ProjectedGaussian {
  var out: ProjectedGaussian;
  out.visible = false;
  let t = world_to_camera(cam, mean);
  out.depth = t.z;
  if (!(t.z >= NEAR_PLANE)) {
    return out;
  }
  let cov2d = covariance_2d(cam, t, covariance_3d(log_scale, quat));
  var opacity = sigmoid(opacity_logit);
  if (antialiased) {
    opacity *= antialias_compensation(cov2d);
  }
  let dilated_det = det2(cov2d + mat2x2f(COV2D_DILATION, 0.0, 0.0, COV2D_DILATION));
  if (!(dilated_det > 0.0)) {
    return out;
  }
  out.mean2d = project_point(cam, t);
  out.conic = conic_of(cov2d);
  out.opacity = opacity;
  out.extent = screen_extent(cov2d, opacity);
  let size = vec2f(cam.size);
  let lo = out.mean2d - out.extent;
  let hi = out.mean2d + out.extent;
  out.visible = out.extent.x > 0.0 && all(hi > vec2f(0.0)) && all(lo < size);
  return out;
}
