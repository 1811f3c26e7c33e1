// WGSL modules generated from the TS constants, so a constant the kernels and the CPU code share is
// written once (in TS) and `#import`ed by the WGSL: `projection_constants` (projection.wgsl) and
// `sh_constants` (sh.wgsl). Values print as JS shortest round-trip decimals, which WGSL reads as the
// same double before rounding to f32: the kernels see exactly the values they had as literals.
import { ALPHA_THRESHOLD, COV2D_DILATION, FRUSTUM_MARGIN, NEAR_PLANE } from '../math/projection-constants.ts';
import { SH_C0, SH_C1, SH_C2, SH_C3 } from '../math/sh-constants.ts';

/** A WGSL float literal of `value` (always with a decimal point or exponent). */
export function wgslFloat(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`wgslFloat: ${value} is not finite`);
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** `const NAME: f32 = value;` per number, `const NAME = array<f32, n>(...);` per list. */
export function wgslConstants(values: Readonly<Record<string, number | readonly number[]>>): string {
  return Object.entries(values)
    .map(([name, value]) =>
      typeof value === 'number'
        ? `const ${name}: f32 = ${wgslFloat(value)};`
        : `const ${name} = array<f32, ${value.length}>(${value.map(wgslFloat).join(', ')});`,
    )
    .join('\n');
}

export const PROJECTION_CONSTANTS_WGSL = wgslConstants({
  NEAR_PLANE,
  COV2D_DILATION,
  ALPHA_THRESHOLD,
  FRUSTUM_MARGIN,
});

export const SH_CONSTANTS_WGSL = wgslConstants({ SH_C0, SH_C1, SH_C2, SH_C3 });
