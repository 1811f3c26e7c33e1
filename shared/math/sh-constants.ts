// Normalisation constants of the real spherical-harmonics basis, degrees 0-3 (the INRIA 3DGS table),
// written once: the viewer's CPU projection and the colour <-> DC conversions use them in TS, the WGSL
// gets them as the generated `sh_constants` module (shared/wgsl/constants.ts). Closed forms, checked in
// sh-constants.test.ts: C0 = 1 / (2 sqrt(pi)), C1 = sqrt(3 / (4 pi)), C2 and C3 as listed there.

export const SH_C0 = 0.28209479177387814;
export const SH_C1 = 0.4886025119029199;
/** Degree 2: xy, yz, 3z^2 - 1, xz, x^2 - y^2. */
export const SH_C2 = [
  1.0925484305920792, -1.0925484305920792, 0.31539156525252005, -1.0925484305920792, 0.5462742152960396,
] as const;
/** Degree 3, in the order of sh.wgsl's basis. */
export const SH_C3 = [
  -0.5900435899266435, 2.890611442640554, -0.4570457994644658, 0.3731763325901154, -0.4570457994644658,
  1.445305721320277, -0.5900435899266435,
] as const;
