// Draws the sorted visible splats by vertex pulling: one non-instanced draw (instancing costs ~30 us per
// instance on SwiftShader) of one triangle per splat, vertex v being corner v % 3 of splat v / 3 in the
// sorted order. The triangle is the equilateral one around the cut-off ellipse (in the ellipse's own
// coordinates, where the cut-off is the unit circle, its corners lie at radius 2): 30% more fragments
// than the rectangle of the axes, but half the triangles and 3 vertices instead of 4, and on SwiftShader
// the per-splat costs dominate (measured with e2e/profile-view.ts, browser CPU per draw: playbot
// 1.0-1.4 s vs 1.4-1.6 s for indexed quads, biker 0.50-0.56 s vs 0.63-0.86 s).
// Fragments evaluate the 2D Gaussian in those coordinates (isotropic there, see preprocess.wgsl's
// ellipse_quad) and output premultiplied colour; splats arrive back-to-front and blend with "over"
// (src + dst * (1 - src alpha)).
#import splat_layout

struct Viewport {
  size: vec2f,     // render target in pixels
  _pad: vec2f,
}

@group(0) @binding(0) var<uniform> viewport: Viewport;
// [slots, PROJECTED_WORDS] (splat-layout.ts, unpack_projected).
@group(0) @binding(1) var<storage, read> projected: array<u32>;
@group(0) @binding(2) var<storage, read> order: array<u32>;

struct VertexOut {
  @builtin(position) position: vec4f,
  // Coordinates along the half-axes times the exponent scale: alpha = opacity * exp2(-|w|^2).
  @location(0) w: vec2f,
  @location(1) @interpolate(flat) colour: vec4f, // rgb, opacity
}

@vertex
fn vs(@builtin(vertex_index) v: u32) -> VertexOut {
  let slot = order[v / 3u];
  let corner = array<vec2f, 3>(vec2f(0.0, 2.0), vec2f(-1.7320508, -1.0), vec2f(1.7320508, -1.0))[v % 3u];
  var words: array<u32, ${PROJECTED_WORDS}>;
  for (var w = 0u; w < ${PROJECTED_WORDS}u; w++) { words[w] = projected[slot * ${PROJECTED_WORDS}u + w]; }
  let p = unpack_projected(words);
  let pixel = p.centre + corner.x * p.major + corner.y * p.minor;
  var out: VertexOut;
  // Pixels (+Y down) to clip space (+Y up).
  out.position = vec4f(pixel.x / viewport.size.x * 2.0 - 1.0, 1.0 - pixel.y / viewport.size.y * 2.0, 0.0, 1.0);
  out.w = corner * p.exponent_scale;
  out.colour = p.colour;
  return out;
}

@fragment
fn fs(in: VertexOut) -> @location(0) vec4f {
  // Alpha capped at 0.99 as in the reference rasterizer (keeps later splats visible through dense ones).
  let alpha = min(0.99, in.colour.a * exp2(-dot(in.w, in.w)));
  if (alpha < 1.0 / 255.0) { discard; }
  return vec4f(in.colour.rgb * alpha, alpha);
}
