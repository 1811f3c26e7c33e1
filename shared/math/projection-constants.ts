// The constants of the EWA projection, written once. The compressor's rasterizer and CPU reference and
// the viewer's pre-pass and CPU projection all use these; the WGSL gets them as the generated
// `projection_constants` module (shared/wgsl/constants.ts), so the kernels cannot drift from them.

/** Gaussians closer than this (camera z, world units) are culled: the projection Jacobian blows up at z = 0. */
export const NEAR_PLANE = 0.01;
/** Screen-space dilation (pixels^2) added to every 2D covariance: it keeps Gaussians at least about a pixel
 *  wide (the low-pass filter of 3DGS) and keeps det > 0 so the conic always exists. */
export const COV2D_DILATION = 0.3;
/** Alphas below this are skipped by the compositor; the screen extent is where alpha reaches it. */
export const ALPHA_THRESHOLD = 1 / 255;
/** The Jacobian is evaluated with x/z, y/z clamped to this much beyond the image edge (as a fraction of the
 *  half field of view): far off-screen Gaussians would otherwise get absurd screen covariances. */
export const FRUSTUM_MARGIN = 0.3;
