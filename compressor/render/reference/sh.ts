// CPU reference of SH colour (degrees 0-3), float64, written from the INRIA 3DGS formulas
// independently of shared/wgsl/sh.wgsl. Colour = max(0, 0.5 + sum_k Y_k(dir) c_k).
// The normalisation constants from their closed forms, not from the table the kernels use
// (shared/math/sh-constants.ts), so the reference stays independent of it.
const PI = Math.PI;
const C0 = 1 / (2 * Math.sqrt(PI));
const C1 = Math.sqrt(3 / (4 * PI));
const C2 = [
  0.5 * Math.sqrt(15 / PI),
  -0.5 * Math.sqrt(15 / PI),
  0.25 * Math.sqrt(5 / PI),
  -0.5 * Math.sqrt(15 / PI),
  0.25 * Math.sqrt(15 / PI),
];
const C3 = [
  -0.25 * Math.sqrt(35 / (2 * PI)),
  0.5 * Math.sqrt(105 / PI),
  -0.25 * Math.sqrt(21 / (2 * PI)),
  0.25 * Math.sqrt(7 / PI),
  -0.25 * Math.sqrt(21 / (2 * PI)),
  0.25 * Math.sqrt(105 / PI),
  -0.25 * Math.sqrt(35 / (2 * PI)),
];

/** Basis values Y_0..Y_{(degree+1)^2 - 1} at the unit direction (x, y, z). */
export function shBasisReference(degree: number, x: number, y: number, z: number): number[] {
  const out = [C0];
  if (degree >= 1) out.push(-C1 * y, C1 * z, -C1 * x);
  if (degree >= 2) {
    out.push(
      C2[0] * x * y,
      C2[1] * y * z,
      C2[2] * (2 * z * z - x * x - y * y),
      C2[3] * x * z,
      C2[4] * (x * x - y * y),
    );
  }
  if (degree >= 3) {
    out.push(
      C3[0] * y * (3 * x * x - y * y),
      C3[1] * x * y * z,
      C3[2] * y * (4 * z * z - x * x - y * y),
      C3[3] * z * (2 * z * z - 3 * x * x - 3 * y * y),
      C3[4] * x * (4 * z * z - x * x - y * y),
      C3[5] * z * (x * x - y * y),
      C3[6] * x * (x * x - 3 * y * y),
    );
  }
  return out;
}

/**
 * Colour of Gaussian `i` seen from `eye`. `storedDegree` is the layout of shRest (K per channel),
 * `degree` the one evaluated (<= storedDegree).
 */
export function shColorReference(
  i: number,
  mean: readonly number[],
  eye: readonly number[],
  shDC: ArrayLike<number>,
  shRest: ArrayLike<number>,
  storedDegree: number,
  degree: number,
): [number, number, number] {
  let dx = mean[0] - eye[0];
  let dy = mean[1] - eye[1];
  let dz = mean[2] - eye[2];
  const len = Math.hypot(dx, dy, dz);
  if (len > 0) {
    dx /= len;
    dy /= len;
    dz /= len;
  } else {
    dx = 0;
    dy = 0;
    dz = 1;
  }
  const basis = shBasisReference(degree, dx, dy, dz);
  const k = (storedDegree + 1) ** 2 - 1;
  const rgb: [number, number, number] = [0.5, 0.5, 0.5];
  for (let c = 0; c < 3; c++) {
    rgb[c] += basis[0] * shDC[i * 3 + c];
    for (let j = 1; j < basis.length; j++) rgb[c] += basis[j] * shRest[(i * k + j - 1) * 3 + c];
    rgb[c] = Math.max(0, rgb[c]);
  }
  return rgb;
}
