// Unpacking of the viewer's packed splat records and SH rest (`#import splat_layout`); the layout, and
// the TypeScript that writes it, are in splat-layout.ts (SPLAT_WORDS comes from there as a define).

struct Splat {
  mean: vec3f,
  log_scale: vec3f,
  quat: vec4f,        // w, x, y, z (unit length)
  opacity_logit: f32,
  dc: vec3f,
}

// `grid`: log-scale min, step; SH DC min, step (FrameParams.grid).
fn unpack_splat(w: array<u32, ${SPLAT_WORDS}>, grid: vec4f) -> Splat {
  var s: Splat;
  s.mean = bitcast<vec3f>(vec3u(w[0], w[1], w[2]));
  s.quat = unpack_rotation(w[3]);
  let shifts = vec3u(0u, 9u, 18u);
  s.log_scale = grid.x + vec3f((vec3u(w[4]) >> shifts) & vec3u(511u)) * grid.y;
  s.dc = grid.z + vec3f((vec3u(w[5]) >> shifts) & vec3u(511u)) * grid.w;
  let a = f32(opacity_code(w)) / 255.0;
  s.opacity_logit = log(max(a, 1e-8) / max(1.0 - a, 1e-8));
  return s;
}

// The 8-bit opacity code, sigmoid(logit) * 255 (high 5 bits in w4, low 3 in w5).
fn opacity_code(w: array<u32, ${SPLAT_WORDS}>) -> u32 {
  return ((w[4] >> 27u) << 3u) | ((w[5] >> 27u) & 7u);
}

// Smallest three (smallest-three.ts): bits 0-1 the index of the largest component, then three 10-bit
// unorms of [-1/sqrt2, 1/sqrt2] in component order.
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

// SH rest scale (bits 0-15 of a Gaussian's first SH word) per unit of a coefficient code.
fn sh_rest_scale(first_word: u32) -> f32 {
  return unpack2x16float(first_word).x / 31.0;
}

// Bit offset of SH rest coefficient `j` (coefficient-major, RGB interleaved) in a Gaussian's words.
fn sh_rest_bit(j: u32) -> u32 {
  return 16u + 6u * j;
}

// The signed code at bit `bit & 31` of `lo` (continuing into `hi` when it straddles the word boundary).
fn sh_rest_code(lo: u32, hi: u32, bit: u32) -> f32 {
  let shift = bit & 31u;
  var v = lo >> shift;
  if (shift > 26u) { v |= hi << (32u - shift); }
  return f32(max(bitcast<i32>(v << 26u) >> 26u, -31));
}
