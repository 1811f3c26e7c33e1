// The per-(pixel, splat) compositing maths shared by every variant of the forward and backward
// rasterizers (`#import raster_blend`), so the variants differ only in how they walk tiles and pixels.
// Pure functions, no bindings.
//
// Forward (front to back): alpha = min(0.99, opacity exp(-power)); a splat is skipped where power < 0
// or alpha < 1/255; a pixel stops before a splat would bring transmittance below 1e-4.
// Backward (back to front): from the transmittance AFTER a splat, T_before = T_after / (1 - alpha)
// (alpha <= 0.99 keeps the division safe), and from `behind` (the colour of the splats behind it, as
// its dot product with dL/d colour) the splat's contribution to dL/d(mean2d, conic, colour, opacity), |dL/d mean2d| and the
// blending weight alpha x T_before.
#import raster_common

// A splat evaluated at a pixel; d = mean2d - pixel centre.
struct BlendSample {
  alpha: f32, // min(0.99, raw_alpha); 0 where the splat is skipped (power < 0 or alpha < 1/255)
  raw_alpha: f32, // opacity x vis
  vis: f32, // exp(-power)
}

fn blend_sample(conic: vec3f, opacity: f32, d: vec2f) -> BlendSample {
  let power = splat_power(conic, d);
  let vis = exp(-power);
  let raw_alpha = opacity * vis;
  let alpha = min(MAX_ALPHA, raw_alpha);
  return BlendSample(select(alpha, 0.0, power < 0.0 || alpha < ALPHA_THRESHOLD), raw_alpha, vis);
}

fn blend_alpha(conic: vec3f, opacity: f32, d: vec2f) -> f32 {
  return blend_sample(conic, opacity, d).alpha;
}

// Per-pixel constant of the backward pass: d(colour)/d alpha_i has -T_final bg / (1 - alpha_i) from
// the background, and d(alpha_out)/d alpha_i = T_final / (1 - alpha_i); both are this over (1 - alpha_i).
fn blend_tail(t_final: f32, v_color: vec3f, v_alpha: f32, background: vec3f) -> f32 {
  return t_final * (v_alpha - dot(background, v_color));
}

// One splat's gradient contribution at one pixel, plus the pixel state before it.
struct BlendGrad {
  transmittance: f32, // T before this splat (the state for the next splat towards the front)
  behind: f32, // the `behind` state including this splat (see blend_backward)
  v_mean2d: vec2f,
  v_conic: vec3f,
  v_color: vec3f,
  v_opacity: f32,
  weight: f32, // alpha x T_before
}

// Backward of one (pixel, splat) that blended (sample.alpha > 0): `transmittance` is T after the
// splat, `v_out` dL/d pixel colour. Of the colour behind the splat (sum of colour x alpha x T of the
// splats behind it) the gradient needs only its dot product with v_out, so the per-pixel state is the
// scalar behind = dot(colour behind, v_out) - tail, tail = blend_tail(...) of the pixel: it starts at
// -tail (nothing behind the last splat) and each splat adds weight x dot(colour, v_out). (Two floats
// of state per pixel instead of five: on CPU emulation the per-pixel state reads are the expensive
// part, and callers test the sample before reading them.)
fn blend_backward(
  sample: BlendSample,
  conic: vec3f,
  color: vec3f,
  d: vec2f,
  transmittance: f32,
  behind: f32,
  v_out: vec3f,
) -> BlendGrad {
  let alpha = sample.alpha;
  let ra = 1.0 / (1.0 - alpha);
  let t = transmittance * ra;
  let weight = alpha * t;
  let color_v = dot(color, v_out);
  // dL/d alpha = dot(colour T - colour_behind / (1 - alpha), v_out) + tail / (1 - alpha)
  let v_alpha = color_v * t - behind * ra;
  // Where alpha was clamped at 0.99 it does not depend on opacity or position. (Selects and one
  // constructor rather than a struct variable assigned in branches: 20% faster backward on SwiftShader.)
  let clamped = sample.raw_alpha > MAX_ALPHA;
  let v_power = select(-sample.raw_alpha * v_alpha, 0.0, clamped);
  return BlendGrad(
    t,
    behind + weight * color_v,
    vec2f(conic.x * d.x + conic.y * d.y, conic.y * d.x + conic.z * d.y) * v_power,
    vec3f(0.5 * d.x * d.x, d.x * d.y, 0.5 * d.y * d.y) * v_power,
    weight * v_out,
    select(sample.vis * v_alpha, 0.0, clamped),
    weight,
  );
}

// A Gaussian's screen-space gradient sums over some pixels (SPLAT_GRAD_* order in raster_common).
struct SplatGradSum {
  v_mean2d: vec2f,
  v_conic: vec3f,
  v_color: vec3f,
  v_opacity: f32,
  abs_mean2d: vec2f, // sum of |dL/d mean2d| per pixel (AbsGS)
  weight: f32,
}

fn add_blend_grad(sum: SplatGradSum, g: BlendGrad) -> SplatGradSum {
  return SplatGradSum(
    sum.v_mean2d + g.v_mean2d,
    sum.v_conic + g.v_conic,
    sum.v_color + g.v_color,
    sum.v_opacity + g.v_opacity,
    sum.abs_mean2d + abs(g.v_mean2d),
    sum.weight + g.weight,
  );
}
