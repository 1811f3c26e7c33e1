// Loss stage 3: the SSIM partials [H·W·3, 3] blurred along x (first half of the blur's adjoint: the
// kernel is symmetric, so the adjoint is the same blur). One invocation per value, its 3 partials
// as a vector.
#import loss_params
#import loss_taps

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

fn at(i: u32) -> vec3f {
  return vec3f(src[i * 3u], src[i * 3u + 1u], src[i * 3u + 2u]);
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 256u; // value index (pixel·3 + channel)
  if (i >= params.width * params.height * 3u) { return; }
  let px = i32((i / 3u) % params.width);
  var sum = TAPS[0] * at(i);
  for (var k = 1; k <= 5; k++) {
    let w = TAPS[k];
    if (px - k >= 0) { sum += w * at(i - u32(k) * 3u); }
    if (px + k < i32(params.width)) { sum += w * at(i + u32(k) * 3u); }
  }
  dst[i * 3u] = sum.x;
  dst[i * 3u + 1u] = sum.y;
  dst[i * 3u + 2u] = sum.z;
}
