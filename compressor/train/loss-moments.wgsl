// Loss stage 1: per pixel and channel, the five SSIM moments x, y, x², y², xy (x = rendered image,
// y = target) blurred along x: (x, y, x², y²) as one vec4 per value [H·W·3] and xy in a second buffer
// [H·W·3]. One invocation per (row, channel) walks the row with sliding windows (loss-taps.wgsl).
#import loss_params
#import loss_taps

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> image: array<f32>;
@group(0) @binding(2) var<storage, read> target_image: array<f32>;
@group(0) @binding(3) var<storage, read_write> moments: array<vec4f>; // (x, y, x², y²)
@group(0) @binding(4) var<storage, read_write> moments_xy: array<f32>;

@compute @workgroup_size(LINE_WORKGROUP)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let line = gid.x; // row · 3 + channel
  if (line >= params.height * 3u) { return; }
  let width = params.width;
  let base = (line / 3u) * width * 3u + line % 3u; // value index of the row's first pixel
  var win = Window4();
  var win_xy = Window1();
  // Shift in position p; once p >= 5 the window is centred on pixel p − 5. The body is branch-free (on
  // SwiftShader each basic block of a loop costs about as much as this maths): reads past the row's end
  // are clamped and replaced by 0; for p < 5 the store goes to pixel 0, which step 5 then overwrites.
  for (var p = 0u; p < width + 5u; p++) {
    let i = base + min(p, width - 1u) * 3u;
    let x = image[i];
    let y = target_image[i];
    let inside = p < width;
    win = shift4(win, select(vec4f(0.0), vec4f(x, y, x * x, y * y), inside));
    win_xy = shift1(win_xy, select(0.0, x * y, inside));
    let o = base + (max(p, 5u) - 5u) * 3u;
    moments[o] = blur4(win);
    moments_xy[o] = blur1(win_xy);
  }
}
