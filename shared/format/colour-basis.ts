// The SH-rest residual's colour basis (format v4): each SH coefficient's (R, G, B) residual is quantized as
// its coordinates in an orthonormal basis of colour space, stored in the header as 3 rows of 3 (row r = the
// r-th basis vector in RGB). The encoder uses the residuals' own principal axes (compressor/pack/
// colour-basis.ts): the channels of view-dependent colour move together, so most of the energy lands on one
// axis and the others quantize to zero. Orthonormal: the squared error is the same in either basis, and
// decoding is the transpose. Version 3 files have no basis (RGB itself).
import { GszFormatError } from './gsz-error.ts';

/** Row-major 3 x 3, rows orthonormal. */
export type ColourBasis = readonly number[];

export const RGB_BASIS: ColourBasis = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/** Tolerance on |B Bᵀ - I| for a stored basis (values are stored as float64 by msgpack). */
const ORTHONORMAL_TOLERANCE = 1e-6;

/** The header's basis, validated: 9 finite numbers whose rows are orthonormal; else GszFormatError('corrupt'). */
export function checkColourBasis(v: unknown, what: string): ColourBasis {
  if (!Array.isArray(v) || v.length !== 9 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new GszFormatError('corrupt', `${what} must be 9 finite numbers`);
  }
  const b = v as number[];
  for (let r = 0; r < 3; r++) {
    for (let s = 0; s < 3; s++) {
      const dot = b[r * 3] * b[s * 3] + b[r * 3 + 1] * b[s * 3 + 1] + b[r * 3 + 2] * b[s * 3 + 2];
      if (Math.abs(dot - (r === s ? 1 : 0)) > ORTHONORMAL_TOLERANCE)
        throw new GszFormatError('corrupt', `${what} is not orthonormal`);
    }
  }
  return b;
}

/** Coordinates of (x0, x1, x2) in `basis` (encoder side) into out[at..at+2]. */
export function toBasis(
  basis: ColourBasis,
  x0: number,
  x1: number,
  x2: number,
  out: Float64Array,
  at: number,
): void {
  for (let r = 0; r < 3; r++) out[at + r] = basis[r * 3] * x0 + basis[r * 3 + 1] * x1 + basis[r * 3 + 2] * x2;
}
