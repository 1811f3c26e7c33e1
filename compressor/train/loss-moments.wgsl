// Loss stage 1: per pixel and channel the five SSIM moments x, y, x², y², xy
// (x = rendered image, y = target), laid out [H·W, 3 channels, 5] for the separable blur.
#import loss_params

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> image: array<f32>;
@group(0) @binding(2) var<storage, read> target_image: array<f32>;
@group(0) @binding(3) var<storage, read_write> moments: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 256u; // value index (pixel·3 + channel)
  if (i >= params.width * params.height * 3u) { return; }
  let x = image[i];
  let y = target_image[i];
  let o = i * 5u;
  moments[o] = x;
  moments[o + 1u] = y;
  moments[o + 2u] = x * x;
  moments[o + 3u] = y * y;
  moments[o + 4u] = x * y;
}
