// Loss stage 2: one invocation per (column, channel) walks the column: the x-blurred moments blurred
// along y, then per value the SSIM and its partial derivatives with respect to the blurred quantities
// mu_x, E[x²], E[xy], and those partials blurred along y (the first half of the blur's adjoint, which
// is the same separable blur: stage 3 blurs along x). Also the column's sums of |x − y| and SSIM for
// the scalar loss.
//   s = A·B / (C·D), A = 2·mx·my + C1, B = 2(E[xy] − mx·my) + C2, C = mx² + my² + C1,
//   D = E[x²] − mx² + E[y²] − my² + C2
#import loss_params
#import loss_taps

const C1 = 0.0001; // 0.01²
const C2 = 0.0009; // 0.03²

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> image: array<f32>;
@group(0) @binding(2) var<storage, read> target_image: array<f32>;
@group(0) @binding(3) var<storage, read> moments: array<vec4f>; // x-blurred (x, y, x², y²) [H·W·3]
@group(0) @binding(4) var<storage, read> moments_xy: array<f32>; // x-blurred xy [H·W·3]
@group(0) @binding(5) var<storage, read_write> partials: array<vec4f>; // y-blurred partials [H·W·3] (3 partials, 0)
@group(0) @binding(6) var<storage, read_write> line_sums: array<f32>; // [W·3, 2]: Σ |x − y|, Σ SSIM of the column

@compute @workgroup_size(LINE_WORKGROUP)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let line = gid.x; // column · 3 + channel
  let width = params.width;
  let height = params.height;
  if (line >= width * 3u) { return; }
  let row = width * 3u; // values per image row
  var win = Window4();
  var win_xy = Window1();
  var win_p = Window4();
  var l1 = 0.0;
  var ssim = 0.0;
  // Step p shifts in the moments of row p, computes the partials of row p − 5 (the moment window's
  // centre) and shifts them into win_p, whose centre is then row p − 10: the y-blurred partials there.
  // Branch-free steps (see loss-moments.wgsl): clamped reads replaced by 0 outside the column, rows
  // outside it contribute 0 to the sums and partials, and for p < 10 the store goes to row 0, which
  // step 10 overwrites.
  for (var p = 0u; p < height + 10u; p++) {
    let j = line + min(p, height - 1u) * row;
    let inside = p < height;
    win = shift4(win, select(vec4f(0.0), moments[j], inside));
    win_xy = shift1(win_xy, select(0.0, moments_xy[j], inside));
    let valid = (p >= 5u) & (p < height + 5u); // row p − 5 is in the image
    let i = line + min(max(p, 5u) - 5u, height - 1u) * row;
    let b4 = blur4(win);
    let mx = b4.x;
    let my = b4.y;
    let exx = b4.z;
    let eyy = b4.w;
    let exy = blur1(win_xy);
    let a = 2.0 * mx * my + C1;
    let b = 2.0 * (exy - mx * my) + C2;
    let cc = mx * mx + my * my + C1;
    let d = exx - mx * mx + eyy - my * my + C2;
    let s = a * b / (cc * d);
    l1 += select(0.0, abs(image[i] - target_image[i]), valid);
    ssim += select(0.0, s, valid);
    // d/dmu_x: dA = 2my, dB = -2my, dC = 2mx, dD = -2mx
    let partial = vec4f(
      (2.0 * my * b - 2.0 * my * a) / (cc * d) - s / cc * (2.0 * mx) + s / d * (2.0 * mx),
      -s / d,
      2.0 * a / (cc * d),
      0.0,
    );
    win_p = shift4(win_p, select(vec4f(0.0), partial, valid));
    partials[line + (max(p, 10u) - 10u) * row] = blur4(win_p);
  }
  line_sums[line * 2u] = l1;
  line_sums[line * 2u + 1u] = ssim;
}
