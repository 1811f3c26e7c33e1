// Row gather for pruning and densification: dst[r, c] = src[index[r], c] for an [N, C] f32 buffer,
// or 0 where index[r] == 0xFFFFFFFF (NEW_ROW: fresh Adam moments, zero gradient); rows with
// index[r] == 0xFFFFFFFE (KEEP_ROW) are left as they are (their source is in another part of the scene).
// Out of place: an in-place gather races when rows move.
struct Params {
  rows: u32, // output rows
  columns: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> index: array<u32>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let e = gid.x + gid.y * groups.x * 256u;
  if (e >= params.rows * params.columns) { return; }
  let r = e / params.columns;
  let c = e - r * params.columns;
  let source_row = index[r];
  if (source_row == 0xFFFFFFFEu) { return; }
  if (source_row == 0xFFFFFFFFu) {
    dst[e] = 0.0;
  } else {
    dst[e] = src[source_row * params.columns + c];
  }
}
