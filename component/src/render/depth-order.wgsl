// Back-to-front order of the drawn splats, by a counting sort on 16-bit log-depth keys: `count` builds
// the keys' histogram, `scan` turns it into each key's first slot (and the indirect draw arguments),
// `scatter` writes every drawn splat's index into its key's next slot. The keys are recomputed in
// `scatter` rather than stored (same function, same inputs), so the only per-splat buffer is the order
// itself; the histogram is a fixed 256 KiB. No CPU readback.
#import math
#import projection
#import splat_layout
#import splat_quad
#import frame_params

@group(0) @binding(0) var<uniform> camera: Camera;  // view rotation only (frame_params)
@group(0) @binding(1) var<uniform> frame: FrameParams;
@group(0) @binding(2) var<storage, read> splats: array<u32>;  // [count, SPLAT_WORDS]
// [0..3]: indirect draw args (vertexCount, instanceCount, firstVertex, firstInstance); [4 + key]: the
// histogram, then (after `scan`) each key's next free slot.
@group(0) @binding(3) var<storage, read_write> counters: array<atomic<u32>>;
@group(0) @binding(4) var<storage, read_write> order: array<u32>;  // [drawn splats] splat indices

const WORKGROUP = 256u;
const KEYS = 65536u;
const BINS = 4u;  // first histogram word
const NO_KEY = 0xffffffffu;
// Opacity codes (n / 255) at or below the quad's cut-off QUAD_ALPHA_FACTOR * ALPHA_THRESHOLD = 2 / 255.
const FAINTEST_DRAWN_CODE = 2u;

// Ascending keys draw far splats first. Log depth: equal relative precision at every distance
// (ln(far / near) / 65535, e.g. 2e-5 for far / near = 4). NO_KEY: not drawn.
fn depth_key(i: u32) -> u32 {
  var w: array<u32, ${SPLAT_WORDS}>;
  for (var k = 0u; k < ${SPLAT_WORDS}u; k++) { w[k] = splats[i * ${SPLAT_WORDS}u + k]; }
  // Too faint to be drawn whatever the view (the antialiasing compensation only lowers opacity): no
  // projection. Large files hold many such specks.
  if (opacity_code(w) <= FAINTEST_DRAWN_CODE) { return NO_KEY; }
  let s = unpack_splat(w, frame.grid);
  let p = project_gaussian(camera, s.mean - frame.eye, s.log_scale, s.quat, s.opacity_logit, frame.antialiased != 0u);
  if (!splat_drawn(p)) { return NO_KEY; }
  let q = clamp((log2(p.depth) - frame.key_offset) * frame.key_scale, 0.0, 65535.0);
  return 65535u - u32(q);
}

fn splat_index(gid: vec3u, groups: vec3u) -> u32 {
  return gid.x + gid.y * groups.x * WORKGROUP;
}

@compute @workgroup_size(256)
fn count(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = splat_index(gid, groups);
  if (i >= frame.count) { return; }
  let key = depth_key(i);
  if (key != NO_KEY) { atomicAdd(&counters[BINS + key], 1u); }
}

var<workgroup> partial: array<u32, 256>;

// One workgroup: thread t owns keys [t * 256, t * 256 + 256).
@compute @workgroup_size(256)
fn scan(@builtin(local_invocation_index) t: u32) {
  let first = BINS + t * (KEYS / WORKGROUP);
  var sum = 0u;
  for (var k = 0u; k < KEYS / WORKGROUP; k++) { sum += atomicLoad(&counters[first + k]); }
  partial[t] = sum;
  workgroupBarrier();
  for (var offset = 1u; offset < WORKGROUP; offset *= 2u) {
    let add = select(0u, partial[max(t, offset) - offset], t >= offset);
    workgroupBarrier();
    partial[t] += add;
    workgroupBarrier();
  }
  var slot = partial[t] - sum;
  for (var k = 0u; k < KEYS / WORKGROUP; k++) {
    let n = atomicLoad(&counters[first + k]);
    atomicStore(&counters[first + k], slot);
    slot += n;
  }
  if (t == WORKGROUP - 1u) {
    atomicStore(&counters[0], slot * 3u);  // one triangle per drawn splat
    atomicStore(&counters[1], 1u);
    atomicStore(&counters[2], 0u);
    atomicStore(&counters[3], 0u);
  }
}

@compute @workgroup_size(256)
fn scatter(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = splat_index(gid, groups);
  if (i >= frame.count) { return; }
  let key = depth_key(i);
  if (key == NO_KEY) { return; }
  let slot = atomicAdd(&counters[BINS + key], 1u);
  if (slot < frame.count) { order[slot] = i; }
}
