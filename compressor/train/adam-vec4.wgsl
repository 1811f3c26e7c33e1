// Adam, in place on a flat f32 parameter buffer (PyTorch's torch.optim.Adam, no weight decay):
//   m = b1·m + (1 − b1)·g;  v = b2·v + (1 − b2)·g²
//   p −= (lr / bc1) · m / (sqrt(v) / sqrt(bc2) + eps),  bc1 = 1 − b1^t, bc2 = 1 − b2^t (host-computed)
// eps = 1e-15 as 3DGS: it only guards 0/0, so steps are ~lr even for tiny gradients.
// With clear_grad = 1 the gradient is zeroed after use, ready for the next accumulation window.
// Four values per invocation (vec4; count = vec4s): PackedAdam's sections, whose 64-float alignment
// leaves room for the last vec4; values past the section (`values`) are left untouched.
// On SwiftShader an invocation's fixed cost exceeds this arithmetic, and one vec4 access costs about
// what one f32 access does.
struct Params {
  count: u32,
  clear_grad: u32,
  lr_over_bc1: f32,
  inv_sqrt_bc2: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  values: u32, // f32 values in the section (the last vec4 may be partly outside it)
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> param: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> grad: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> moment1: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> moment2: array<vec4f>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= params.count) { return; }
  let inside = vec4u(i * 4u) + vec4u(0u, 1u, 2u, 3u) < vec4u(params.values);
  let g = grad[i];
  let m = params.beta1 * moment1[i] + (1.0 - params.beta1) * g;
  let v = params.beta2 * moment2[i] + (1.0 - params.beta2) * g * g;
  moment1[i] = select(moment1[i], m, inside);
  moment2[i] = select(moment2[i], v, inside);
  let p = param[i];
  param[i] = select(p, p - params.lr_over_bc1 * m / (sqrt(v) * params.inv_sqrt_bc2 + params.eps), inside);
  if (params.clear_grad == 1u) { grad[i] = select(g, vec4f(0.0), inside); }
}
