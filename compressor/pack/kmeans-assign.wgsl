// k-means assignment: each invocation finds the nearest centroid (squared Euclidean, ties -> lowest index)
// of one point with the search of nearest-centroid.ts: the point is rotated into the centroids' principal
// axes (basis cached in workgroup memory), scans the group whose centre is nearest first, then the other
// groups, skipping those out of reach (|q - centre| - radius > best distance); each distance is summed along
// axes of falling variance and abandoned once it exceeds the best. The winner's distance is recomputed in
// the original coordinates.
// Defines: DIMS (floats per point, <= 48).

struct Params {
  // Points of this dispatch: first .. end (indices into the page).
  end: u32,
  k: u32,
  // Invocations per dispatch row (x workgroups * 64), for 2D dispatches past 65535 workgroups.
  rowStride: u32,
  groups: u32,
  first: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> points: array<f32>;
@group(0) @binding(2) var<storage, read> centroids: array<f32>;
// [n] (label, bitcast<u32>(squared distance)) pairs: one output binding, because SwiftShader crashed
// (SIGABRT in its thread pool) running this kernel with two separate output buffers.
@group(0) @binding(3) var<storage, read_write> result: array<vec2u>;
// basis [DIMS * DIMS], group centres [groups * DIMS], group radii [groups], rotated centroids [k * DIMS].
@group(0) @binding(4) var<storage, read> indexF: array<f32>;
// group starts [groups + 1], original index of each sorted centroid [k].
@group(0) @binding(5) var<storage, read> indexU: array<u32>;

const WG: u32 = 64u;
const DIMS: u32 = ${DIMS}u;

var<workgroup> basis: array<f32, DIMS * DIMS>;

fn groupDistance(q: ptr<function, array<f32, DIMS>>, g: u32) -> f32 {
  let at = DIMS * DIMS + g * DIMS;
  var d = 0.0;
  for (var j = 0u; j < DIMS; j++) {
    let t = (*q)[j] - indexF[at + j];
    d += t * t;
  }
  return sqrt(d);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) lid: u32) {
  for (var e = lid; e < DIMS * DIMS; e += WG) { basis[e] = indexF[e]; }
  workgroupBarrier();
  let i = params.first + gid.y * params.rowStride + gid.x;
  if (i >= params.end) { return; }
  var p: array<f32, DIMS>;
  for (var j = 0u; j < DIMS; j++) { p[j] = points[i * DIMS + j]; }
  var q: array<f32, DIMS>;
  for (var r = 0u; r < DIMS; r++) {
    var s = 0.0;
    for (var j = 0u; j < DIMS; j++) { s += basis[r * DIMS + j] * p[j]; }
    q[r] = s;
  }
  let groups = params.groups;
  let radii = DIMS * DIMS + groups * DIMS;
  let rotated = radii + groups;
  var nearest = 0u;
  var nearestD = 3.4e38;
  for (var g = 0u; g < groups; g++) {
    let d = groupDistance(&q, g);
    if (d < nearestD) { nearestD = d; nearest = g; }
  }
  var best = 0u;
  var bestD = 3.4e38;
  for (var step = 0u; step <= groups; step++) {
    var g = nearest;
    if (step > 0u) {
      g = step - 1u;
      if (g == nearest) { continue; }
      // Out of reach by more than float32 rounding of the bound's terms.
      let toCentre = groupDistance(&q, g);
      let radius = indexF[radii + g];
      let reach = toCentre - radius - 1e-5 * (toCentre + radius);
      if (reach > 0.0 && reach * reach > bestD) { continue; }
    }
    let end = indexU[g + 1u];
    for (var at = indexU[g]; at < end; at++) {
      let base = rotated + at * DIMS;
      var d = 0.0;
      for (var j = 0u; j < DIMS; j++) {
        let t = q[j] - indexF[base + j];
        d += t * t;
        if (d > bestD) { break; }
      }
      let c = indexU[groups + 1u + at];
      if (d < bestD || (d == bestD && c < best)) { bestD = d; best = c; }
    }
  }
  var dist = 0.0;
  for (var j = 0u; j < DIMS; j++) {
    let t = p[j] - centroids[best * DIMS + j];
    dist += t * t;
  }
  result[i] = vec2u(best, bitcast<u32>(dist));
}
