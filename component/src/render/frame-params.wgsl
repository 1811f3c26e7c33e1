// The per-frame values every viewer pass reads (`#import frame_params`); frame-params.ts writes them.
// Means are made camera-relative (mean - eye, in float32) before anything else, and the Camera uniform
// holds the view rotation only: no large translation cancels against large coordinates far from the
// origin.
struct FrameParams {
  eye: vec3f,          // camera position, world units
  count: u32,          // loaded Gaussians
  sh_degree: u32,      // evaluated degree: min(file degree, sh-degree attribute, allocated degree)
  sh_words: u32,       // u32 words of SH rest per Gaussian (the allocated degree's, splat-layout.ts)
  antialiased: u32,    // 1: Mip-Splatting opacity compensation
  // Depth key = (log2(depth) - key_offset) * key_scale, clamped to 16 bits: the camera-space depth range
  // of the scene's bounding box (from the CPU) spread over the key range.
  key_offset: f32,
  key_scale: f32,
  grid: vec4f,         // log-scale min, step; SH DC min, step (splat-layout.ts's SplatGrids)
}
