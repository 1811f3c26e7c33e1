// Loss stage 2: per pixel, the x-blurred moments blurred along y, then per channel the SSIM value and
// its partial derivatives with respect to the blurred quantities mu_x, E[x²], E[xy] (to be blurred
// again: the blur's adjoint), plus per-pixel sums of |x − y| and SSIM for the scalar loss.
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
@group(0) @binding(5) var<storage, read_write> partials: array<vec4f>; // [H·W·3] (3 partials, 0)
@group(0) @binding(6) var<storage, read_write> pixel_sums: array<f32>; // [H·W, 2]: Σc |x − y|, Σc SSIM

/** Rows per invocation: a column run of RUN pixels shares its RUN + 10 rows of x-blurred moments. */
const RUN = 8u;
const WINDOW = 18u; // RUN + 2·5

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let run = gid.x + gid.y * groups.x * 256u;
  let runs_y = (params.height + RUN - 1u) / RUN;
  if (run >= params.width * runs_y) { return; }
  let px = run % params.width;
  let py0 = (run / params.width) * RUN;
  let row = params.width * 3u; // values per image row
  var l1 = array<f32, RUN>();
  var ssim = array<f32, RUN>();
  for (var c = 0u; c < 3u; c++) {
    // The column's moments from row py0 − 5 to py0 + RUN + 4; rows outside the image are 0 (zero
    // padding: adding w·0 leaves each sum exactly as the tap-skipping loop had it).
    var m = array<vec4f, WINDOW>();
    var m_xy = array<f32, WINDOW>();
    for (var r = 0u; r < WINDOW; r++) {
      let py = i32(py0 + r) - 5;
      if (py >= 0 && py < i32(params.height)) {
        let j = u32(py) * row + px * 3u + c;
        m[r] = moments[j];
        m_xy[r] = moments_xy[j];
      }
    }
    for (var r = 0u; r < RUN; r++) {
      let py = py0 + r;
      if (py >= params.height) { break; }
      let i = (py * params.width + px) * 3u + c;
      l1[r] += abs(image[i] - target_image[i]);
      var b4 = TAPS[0] * m[r + 5u];
      var b_xy = TAPS[0] * m_xy[r + 5u];
      for (var k = 1u; k <= 5u; k++) {
        let w = TAPS[k];
        b4 += w * m[r + 5u - k];
        b_xy += w * m_xy[r + 5u - k];
        b4 += w * m[r + 5u + k];
        b_xy += w * m_xy[r + 5u + k];
      }
      let mx = b4.x;
      let my = b4.y;
      let exx = b4.z;
      let eyy = b4.w;
      let exy = b_xy;
      let a = 2.0 * mx * my + C1;
      let b = 2.0 * (exy - mx * my) + C2;
      let cc = mx * mx + my * my + C1;
      let d = exx - mx * mx + eyy - my * my + C2;
      let s = a * b / (cc * d);
      ssim[r] += s;
      // d/dmu_x: dA = 2my, dB = -2my, dC = 2mx, dD = -2mx
      partials[i] = vec4f(
        (2.0 * my * b - 2.0 * my * a) / (cc * d) - s / cc * (2.0 * mx) + s / d * (2.0 * mx),
        -s / d,
        2.0 * a / (cc * d),
        0.0,
      );
    }
  }
  for (var r = 0u; r < RUN; r++) {
    let py = py0 + r;
    if (py >= params.height) { break; }
    let pixel = py * params.width + px;
    pixel_sums[pixel * 2u] = l1[r];
    pixel_sums[pixel * 2u + 1u] = ssim[r];
  }
}
