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

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let pixel = gid.x + gid.y * groups.x * 256u;
  if (pixel >= params.width * params.height) { return; }
  let py = i32(pixel / params.width);
  let row = params.width * 3u; // values per image row
  var l1 = 0.0;
  var ssim = 0.0;
  for (var c = 0u; c < 3u; c++) {
    let i = pixel * 3u + c;
    l1 += abs(image[i] - target_image[i]);
    var m = TAPS[0] * moments[i];
    var m_xy = TAPS[0] * moments_xy[i];
    for (var k = 1; k <= 5; k++) {
      let w = TAPS[k];
      if (py - k >= 0) {
        let j = i - u32(k) * row;
        m += w * moments[j];
        m_xy += w * moments_xy[j];
      }
      if (py + k < i32(params.height)) {
        let j = i + u32(k) * row;
        m += w * moments[j];
        m_xy += w * moments_xy[j];
      }
    }
    let mx = m.x;
    let my = m.y;
    let exx = m.z;
    let eyy = m.w;
    let exy = m_xy;
    let a = 2.0 * mx * my + C1;
    let b = 2.0 * (exy - mx * my) + C2;
    let cc = mx * mx + my * my + C1;
    let d = exx - mx * mx + eyy - my * my + C2;
    let s = a * b / (cc * d);
    ssim += s;
    // d/dmu_x: dA = 2my, dB = -2my, dC = 2mx, dD = -2mx
    partials[i] = vec4f(
      (2.0 * my * b - 2.0 * my * a) / (cc * d) - s / cc * (2.0 * mx) + s / d * (2.0 * mx),
      -s / d,
      2.0 * a / (cc * d),
      0.0,
    );
  }
  pixel_sums[pixel * 2u] = l1;
  pixel_sums[pixel * 2u + 1u] = ssim;
}
