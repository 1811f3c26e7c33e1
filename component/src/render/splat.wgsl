// Draws the sorted visible splats by vertex pulling: one non-instanced indexed draw (instancing costs
// ~30 us per instance on SwiftShader) whose index buffer lists 4s, 4s+1, 4s+2, 4s+2, 4s+1, 4s+3 for the
// s-th splat, so vertex v is corner v % 4 of splat v / 4 in the sorted order and each corner is shaded
// once (the repeated indices hit the vertex cache: 4 vertex invocations per splat, not 6).
// Fragments evaluate the 2D Gaussian in the quad's own coordinates (isotropic there, see
// preprocess.wgsl's ellipse_quad) and output premultiplied colour; splats arrive back-to-front and blend
// with "over" (src + dst * (1 - src alpha)).

struct Viewport {
  size: vec2f,     // render target in pixels
  _pad: vec2f,
}

@group(0) @binding(0) var<uniform> viewport: Viewport;
// Per slot: (centre px, major half-axis px), (minor half-axis px, exponent scale, 0), (rgb, opacity).
@group(0) @binding(1) var<storage, read> projected: array<vec4f>;
@group(0) @binding(2) var<storage, read> order: array<u32>;

struct VertexOut {
  @builtin(position) position: vec4f,
  // Corner coordinates (+-1) times the exponent scale: alpha = opacity * exp2(-|w|^2).
  @location(0) w: vec2f,
  @location(1) @interpolate(flat) colour: vec4f, // rgb, opacity
}

@vertex
fn vs(@builtin(vertex_index) v: u32) -> VertexOut {
  let slot = order[v >> 2u];
  let corner = vec2f(f32(v & 1u) * 2.0 - 1.0, f32((v >> 1u) & 1u) * 2.0 - 1.0);
  let a = projected[slot * 3u];
  let b = projected[slot * 3u + 1u];
  let pixel = a.xy + corner.x * a.zw + corner.y * b.xy;
  var out: VertexOut;
  // Pixels (+Y down) to clip space (+Y up).
  out.position = vec4f(pixel.x / viewport.size.x * 2.0 - 1.0, 1.0 - pixel.y / viewport.size.y * 2.0, 0.0, 1.0);
  out.w = corner * b.z;
  out.colour = projected[slot * 3u + 2u];
  return out;
}

@fragment
fn fs(in: VertexOut) -> @location(0) vec4f {
  // Alpha capped at 0.99 as in the reference rasterizer (keeps later splats visible through dense ones).
  let alpha = min(0.99, in.colour.a * exp2(-dot(in.w, in.w)));
  if (alpha < 1.0 / 255.0) { discard; }
  return vec4f(in.colour.rgb * alpha, alpha);
}
