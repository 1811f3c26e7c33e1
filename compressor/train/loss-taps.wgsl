// The SSIM window shared by the loss stages: exp(-k²/4.5) for k = 0..5 (σ = 1.5), normalised so the
// 11 taps of the zero-padded "same" blur sum to 1. Every stage sums a row or column as
// TAPS[0]·v[0] + Σ_k (TAPS[k]·v[−k] + TAPS[k]·v[+k]), skipping taps outside the image.
const TAPS = array<f32, 6>(0.26601172, 0.21300554, 0.10936069, 0.03600077, 0.00759876, 0.00102838);
