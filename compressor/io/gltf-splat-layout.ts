// The glTF 2.0 / KHR_gaussian_splatting layout shared by write-gltf.ts and read-gltf.ts
// (https://github.com/KhronosGroup/glTF/tree/main/extensions/2.0/Khronos/KHR_gaussian_splatting):
// a POINTS primitive whose attributes are POSITION (VEC3), KHR_gaussian_splatting:ROTATION (VEC4, x y z w),
// :SCALE (VEC3, linear standard deviations), :OPACITY (SCALAR, after the sigmoid), :SH_DEGREE_l_COEF_n
// (VEC3 RGB; degree 0 holds the DC coefficients, l = 1..3 the bands, 3DGS basis order and signs).
// Scale is linear and opacity activated as PlayCanvas splat-transform writes and reads them (an early
// review draft of the extension stored log-scales). Axes: glTF is +Y up; splat-transform maps PLY scenes to
// glTF with a half turn about z, and so do we, so files from either tool agree.
import type { TurnAxis } from './axis-turn.ts';

export const GLB_MAGIC = 0x46546c67; // "glTF"
export const GLB_VERSION = 2;
export const GLB_CHUNK_JSON = 0x4e4f534a; // "JSON"
export const GLB_CHUNK_BIN = 0x004e4942; // "BIN\0"
export const GLB_HEADER_BYTES = 12;
export const GLB_CHUNK_HEADER_BYTES = 8;

export const EXTENSION = 'KHR_gaussian_splatting';
export const MODE_POINTS = 0;

export const COMPONENT = {
  byte: 5120,
  unsignedByte: 5121,
  short: 5122,
  unsignedShort: 5123,
  unsignedInt: 5125,
  float: 5126,
} as const;

export const ATTRIBUTE = {
  position: 'POSITION',
  color: 'COLOR_0',
  rotation: `${EXTENSION}:ROTATION`,
  scale: `${EXTENSION}:SCALE`,
  opacity: `${EXTENSION}:OPACITY`,
} as const;

/** Coefficients in SH band `degree`: 1, 3, 5, 7. */
export const coefficientsInBand = (degree: number): number => 2 * degree + 1;

/** Attribute name of SH band `degree`'s coefficient `n`. */
export const shAttribute = (degree: number, n: number): string =>
  `${EXTENSION}:SH_DEGREE_${degree}_COEF_${n}`;

/** The half turn between the scene's PLY axes and glTF's. */
export const GLTF_TURN: TurnAxis = 'z';
