// The SSIM window shared by the loss stages: exp(-k²/4.5) for k = 0..5 (σ = 1.5), normalised so the
// 11 taps of the zero-padded "same" blur sum to 1, and the sliding windows the stages blur with.
// A stage walks one image line (a row or a column of one channel) and shifts each value into an
// 11-entry window held in registers (constant indices only: no per-lane memory gathers on SwiftShader),
// so every input is loaded once per line instead of once per tap. Outside the image the window holds
// 0 (zero padding: adding w·0 leaves each sum as the tap-skipping form had it). A window's centre is
// entry 5; the blur sums TAPS[0]·v[0] + Σ_k (TAPS[k]·v[−k] + TAPS[k]·v[+k]) in that order.
const TAPS = array<f32, 6>(0.26601172, 0.21300554, 0.10936069, 0.03600077, 0.00759876, 0.00102838);

alias Window4 = array<vec4f, 11>;
alias Window1 = array<f32, 11>;

/** The window moved one value along the line: drops the oldest, appends `v`. */
fn shift4(w: Window4, v: vec4f) -> Window4 {
  return Window4(w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], v);
}

fn shift1(w: Window1, v: f32) -> Window1 {
  return Window1(w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], v);
}

/** The blurred value at the window's centre. */
fn blur4(w: Window4) -> vec4f {
  return TAPS[0] * w[5] + TAPS[1] * w[4] + TAPS[1] * w[6] + TAPS[2] * w[3] + TAPS[2] * w[7] + TAPS[3] * w[2] + TAPS[3] * w[8]
    + TAPS[4] * w[1] + TAPS[4] * w[9] + TAPS[5] * w[0] + TAPS[5] * w[10];
}

fn blur1(w: Window1) -> f32 {
  return TAPS[0] * w[5] + TAPS[1] * w[4] + TAPS[1] * w[6] + TAPS[2] * w[3] + TAPS[2] * w[7] + TAPS[3] * w[2] + TAPS[3] * w[8]
    + TAPS[4] * w[1] + TAPS[4] * w[9] + TAPS[5] * w[0] + TAPS[5] * w[10];
}

/** Invocations per workgroup of the line-walking stages (one invocation per line and channel). */
const LINE_WORKGROUP: u32 = 16u;
