// k-means assignment: each invocation finds the nearest centroid (squared Euclidean, ties -> lowest index)
// of one point. Centroids are streamed through workgroup memory in tiles of TILE, so every centroid value
// is read from storage once per workgroup instead of once per point.
// Defines: DIMS (floats per point, <= 48).

struct Params {
  n: u32,
  k: u32,
  // Invocations per dispatch row (x workgroups * 64), for 2D dispatches past 65535 workgroups.
  rowStride: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> points: array<f32>;
@group(0) @binding(2) var<storage, read> centroids: array<f32>;
// [n] (label, bitcast<u32>(squared distance)) pairs: one output binding, because SwiftShader crashed
// (SIGABRT in its thread pool) running this kernel with two separate output buffers.
@group(0) @binding(3) var<storage, read_write> result: array<vec2u>;

const WG: u32 = 64u;
const TILE: u32 = 64u;
const DIMS: u32 = ${DIMS}u;

var<workgroup> tile: array<f32, TILE * DIMS>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = gid.y * params.rowStride + gid.x;
  let valid = i < params.n;
  var p: array<f32, DIMS>;
  if (valid) {
    for (var j = 0u; j < DIMS; j++) { p[j] = points[i * DIMS + j]; }
  }
  var best = 0u;
  var bestD = 3.4e38;
  for (var t0 = 0u; t0 < params.k; t0 += TILE) {
    let count = min(TILE, params.k - t0);
    workgroupBarrier();
    for (var e = lid; e < count * DIMS; e += WG) { tile[e] = centroids[t0 * DIMS + e]; }
    workgroupBarrier();
    if (valid) {
      for (var c = 0u; c < count; c++) {
        var d = 0.0;
        for (var j = 0u; j < DIMS; j++) {
          let t = p[j] - tile[c * DIMS + j];
          d += t * t;
        }
        if (d < bestD) { bestD = d; best = t0 + c; }
      }
    }
  }
  if (valid) {
    result[i] = vec2u(best, bitcast<u32>(bestD));
  }
}
