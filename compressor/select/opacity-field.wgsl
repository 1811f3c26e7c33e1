// Natural-selection field, stage 2: adds dR/dv to the opacity-logit gradient, given the mean from stage 1.
//   prior-free   R = w·m²,  m = mean((v + 20) / r), r = max(0.05, 1 - a):
//                dR/dv_i = 2·w·m/N · (1/r + (v + 20)·a(1 - a)/r²)   [second term only where 1 - a > 0.05,
//                and not when the denominator is detached; the reference differentiates through it]
//   finite-prior R = 3w·(mean(v) + 20)²:  dR/dv_i = 6·w·(mean(v) + 20)/N
struct Params {
  count: u32, // Gaussians in this binding
  kind: u32,
  weight: f32,
  detach: u32,
  total: u32, // Gaussians in the whole scene (N of the mean; > count when the scene is held in parts)
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read_write> gradient: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= params.count) { return; }
  let n = f32(params.total);
  let m = mean[0];
  if (params.kind == 1u) {
    gradient[i] += 6.0 * params.weight * (m + 20.0) / n;
    return;
  }
  let v = logits[i];
  let a = 1.0 / (1.0 + exp(-v));
  let r = max(0.05, 1.0 - a);
  var d = 1.0 / r;
  if (params.detach == 0u && 1.0 - a > 0.05) {
    d += (v + 20.0) * a * (1.0 - a) / (r * r);
  }
  gradient[i] += 2.0 * params.weight * m / n * d;
}
