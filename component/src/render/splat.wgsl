// Draws the depth-ordered splats by vertex pulling: one non-instanced draw (instancing costs ~30 us per
// instance on SwiftShader) of one triangle per splat, vertex v being corner v % 3 of splat order[v / 3].
// Each vertex projects its splat (EWA) and evaluates its SH colour from the packed record: nothing
// projected is stored per splat (the GPU memory that costs is what bounds scene size on phones). The
// triangle is the equilateral one around the cut-off ellipse (in the ellipse's own coordinates, where the
// cut-off is the unit circle, its corners lie at radius 2): 30% more fragments than the rectangle of the
// axes, but half the triangles and 3 vertices instead of 4.
// Fragments evaluate the 2D Gaussian in those coordinates (isotropic there, see splat_quad) and output
// premultiplied colour; splats arrive back-to-front and blend with "over" (src + dst * (1 - src alpha)).
#import math
#import projection
#import sh
#import splat_layout
#import splat_quad
#import frame_params

@group(0) @binding(0) var<uniform> camera: Camera;  // view rotation only (frame_params)
@group(0) @binding(1) var<uniform> frame: FrameParams;
@group(0) @binding(2) var<storage, read> splats: array<u32>;   // [count, SPLAT_WORDS]
@group(0) @binding(3) var<storage, read> sh_rest: array<u32>;  // [count, sh_words]
@group(0) @binding(4) var<storage, read> order: array<u32>;    // splat indices, back to front

struct VertexOut {
  @builtin(position) position: vec4f,
  // Coordinates along the half-axes times the exponent scale: alpha = opacity * exp2(-|w|^2).
  @location(0) w: vec2f,
  @location(1) @interpolate(flat) colour: vec4f, // rgb, opacity
}

// SH colour of splat `i` seen along `dir` (degree frame.sh_degree, never above the allocated one).
fn splat_colour(i: u32, dc: vec3f, dir: vec3f) -> vec3f {
  var sh: array<vec3f, 16>;
  sh[0] = dc;
  let degree = frame.sh_degree;
  if (degree > 0u) {
    let base = i * frame.sh_words;
    let scale = sh_rest_scale(sh_rest[base]);
    for (var k = 1u; k < sh_coefficient_count(degree); k++) {
      var c: vec3f;
      for (var ch = 0u; ch < 3u; ch++) {
        let bit = sh_rest_bit((k - 1u) * 3u + ch);
        let w = base + (bit >> 5u);
        let hi = select(0u, sh_rest[min(w + 1u, base + frame.sh_words - 1u)], (bit & 31u) > 26u);
        c[ch] = sh_rest_code(sh_rest[w], hi, bit);
      }
      sh[k] = c * scale;
    }
  }
  return sh_to_color(degree, dir, sh);
}

@vertex
fn vs(@builtin(vertex_index) v: u32) -> VertexOut {
  var out: VertexOut;
  out.position = vec4f(2.0, 2.0, 2.0, 1.0); // outside the clip volume: splats not drawn
  out.w = vec2f(0.0);
  out.colour = vec4f(0.0);
  let i = order[v / 3u];
  if (i >= frame.count) { return out; }
  var words: array<u32, ${SPLAT_WORDS}>;
  for (var k = 0u; k < ${SPLAT_WORDS}u; k++) { words[k] = splats[i * ${SPLAT_WORDS}u + k]; }
  let s = unpack_splat(words, frame.grid);
  let rel = s.mean - frame.eye;
  let p = project_gaussian(camera, rel, s.log_scale, s.quat, s.opacity_logit, frame.antialiased != 0u);
  if (!splat_drawn(p)) { return out; }
  let quad = ellipse_quad(p.conic, p.opacity);
  let corner = array<vec2f, 3>(vec2f(0.0, 2.0), vec2f(-1.7320508, -1.0), vec2f(1.7320508, -1.0))[v % 3u];
  let pixel = p.mean2d + corner.x * quad.major + corner.y * quad.minor;
  let size = vec2f(camera.size);
  // Pixels (+Y down) to clip space (+Y up).
  out.position = vec4f(pixel.x / size.x * 2.0 - 1.0, 1.0 - pixel.y / size.y * 2.0, 0.0, 1.0);
  out.w = corner * quad.scale;
  out.colour = vec4f(splat_colour(i, s.dc, view_direction(rel, vec3f(0.0))), p.opacity);
  return out;
}

@fragment
fn fs(in: VertexOut) -> @location(0) vec4f {
  // Alpha capped at 0.99 as in the reference rasterizer (keeps later splats visible through dense ones).
  let alpha = min(0.99, in.colour.a * exp2(-dot(in.w, in.w)));
  if (alpha < 1.0 / 255.0) { discard; }
  return vec4f(in.colour.rgb * alpha, alpha);
}
