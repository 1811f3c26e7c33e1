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
  for (var p = 0u; p < height + 10u; p++) {
    if (p < height + 5u) {
      var v = vec4f(0.0);
      var v_xy = 0.0;
      if (p < height) {
        v = moments[line + p * row];
        v_xy = moments_xy[line + p * row];
      }
      win = shift4(win, v);
      win_xy = shift1(win_xy, v_xy);
    }
    if (p < 5u) { continue; }
    var partial = vec4f(0.0);
    if (p < height + 5u) {
      let i = line + (p - 5u) * row;
      l1 += abs(image[i] - target_image[i]);
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
      ssim += s;
      // d/dmu_x: dA = 2my, dB = -2my, dC = 2mx, dD = -2mx
      partial = vec4f(
        (2.0 * my * b - 2.0 * my * a) / (cc * d) - s / cc * (2.0 * mx) + s / d * (2.0 * mx),
        -s / d,
        2.0 * a / (cc * d),
        0.0,
      );
    }
    win_p = shift4(win_p, partial);
    if (p >= 10u) {
      partials[line + (p - 10u) * row] = blur4(win_p);
    }
  }
  line_sums[line * 2u] = l1;
  line_sums[line * 2u + 1u] = ssim;
}
