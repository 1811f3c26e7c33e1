// Draws the sorted visible splats by vertex pulling: vertex v is corner v % 6 of splat v / 6 in the
// sorted order (one non-instanced draw with an indirect count; instancing costs ~30 us per instance on
// SwiftShader). Fragments evaluate the 2D Gaussian and output premultiplied colour; splats arrive
// back-to-front and blend with "over" (src + dst * (1 - src alpha)).

struct Viewport {
  size: vec2f,     // render target in pixels
  _pad: vec2f,
}

@group(0) @binding(0) var<uniform> viewport: Viewport;
@group(0) @binding(1) var<storage, read> projected: array<vec4f>;
@group(0) @binding(2) var<storage, read> order: array<u32>;

struct VertexOut {
  @builtin(position) position: vec4f,
  @location(0) offset: vec2f,        // pixels from the splat centre
  @location(1) @interpolate(flat) conic: vec3f,
  @location(2) @interpolate(flat) colour: vec4f, // rgb, opacity
}

@vertex
fn vs(@builtin(vertex_index) v: u32) -> VertexOut {
  let slot = order[v / 6u];
  let corner_id = v % 6u;
  // Two triangles: (0,1,2) (2,1,3) over corners (-1,-1) (1,-1) (-1,1) (1,1).
  let c = array<u32, 6>(0u, 1u, 2u, 2u, 1u, 3u)[corner_id];
  let corner = vec2f(f32(c & 1u) * 2.0 - 1.0, f32(c >> 1u) * 2.0 - 1.0);
  let a = projected[slot * 3u];
  let b = projected[slot * 3u + 1u];
  let rgb = projected[slot * 3u + 2u];
  // Rectangle spanned by the ellipse's axes: major half-axis a.zw, minor half-axis length rgb.w.
  let major = a.zw;
  let minor = vec2f(-major.y, major.x) * (rgb.w / max(length(major), 1e-20));
  let offset = corner.x * major + corner.y * minor;
  let pixel = a.xy + offset;
  var out: VertexOut;
  // Pixels (+Y down) to clip space (+Y up).
  out.position = vec4f(pixel.x / viewport.size.x * 2.0 - 1.0, 1.0 - pixel.y / viewport.size.y * 2.0, 0.0, 1.0);
  out.offset = offset;
  out.conic = b.xyz;
  out.colour = vec4f(rgb.xyz, b.w);
  return out;
}

@fragment
fn fs(in: VertexOut) -> @location(0) vec4f {
  let d = in.offset;
  let power = -0.5 * (in.conic.x * d.x * d.x + in.conic.z * d.y * d.y) - in.conic.y * d.x * d.y;
  // Alpha capped at 0.99 as in the reference rasterizer (keeps later splats visible through dense ones).
  let alpha = min(0.99, in.colour.a * exp(power));
  if (power > 0.0 || alpha < 1.0 / 255.0) { discard; }
  return vec4f(in.colour.rgb * alpha, alpha);
}
