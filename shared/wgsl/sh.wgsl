// Spherical-harmonics colour, degrees 0-3, shared by the compressor's rasterizer and the browser viewer
// (`#import sh`). No bindings.
//
// Coefficients come as array<vec3f, 16>: index 0 is the DC term (GaussianScene shDC), 1..15 the rest
// in GaussianScene's coefficient-major RGB order (shRest[(i * K + k - 1) * 3 + c] -> sh[k][c]).
// Colour = max(0, 0.5 + sum_k basis_k(dir) sh_k), the INRIA 3DGS convention; dir is the unit vector
// from the camera centre to the Gaussian mean, in world space. Degrees above `degree` are ignored,
// so a runtime cap costs nothing but the argument.

// SH_C0..SH_C3: written once in shared/math/sh-constants.ts.
#import sh_constants

// Number of coefficients (including DC) for a degree: 1, 4, 9, 16.
fn sh_coefficient_count(degree: u32) -> u32 {
  return (degree + 1u) * (degree + 1u);
}

// Real SH basis values at unit direction d; entries above the degree are 0.
fn sh_basis(degree: u32, d: vec3f) -> array<f32, 16> {
  var b: array<f32, 16>;
  b[0] = SH_C0;
  if (degree < 1u) {
    return b;
  }
  let x = d.x;
  let y = d.y;
  let z = d.z;
  b[1] = -SH_C1 * y;
  b[2] = SH_C1 * z;
  b[3] = -SH_C1 * x;
  if (degree < 2u) {
    return b;
  }
  let xx = x * x;
  let yy = y * y;
  let zz = z * z;
  b[4] = SH_C2[0] * x * y;
  b[5] = SH_C2[1] * y * z;
  b[6] = SH_C2[2] * (2.0 * zz - xx - yy);
  b[7] = SH_C2[3] * x * z;
  b[8] = SH_C2[4] * (xx - yy);
  if (degree < 3u) {
    return b;
  }
  b[9] = SH_C3[0] * y * (3.0 * xx - yy);
  b[10] = SH_C3[1] * x * y * z;
  b[11] = SH_C3[2] * y * (4.0 * zz - xx - yy);
  b[12] = SH_C3[3] * z * (2.0 * zz - 3.0 * xx - 3.0 * yy);
  b[13] = SH_C3[4] * x * (4.0 * zz - xx - yy);
  b[14] = SH_C3[5] * z * (xx - yy);
  b[15] = SH_C3[6] * x * (xx - 3.0 * yy);
  return b;
}

// Colour before the clamp: 0.5 + sum_k basis_k sh_k.
fn sh_to_color_unclamped(degree: u32, d: vec3f, sh: array<vec3f, 16>) -> vec3f {
  let b = sh_basis(degree, d);
  var c = vec3f(0.5);
  for (var k = 0u; k < sh_coefficient_count(degree); k++) {
    c += b[k] * sh[k];
  }
  return c;
}

// Colour of a Gaussian seen along unit direction d, clamped at 0 (negative light does not exist).
fn sh_to_color(degree: u32, d: vec3f, sh: array<vec3f, 16>) -> vec3f {
  return max(sh_to_color_unclamped(degree, d, sh), vec3f(0.0));
}

// Direction from the camera centre to a Gaussian mean, normalised (a Gaussian at the camera centre
// gets +Z: it is culled by the near plane anyway).
fn view_direction(mean: vec3f, camera_position: vec3f) -> vec3f {
  let v = mean - camera_position;
  let len2 = dot(v, v);
  return select(vec3f(0.0, 0.0, 1.0), v * inverseSqrt(len2), len2 > 0.0);
}

struct ShGrad {
  v_sh: array<vec3f, 16>,
  v_dir: vec3f, // w.r.t. the unit direction (chain through view_direction_vjp for the mean)
}

// Gradient of sh_to_color w.r.t. the coefficients and the direction. `color_unclamped` is the value
// before the clamp: channels clamped at 0 pass no gradient.
fn sh_to_color_vjp(degree: u32, d: vec3f, sh: array<vec3f, 16>, color_unclamped: vec3f, v_color_in: vec3f) -> ShGrad {
  var out: ShGrad;
  let v_color = select(vec3f(0.0), v_color_in, color_unclamped > vec3f(0.0));
  let b = sh_basis(degree, d);
  for (var k = 0u; k < sh_coefficient_count(degree); k++) {
    out.v_sh[k] = b[k] * v_color;
  }
  out.v_dir = vec3f(0.0);
  if (degree < 1u) {
    return out;
  }
  // w_k = dL/d basis_k; v_dir = sum_k w_k grad(basis_k), the basis treated as a polynomial in x, y, z.
  var w: array<f32, 16>;
  for (var k = 1u; k < sh_coefficient_count(degree); k++) {
    w[k] = dot(sh[k], v_color);
  }
  let x = d.x;
  let y = d.y;
  let z = d.z;
  var g = vec3f(-SH_C1 * w[3], -SH_C1 * w[1], SH_C1 * w[2]);
  if (degree >= 2u) {
    let xx = x * x;
    let yy = y * y;
    let zz = z * z;
    g += SH_C2[0] * w[4] * vec3f(y, x, 0.0);
    g += SH_C2[1] * w[5] * vec3f(0.0, z, y);
    g += SH_C2[2] * w[6] * vec3f(-2.0 * x, -2.0 * y, 4.0 * z);
    g += SH_C2[3] * w[7] * vec3f(z, 0.0, x);
    g += SH_C2[4] * w[8] * vec3f(2.0 * x, -2.0 * y, 0.0);
    if (degree >= 3u) {
      g += SH_C3[0] * w[9] * vec3f(6.0 * x * y, 3.0 * xx - 3.0 * yy, 0.0);
      g += SH_C3[1] * w[10] * vec3f(y * z, x * z, x * y);
      g += SH_C3[2] * w[11] * vec3f(-2.0 * x * y, 4.0 * zz - xx - 3.0 * yy, 8.0 * y * z);
      g += SH_C3[3] * w[12] * vec3f(-6.0 * x * z, -6.0 * y * z, 6.0 * zz - 3.0 * xx - 3.0 * yy);
      g += SH_C3[4] * w[13] * vec3f(4.0 * zz - 3.0 * xx - yy, -2.0 * x * y, 8.0 * x * z);
      g += SH_C3[5] * w[14] * vec3f(2.0 * x * z, -2.0 * y * z, xx - yy);
      g += SH_C3[6] * w[15] * vec3f(3.0 * xx - 3.0 * yy, -6.0 * x * y, 0.0);
    }
  }
  out.v_dir = g;
  return out;
}

// Gradient of view_direction w.r.t. the mean: d(v/|v|)^T g = (g - d (d.g)) / |v|.
fn view_direction_vjp(mean: vec3f, camera_position: vec3f, v_dir: vec3f) -> vec3f {
  let v = mean - camera_position;
  let len2 = dot(v, v);
  if (!(len2 > 0.0)) {
    return vec3f(0.0);
  }
  let inv_len = inverseSqrt(len2);
  let d = v * inv_len;
  return (v_dir - d * dot(d, v_dir)) * inv_len;
}
