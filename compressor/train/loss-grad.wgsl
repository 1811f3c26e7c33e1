// Loss stage 5: dL/dimage = (1 − λ)·sign(x − y)/n − λ·(P0 + 2x·P1 + y·P2)/n, where P are the
// blurred SSIM partials (stage 4) and n = H·W·3. sign(0) = 0 like PyTorch's abs backward.
#import loss_params

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> image: array<f32>;
@group(0) @binding(2) var<storage, read> target_image: array<f32>;
@group(0) @binding(3) var<storage, read> partials: array<f32>; // blurred [H·W·3, 3]
@group(0) @binding(4) var<storage, read_write> grad: array<f32>; // [H·W·3]

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= params.width * params.height * 3u) { return; }
  let x = image[i];
  let y = target_image[i];
  let d_ssim = partials[i * 3u] + 2.0 * x * partials[i * 3u + 1u] + y * partials[i * 3u + 2u];
  grad[i] = ((1.0 - params.ssim_weight) * sign(x - y) - params.ssim_weight * d_ssim) * params.inv_count;
}
