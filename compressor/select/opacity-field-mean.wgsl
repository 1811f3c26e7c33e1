// Natural-selection field, stage 1: the mean over all Gaussians of the field's inner term
// (prior-free: (v + 20) / max(0.05, 1 - a); finite-prior: v). One workgroup strides over every logit and
// reduces in workgroup memory: it runs once every 50 iterations, so a single-workgroup pass is cheap.
struct Params {
  count: u32,
  kind: u32, // 0 prior-free, 1 finite-prior
  weight: f32,
  detach: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read_write> mean: array<f32>;

var<workgroup> partial: array<f32, 256>;

fn inner_term(v: f32) -> f32 {
  if (params.kind == 1u) { return v; }
  let a = 1.0 / (1.0 + exp(-v));
  return (v + 20.0) / max(0.05, 1.0 - a);
}

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) lid: u32) {
  var sum = 0.0;
  for (var i = lid; i < params.count; i += 256u) {
    sum += inner_term(logits[i]);
  }
  partial[lid] = sum;
  workgroupBarrier();
  for (var stride = 128u; stride > 0u; stride >>= 1u) {
    if (lid < stride) { partial[lid] += partial[lid + stride]; }
    workgroupBarrier();
  }
  if (lid == 0u) { mean[0] = partial[0] / f32(params.count); }
}
