// Loss stage 1: per pixel and channel, the five SSIM moments x, y, x², y², xy (x = rendered image,
// y = target) blurred along x: (x, y, x², y²) as one vec4 per value [H·W·3] and xy in a second buffer
// [H·W·3] (computing the moments inside the blur saves a pass and a buffer round trip; vector loads
// save the next stage most of its per-load cost on a CPU-emulated GPU).
#import loss_params
#import loss_taps

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> image: array<f32>;
@group(0) @binding(2) var<storage, read> target_image: array<f32>;
@group(0) @binding(3) var<storage, read_write> moments: array<vec4f>; // (x, y, x², y²)
@group(0) @binding(4) var<storage, read_write> moments_xy: array<f32>;

/** (x, y, x², y²) and xy of value index i. */
fn sample4(i: u32) -> vec4f {
  let x = image[i];
  let y = target_image[i];
  return vec4f(x, y, x * x, y * y);
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 256u; // value index (pixel·3 + channel)
  if (i >= params.width * params.height * 3u) { return; }
  let pixel = i / 3u;
  let px = i32(pixel % params.width);
  let x0 = image[i];
  let y0 = target_image[i];
  var sum = TAPS[0] * vec4f(x0, y0, x0 * x0, y0 * y0);
  var sum_xy = TAPS[0] * (x0 * y0);
  for (var k = 1; k <= 5; k++) {
    let w = TAPS[k];
    if (px - k >= 0) {
      let j = i - u32(k) * 3u;
      sum += w * sample4(j);
      sum_xy += w * (image[j] * target_image[j]);
    }
    if (px + k < i32(params.width)) {
      let j = i + u32(k) * 3u;
      sum += w * sample4(j);
      sum_xy += w * (image[j] * target_image[j]);
    }
  }
  moments[i] = sum;
  moments_xy[i] = sum_xy;
}
