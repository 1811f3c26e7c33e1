// Adam over a whole PACKED parameter buffer in one dispatch (packed-adam.ts): the same update as
// adam.wgsl, with each attribute section's float range and bias-corrected learning rate in a table.
// Floats outside every listed section (alignment padding, sections not stepped now) are left alone.
struct Section {
  start: u32, // first float
  end: u32, // one past the last float
  lr_over_bc1: f32,
  inv_sqrt_bc2: f32,
}

struct Params {
  count: u32, // floats covered by the dispatch (the last section's end)
  clear_grad: u32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  sections: u32,
  _pad0: u32,
  _pad1: u32,
  table: array<Section, 8>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read_write> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> moment1: array<f32>;
@group(0) @binding(4) var<storage, read_write> moment2: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= params.count) { return; }
  var s = 8u;
  for (var k = 0u; k < params.sections; k++) {
    if (i >= params.table[k].start && i < params.table[k].end) { s = k; }
  }
  if (s == 8u) { return; }
  let lr_over_bc1 = params.table[s].lr_over_bc1;
  let inv_sqrt_bc2 = params.table[s].inv_sqrt_bc2;
  let g = grad[i];
  let m = params.beta1 * moment1[i] + (1.0 - params.beta1) * g;
  let v = params.beta2 * moment2[i] + (1.0 - params.beta2) * g * g;
  moment1[i] = m;
  moment2[i] = v;
  param[i] -= lr_over_bc1 * m / (sqrt(v) * inv_sqrt_bc2 + params.eps);
  if (params.clear_grad == 1u) { grad[i] = 0.0; }
}
