// Viewer pre-pass, one thread per loaded Gaussian: cull, project (EWA), evaluate SH colour for the view
// direction, and append visible splats to a compact list with a back-to-front depth key.
// Projection and SH come from the shared modules so the viewer and the trainer agree exactly; the packed
// layouts are splat-layout.ts's (unpacked by splat_layout).
#import math
#import projection
#import sh
#import splat_layout

struct Params {
  count: u32,          // loaded Gaussians
  sh_degree: u32,      // evaluated degree: min(file degree, sh-degree attribute, allocated degree)
  sh_words: u32,       // u32 words of SH rest per Gaussian (the allocated degree's, splat-layout.ts)
  antialiased: u32,    // 1: Mip-Splatting opacity compensation
  // Depth key = (log2(depth) - key_offset) * key_scale, clamped to 16 bits: the camera-space depth range
  // of the scene's bounding box (from the CPU) spread over the key range, so 4 radix passes suffice.
  key_offset: f32,
  key_scale: f32,
}

@group(0) @binding(0) var<uniform> camera: Camera;
@group(0) @binding(1) var<uniform> params: Params;
@group(0) @binding(2) var<storage, read> splats: array<vec4u>;  // [count, SPLAT_WORDS / 4]
@group(0) @binding(3) var<storage, read> sh_rest: array<u32>;   // [count, sh_words]
// [visible slots, PROJECTED_WORDS] (pack_projected).
@group(0) @binding(4) var<storage, read_write> projected: array<u32>;
@group(0) @binding(5) var<storage, read_write> keys: array<u32>;
@group(0) @binding(6) var<storage, read_write> values: array<u32>;
// [0..3]: indirect draw args (written by the finalize pass), [4]: visible count.
@group(0) @binding(7) var<storage, read_write> counters: array<atomic<u32>>;

const WORKGROUP = 256u;
// The quad ends where alpha reaches QUAD_ALPHA_FACTOR * ALPHA_THRESHOLD (2/255) rather than 1/255: ~15%
// less quad area (the draw's cost on software GPUs is mostly per fragment) for faint tails that change
// any pixel by at most ~2/255 (e2e/reference.spec.ts bounds the difference to the reference). The value
// is cpu-project.ts's QUAD_ALPHA_FACTOR, substituted when the renderer composes this kernel.
const QUAD_ALPHA_FACTOR: f32 = ${QUAD_ALPHA_FACTOR};

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WORKGROUP;
  if (i >= params.count) { return; }
  let record = i * (${SPLAT_WORDS}u / 4u);
  let splat = unpack_splat(splats[record], splats[record + 1u]);
  let p = project_gaussian(camera, splat.mean, splat.log_scale, splat.quat, splat.opacity_logit, params.antialiased != 0u);
  if (!p.visible) { return; }
  // Splats fainter than the quad's cut-off level draw nothing: no slot, no sort key.
  let quad = ellipse_quad(p.conic, p.opacity);
  if (quad.scale <= 0.0) { return; }

  var sh: array<vec3f, 16>;
  sh[0] = splat.dc;
  let degree = params.sh_degree; // never above the allocated degree (splat-renderer.ts clamps it)
  let base = i * params.sh_words;
  for (var k = 1u; k < sh_coefficient_count(degree); k++) {
    let c = (k - 1u) * 3u;
    sh[k] = vec3f(sh_rest_byte(base, c), sh_rest_byte(base, c + 1u), sh_rest_byte(base, c + 2u)) * splat.sh_scale;
  }
  let colour = sh_to_color(degree, view_direction(splat.mean, camera_position(camera)), sh);

  let slot = atomicAdd(&counters[4], 1u);
  var words = pack_projected(p.mean2d, quad.major, length(quad.minor), vec4f(colour, p.opacity), quad.scale);
  for (var w = 0u; w < ${PROJECTED_WORDS}u; w++) { projected[slot * ${PROJECTED_WORDS}u + w] = words[w]; }
  // Ascending keys draw far splats first. Log depth: equal relative precision at every distance
  // (ln(far / near) / 65535, e.g. 2e-5 for far / near = 4).
  let q = clamp((log2(p.depth) - params.key_offset) * params.key_scale, 0.0, 65535.0);
  keys[slot] = 65535u - u32(q);
  values[slot] = slot;
}

// SH rest value `j` (coefficient-major, RGB interleaved) of the Gaussian whose words start at `base`, in
// units of its scale: byte j % 4 of word j / 4 as a signed normalized byte (no per-thread array).
fn sh_rest_byte(base: u32, j: u32) -> f32 {
  return unpack4x8snorm(sh_rest[base + j / 4u])[j % 4u];
}

struct Quad {
  major: vec2f,  // major half-axis, pixels
  minor: vec2f,  // minor half-axis, pixels
  // Corner coordinates (+-1 along each half-axis) times this give w with alpha = opacity * exp2(-|w|^2):
  // sqrt(P log2(e) / 2) for the cut-off at P standard deviations squared; 0 when nothing is drawn.
  scale: f32,
}

// The quad drawn for a splat: the rectangle spanned by the ellipse's axes out to where alpha reaches
// QUAD_ALPHA_FACTOR * ALPHA_THRESHOLD (tighter than the axis-aligned extent box for elongated splats, so
// fewer fragments are shaded; outside it alpha is below 2/255, see QUAD_ALPHA_FACTOR). In corner
// coordinates the Gaussian is isotropic, so the fragment shader needs no conic.
fn ellipse_quad(conic: vec3f, opacity: f32) -> Quad {
  // Covariance = inverse of the conic [[a, b], [b, c]].
  let det_conic = conic.x * conic.z - conic.y * conic.y;
  let cxx = conic.z / det_conic;
  let cxy = -conic.y / det_conic;
  let cyy = conic.x / det_conic;
  let mid = 0.5 * (cxx + cyy);
  let spread = sqrt(max(0.0, mid * mid - (cxx * cyy - cxy * cxy)));
  let major = mid + spread;
  let minor = max(mid - spread, 0.0);
  // Eigenvector of the major eigenvalue; (1, 0) when the covariance is (nearly) isotropic.
  var dir = vec2f(cxy, major - cxx);
  if (abs(cxy) < 1e-7 * major) { dir = select(vec2f(0.0, 1.0), vec2f(1.0, 0.0), cxx >= cyy); }
  dir = normalize(dir);
  // alpha = opacity exp(-d^2 / 2) along an axis, in standard deviations d: threshold at d^2 = P.
  let p2 = max(0.0, 2.0 * log(opacity / (QUAD_ALPHA_FACTOR * ALPHA_THRESHOLD)));
  var q: Quad;
  q.major = dir * sqrt(p2 * major);
  q.minor = vec2f(-dir.y, dir.x) * sqrt(p2 * minor);
  q.scale = sqrt(p2 * 0.5 * 1.4426950408889634);
  return q;
}
