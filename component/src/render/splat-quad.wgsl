// What a projected splat covers (`#import splat_quad`): which splats are drawn at all and the triangle
// around the drawn part of the ellipse. The depth order passes and the draw agree through these.

// The quad ends where alpha reaches QUAD_ALPHA_FACTOR * ALPHA_THRESHOLD (2/255) rather than 1/255: ~15%
// less area (the draw's cost on software GPUs is mostly per fragment) for faint tails that change any
// pixel by at most ~2/255 (e2e/reference.spec.ts bounds the difference to the reference).
const QUAD_ALPHA_FACTOR = 2.0;

// A projected splat is drawn when it is on screen and brighter than the quad's cut-off level.
fn splat_drawn(p: ProjectedGaussian) -> bool {
  return p.visible && p.opacity > QUAD_ALPHA_FACTOR * ALPHA_THRESHOLD;
}

struct Quad {
  major: vec2f,  // major half-axis, pixels
  minor: vec2f,  // minor half-axis, pixels
  // Corner coordinates (+-1 along each half-axis) times this give w with alpha = opacity * exp2(-|w|^2):
  // sqrt(P log2(e) / 2) for the cut-off at P standard deviations squared.
  scale: f32,
}

// The rectangle spanned by the ellipse's axes out to where alpha reaches QUAD_ALPHA_FACTOR *
// ALPHA_THRESHOLD. In corner coordinates the Gaussian is isotropic, so the fragment shader needs no conic.
fn ellipse_quad(conic: vec3f, opacity: f32) -> Quad {
  // Covariance = inverse of the conic [[a, b], [b, c]].
  let det_conic = conic.x * conic.z - conic.y * conic.y;
  let cxx = conic.z / det_conic;
  let cxy = -conic.y / det_conic;
  let cyy = conic.x / det_conic;
  let mid = 0.5 * (cxx + cyy);
  let spread = sqrt(max(0.0, mid * mid - (cxx * cyy - cxy * cxy)));
  let major = mid + spread;
  let minor = max(mid - spread, 0.0);
  // Eigenvector of the major eigenvalue; (1, 0) when the covariance is (nearly) isotropic.
  var dir = vec2f(cxy, major - cxx);
  if (abs(cxy) < 1e-7 * major) { dir = select(vec2f(0.0, 1.0), vec2f(1.0, 0.0), cxx >= cyy); }
  dir = normalize(dir);
  // alpha = opacity exp(-d^2 / 2) along an axis, in standard deviations d: threshold at d^2 = P.
  let p2 = max(0.0, 2.0 * log(opacity / (QUAD_ALPHA_FACTOR * ALPHA_THRESHOLD)));
  var q: Quad;
  q.major = dir * sqrt(p2 * major);
  q.minor = vec2f(-dir.y, dir.x) * sqrt(p2 * minor);
  q.scale = sqrt(p2 * 0.5 * 1.4426950408889634);
  return q;
}
