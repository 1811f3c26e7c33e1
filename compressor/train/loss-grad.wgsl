// Loss stage 3: one invocation per (row, channel) walks the row: the y-blurred SSIM partials blurred
// along x (P), then dL/dimage = (1 − λ)·sign(x − y)/n − λ·(P0 + 2x·P1 + y·P2)/n, n = H·W·3.
// sign(0) = 0 like PyTorch's abs backward.
#import loss_params
#import loss_taps

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> image: array<f32>;
@group(0) @binding(2) var<storage, read> target_image: array<f32>;
@group(0) @binding(3) var<storage, read> partials: array<vec4f>; // y-blurred [H·W·3] (3 partials, 0)
@group(0) @binding(4) var<storage, read_write> grad: array<f32>; // [H·W·3]

@compute @workgroup_size(LINE_WORKGROUP)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let line = gid.x; // row · 3 + channel
  if (line >= params.height * 3u) { return; }
  let width = params.width;
  let base = (line / 3u) * width * 3u + line % 3u;
  var win = Window4();
  // Branch-free steps as in loss-moments.wgsl (clamped reads, for p < 5 a store to pixel 0 that step 5
  // overwrites).
  for (var p = 0u; p < width + 5u; p++) {
    win = shift4(win, select(vec4f(0.0), partials[base + min(p, width - 1u) * 3u], p < width));
    let i = base + (max(p, 5u) - 5u) * 3u;
    let q = blur4(win);
    let x = image[i];
    let y = target_image[i];
    let d_ssim = q.x + 2.0 * x * q.y + y * q.z;
    grad[i] = ((1.0 - params.ssim_weight) * sign(x - y) - params.ssim_weight * d_ssim) * params.inv_count;
  }
}
