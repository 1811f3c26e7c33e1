// Loss stage 3: the SSIM partials [H·W·3] (vec4: 3 partials, 0) blurred along x (first half of the
// blur's adjoint: the kernel is symmetric, so the adjoint is the same blur). One invocation per value.
#import loss_params
#import loss_taps

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4f>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 256u; // value index (pixel·3 + channel)
  if (i >= params.width * params.height * 3u) { return; }
  let px = i32((i / 3u) % params.width);
  var sum = TAPS[0] * src[i];
  for (var k = 1; k <= 5; k++) {
    let w = TAPS[k];
    if (px - k >= 0) { sum += w * src[i - u32(k) * 3u]; }
    if (px + k < i32(params.width)) { sum += w * src[i + u32(k) * 3u]; }
  }
  dst[i] = sum;
}
