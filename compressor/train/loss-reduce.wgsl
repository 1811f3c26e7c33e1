// Loss stage 4 (run only when the loss is read): sums the per-line (|x − y|, SSIM) pairs of stage 2
// (one per column and channel) into [loss, mean L1, mean SSIM]. One workgroup strides over the lines,
// then a tree reduction in workgroup memory.
#import loss_params

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> line_sums: array<f32>;
@group(0) @binding(2) var<storage, read_write> result: array<f32>; // [loss, l1, ssim]

var<workgroup> partial: array<vec2f, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) lid: u32) {
  var sum = vec2f(0.0);
  for (var p = lid; p < params.width * 3u; p += 256u) {
    sum += vec2f(line_sums[p * 2u], line_sums[p * 2u + 1u]);
  }
  partial[lid] = sum;
  workgroupBarrier();
  for (var stride = 128u; stride > 0u; stride >>= 1u) {
    if (lid < stride) { partial[lid] += partial[lid + stride]; }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let l1 = partial[0].x * params.inv_count;
    let ssim = partial[0].y * params.inv_count;
    result[0] = (1.0 - params.ssim_weight) * l1 + params.ssim_weight * (1.0 - ssim);
    result[1] = l1;
    result[2] = ssim;
  }
}
