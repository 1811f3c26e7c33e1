// Pure math helpers for Gaussian splatting, shared by the compressor's rasterizer and the browser viewer
// (`#import math`). No bindings. Each forward function has its hand-written derivative (`*_vjp`: given
// the gradient of the loss w.r.t. the output, return it w.r.t. the inputs) right beside it.
//
// Conventions: quaternions are stored (w, x, y, z) in a vec4f as GaussianScene stores them, i.e.
// q[0] = w. Matrices are WGSL column-major: m[c][r] is column c, row r. Scales are natural-log
// standard deviations. Gradients of matrices are full-matrix gradients (each entry separately).

fn sigmoid(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-x));
}

// Rotation matrix of the normalised quaternion q = (w, x, y, z). A zero quaternion gives NaN; callers
// cull it (readers never produce one, and normalising "nothing" has no right answer).
fn quat_to_rotmat(q_raw: vec4f) -> mat3x3f {
  let q = normalize(q_raw);
  let w = q[0];
  let x = q[1];
  let y = q[2];
  let z = q[3];
  return mat3x3f(
    vec3f(1.0 - 2.0 * (y * y + z * z), 2.0 * (x * y + w * z), 2.0 * (x * z - w * y)),
    vec3f(2.0 * (x * y - w * z), 1.0 - 2.0 * (x * x + z * z), 2.0 * (y * z + w * x)),
    vec3f(2.0 * (x * z + w * y), 2.0 * (y * z - w * x), 1.0 - 2.0 * (x * x + y * y)),
  );
}

// d loss / d q_raw from d loss / d R (through the normalisation: q = q_raw / |q_raw|).
fn quat_to_rotmat_vjp(q_raw: vec4f, v_r: mat3x3f) -> vec4f {
  let inv_norm = inverseSqrt(dot(q_raw, q_raw));
  let q = q_raw * inv_norm;
  let w = q[0];
  let x = q[1];
  let y = q[2];
  let z = q[3];
  let v_q = 2.0 * vec4f(
    x * (v_r[1][2] - v_r[2][1]) + y * (v_r[2][0] - v_r[0][2]) + z * (v_r[0][1] - v_r[1][0]),
    -2.0 * x * (v_r[1][1] + v_r[2][2]) + y * (v_r[0][1] + v_r[1][0]) + z * (v_r[0][2] + v_r[2][0]) + w * (v_r[1][2] - v_r[2][1]),
    x * (v_r[0][1] + v_r[1][0]) - 2.0 * y * (v_r[0][0] + v_r[2][2]) + z * (v_r[1][2] + v_r[2][1]) + w * (v_r[2][0] - v_r[0][2]),
    x * (v_r[0][2] + v_r[2][0]) + y * (v_r[1][2] + v_r[2][1]) - 2.0 * z * (v_r[0][0] + v_r[1][1]) + w * (v_r[0][1] - v_r[1][0]),
  );
  // Normalisation removes the radial component: d(q/|q|)^T v = (v - q (q.v)) / |q|.
  return (v_q - q * dot(q, v_q)) * inv_norm;
}

// 3D covariance Sigma = M M^T with M = R(q) diag(exp(log_scale)).
fn covariance_3d(log_scale: vec3f, q_raw: vec4f) -> mat3x3f {
  let r = quat_to_rotmat(q_raw);
  let s = exp(log_scale);
  let m = mat3x3f(r[0] * s.x, r[1] * s.y, r[2] * s.z);
  return m * transpose(m);
}

struct Covariance3dGrad {
  v_log_scale: vec3f,
  v_quat: vec4f,
}

fn covariance_3d_vjp(log_scale: vec3f, q_raw: vec4f, v_cov: mat3x3f) -> Covariance3dGrad {
  let r = quat_to_rotmat(q_raw);
  let s = exp(log_scale);
  let m = mat3x3f(r[0] * s.x, r[1] * s.y, r[2] * s.z);
  // Sigma = M M^T  =>  dM = (V + V^T) M.
  let v_m = (v_cov + transpose(v_cov)) * m;
  // M = R diag(s): column c of M is s_c times column c of R.
  let v_r = mat3x3f(v_m[0] * s.x, v_m[1] * s.y, v_m[2] * s.z);
  // d/d log s_c = s_c * d/d s_c = s_c * (column c of R . column c of dM).
  let v_log_scale = vec3f(dot(r[0], v_m[0]) * s.x, dot(r[1], v_m[1]) * s.y, dot(r[2], v_m[2]) * s.z);
  return Covariance3dGrad(v_log_scale, quat_to_rotmat_vjp(q_raw, v_r));
}

fn det2(m: mat2x2f) -> f32 {
  return m[0][0] * m[1][1] - m[0][1] * m[1][0];
}

// Inverse of a 2x2 matrix; callers guarantee det > 0 (covariances are dilated, see projection).
fn inverse2(m: mat2x2f) -> mat2x2f {
  let inv_det = 1.0 / det2(m);
  return mat2x2f(vec2f(m[1][1], -m[0][1]) * inv_det, vec2f(-m[1][0], m[0][0]) * inv_det);
}

// d loss / d M from d loss / d M^-1:  dM = -M^-T V M^-T.
fn inverse2_vjp(m_inv: mat2x2f, v_inv: mat2x2f) -> mat2x2f {
  let t = transpose(m_inv);
  return -1.0 * (t * v_inv * t);
}
