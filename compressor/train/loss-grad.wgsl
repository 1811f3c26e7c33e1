// Loss stage 4: the x-blurred SSIM partials blurred along y (P), then
// dL/dimage = (1 − λ)·sign(x − y)/n − λ·(P0 + 2x·P1 + y·P2)/n, n = H·W·3. sign(0) = 0 like PyTorch's
// abs backward.
#import loss_params
#import loss_taps

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> image: array<f32>;
@group(0) @binding(2) var<storage, read> target_image: array<f32>;
@group(0) @binding(3) var<storage, read> partials: array<vec4f>; // x-blurred [H·W·3] (3 partials, 0)
@group(0) @binding(4) var<storage, read_write> grad: array<f32>; // [H·W·3]

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= params.width * params.height * 3u) { return; }
  let py = i32(i / 3u / params.width);
  let row = params.width * 3u;
  var p = TAPS[0] * partials[i];
  for (var k = 1; k <= 5; k++) {
    let w = TAPS[k];
    if (py - k >= 0) { p += w * partials[i - u32(k) * row]; }
    if (py + k < i32(params.height)) { p += w * partials[i + u32(k) * row]; }
  }
  let x = image[i];
  let y = target_image[i];
  let d_ssim = p.x + 2.0 * x * p.y + y * p.z;
  grad[i] = ((1.0 - params.ssim_weight) * sign(x - y) - params.ssim_weight * d_ssim) * params.inv_count;
}
