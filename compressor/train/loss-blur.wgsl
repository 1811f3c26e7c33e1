// Loss stage 2/4: one axis of the separable, zero-padded "same" 11-tap Gaussian blur (σ = 1.5,
// normalised) of `channels` interleaved maps [H, W, channels]. Run along x then y. Zero padding
// matches the reference SSIM (conv2d with padding 5); the kernel is symmetric, so the same pass is
// also the adjoint used by the backward.
#import loss_params

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

// exp(-k²/4.5) for k = 0..5, normalised so the 11 taps sum to 1.
const TAPS = array<f32, 6>(0.26601172, 0.21300554, 0.10936069, 0.03600077, 0.00759876, 0.00102838);

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let e = gid.x + gid.y * groups.x * 256u;
  let total = params.width * params.height * params.channels;
  if (e >= total) { return; }
  let pixel = e / params.channels;
  let c = e - pixel * params.channels;
  let py = i32(pixel / params.width);
  let px = i32(pixel - u32(py) * params.width);
  var sum = TAPS[0] * src[e];
  for (var k = 1; k <= 5; k++) {
    let w = TAPS[k];
    if (params.axis == 0u) {
      if (px - k >= 0) { sum += w * src[(u32(py) * params.width + u32(px - k)) * params.channels + c]; }
      if (px + k < i32(params.width)) { sum += w * src[(u32(py) * params.width + u32(px + k)) * params.channels + c]; }
    } else {
      if (py - k >= 0) { sum += w * src[(u32(py - k) * params.width + u32(px)) * params.channels + c]; }
      if (py + k < i32(params.height)) { sum += w * src[(u32(py + k) * params.width + u32(px)) * params.channels + c]; }
    }
  }
  dst[e] = sum;
}
