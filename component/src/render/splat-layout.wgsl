// Unpacking of the viewer's packed splat records and projected slots (`#import splat_layout`); the
// layouts, and the TypeScript that writes them, are in splat-layout.ts (the word counts come from there
// as the SPLAT_WORDS / PROJECTED_WORDS defines).

struct Splat {
  mean: vec3f,
  log_scale: vec3f,
  quat: vec4f,        // w, x, y, z (unit length)
  opacity_logit: f32,
  dc: vec3f,
  sh_scale: f32,      // SH rest coefficient = snorm8 byte * sh_scale
}

// Record words w0-3 and w4-7 (splat-layout.ts).
fn unpack_splat(a: vec4u, b: vec4u) -> Splat {
  var s: Splat;
  s.mean = bitcast<vec3f>(a.xyz);
  let scale_xy = unpack2x16float(a.w);
  let scale_z_opacity = unpack2x16float(b.x);
  s.log_scale = vec3f(scale_xy, scale_z_opacity.x);
  s.opacity_logit = scale_z_opacity.y;
  s.quat = unpack_rotation(b.y);
  let dc_rg = unpack2x16float(b.z);
  let dc_b_scale = unpack2x16float(b.w);
  s.dc = vec3f(dc_rg, dc_b_scale.x);
  s.sh_scale = dc_b_scale.y;
  return s;
}

// Smallest three: bits 0-1 the index of the largest component, then three 10-bit unorms of
// [-1/sqrt2, 1/sqrt2] in component order.
fn unpack_rotation(word: u32) -> vec4f {
  let rest = (vec3f(vec3u(word >> 2u, word >> 12u, word >> 22u) & vec3u(1023u)) / 1023.0 - 0.5) * 1.4142135623730951;
  let big = sqrt(max(0.0, 1.0 - dot(rest, rest)));
  switch (word & 3u) {
    case 0u: { return vec4f(big, rest); }
    case 1u: { return vec4f(rest.x, big, rest.yz); }
    case 2u: { return vec4f(rest.xy, big, rest.z); }
    default: { return vec4f(rest, big); }
  }
}

// Projected slot words w0-1, w2-5 (splat-layout.ts).
struct ProjectedSplat {
  centre: vec2f,        // pixels
  major: vec2f,         // major half-axis, pixels
  minor: vec2f,         // minor half-axis, pixels (perpendicular to the major one)
  colour: vec4f,        // rgb, opacity
  exponent_scale: f32,
}

fn pack_projected(centre: vec2f, major: vec2f, minor_length: f32, colour: vec4f, exponent_scale: f32) -> array<u32, ${PROJECTED_WORDS}> {
  return array<u32, ${PROJECTED_WORDS}>(
    bitcast<u32>(centre.x),
    bitcast<u32>(centre.y),
    pack2x16float(major),
    pack2x16float(vec2f(minor_length, colour.a)),
    pack2x16float(colour.rg),
    pack2x16float(vec2f(colour.b, exponent_scale)),
  );
}

fn unpack_projected(w: array<u32, ${PROJECTED_WORDS}>) -> ProjectedSplat {
  var p: ProjectedSplat;
  p.centre = bitcast<vec2f>(vec2u(w[0], w[1]));
  p.major = unpack2x16float(w[2]);
  let minor_opacity = unpack2x16float(w[3]);
  let length_major = length(p.major);
  p.minor = select(vec2f(0.0), vec2f(-p.major.y, p.major.x) * (minor_opacity.x / length_major), length_major > 0.0);
  let rg = unpack2x16float(w[4]);
  let b_scale = unpack2x16float(w[5]);
  p.colour = vec4f(rg, b_scale.x, minor_opacity.y);
  p.exponent_scale = b_scale.y;
  return p;
}
