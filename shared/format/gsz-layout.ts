// Constants, limits and header types of the .gsz format (FORMAT.md is the normative description).
// Shared by the decoder (shared/format) and the encoder (compressor/pack) so both agree by construction.

/** File signature: 0x89 'G' 'S' 'Z' (the high byte catches 7-bit transfers, as in PNG). */
export const GSZ_MAGIC = [0x89, 0x47, 0x53, 0x5a] as const;
export const GSZ_VERSION = 4;
/** Versions this decoder reads: 3 (SH-rest residuals in RGB) and 4 (in the header's colour basis). */
export const GSZ_READABLE_VERSIONS: readonly number[] = [3, 4];
/** magic(4) version(u16) flags(u16) headerLength(u32) headerCrc32(u32), little-endian. */
export const GSZ_PREAMBLE_BYTES = 16;

/** Limits checked before any allocation (FORMAT.md "Limits"). */
export const GSZ_LIMITS = {
  headerBytes: 16 * 1024 * 1024,
  chunks: 65_536,
  splatsPerChunk: 1 << 21,
  totalSplats: 1 << 28,
  codebookCentroids: 65_536,
  /** No section (chunk, codebook) may inflate to more than this many times its stored bytes (+ slack). */
  expansion: 256,
  expansionSlack: 1024,
  /** Offsets and lengths must be exact integers below this (2^52 keeps doubles exact). */
  fileBytes: 2 ** 52,
} as const;

export type Vec3 = [number, number, number];

export interface GszBounds {
  min: Vec3;
  max: Vec3;
}

/** Uniform quantization: value = min + code * step, code in 0..2^bits - 1 (bits <= 12), one grid for all components. */
export interface GszStepQuant {
  min: number;
  step: number;
  bits: number;
}

import type { ColourBasis } from './colour-basis.ts';

export interface GszQuantization {
  /** q = round((p - origin) / step) per axis, q < 2^bits <= 2^16; decoded p = origin + q * step. */
  position: { origin: Vec3; step: Vec3; bits: Vec3 };
  /** Natural-log std-devs, one grid for the three axes. */
  logScale: GszStepQuant;
  /**
   * Canonical quaternion (w largest, >= 0): x, y, z as codes 0..levels-1 spread over [-1/√2, 1/√2]
   * (levels <= 2^bits, the tree width); w = √(1 - x² - y² - z²).
   */
  rotation: { bits: number; levels: number };
  /** Opacity a = sigmoid(logit), linear in [0, 1]. */
  opacity: { bits: number };
  /** SH band-0 coefficients, one grid for the three colour channels. */
  shDC: GszStepQuant;
  /**
   * SH-rest residual against the Gaussian's codebook centroid, `step` apart, per coefficient as coordinates
   * in the orthonormal colour `basis` (colour-basis.ts; v4; absent in v3: RGB); null: centroids only.
   */
  shResidual: { step: number; basis?: ColourBasis } | null;
}

export interface GszCodebookInfo {
  offset: number;
  length: number;
  crc: number;
  /** Number of centroids K (indices are u8 when K <= 256, else u16). */
  centroids: number;
  /** Floats per centroid: 3 * shRestCount(degree), coefficient-major RGB-interleaved like GaussianScene.shRest. */
  dims: number;
}

export const GSZ_COLUMNS = [
  'position',
  'logScale',
  'rotation',
  'opacity',
  'shDC',
  'shIndex',
  'shResidual',
] as const;
export type GszColumn = (typeof GSZ_COLUMNS)[number];

export interface GszChunkInfo {
  /** Byte offset from the start of the file. */
  offset: number;
  /** Stored bytes: the column frames back to back (sum of columnLengths). */
  length: number;
  /** Gaussians in the chunk. */
  count: number;
  /** Index of its first Gaussian in file order (prefix sum of counts). */
  firstSplat: number;
  /** Bounds of the chunk's decoded positions. */
  bounds: GszBounds;
  /** Progressive level (0 = most important). */
  level: number;
  crc: number;
  /** Stored bytes of each column's range-coded stream, in GSZ_COLUMNS order (shIndex only when shDegree > 0, shResidual only when quant.shResidual too). */
  columnLengths: number[];
}

/** A stored default view: eye and orbit target in world units, vertical field of view in degrees. */
export interface GszCamera {
  eye: Vec3;
  target: Vec3;
  fovY: number;
}

export interface GszHeader {
  version: number;
  count: number;
  shDegree: 0 | 1 | 2 | 3;
  /** The input's SH degree when the encoder dropped bands that carried nothing above their quantization step. */
  shDegreeTrimmedFrom?: 1 | 2 | 3;
  antialiased: boolean;
  bounds: GszBounds;
  /** Intended world up (the viewer's default camera uses it). */
  up: Vec3;
  /** Optional: the background the scene was trained against, sRGB in [0, 1]; absent: none (transparent). */
  background?: Vec3;
  /** Optional: the robust extent (1st-99th percentile box of the centres) default framing fits; absent: bounds. */
  focus?: GszBounds;
  /** Optional: the default camera; absent: framed from `focus` (shared/math/framing.ts). */
  camera?: GszCamera;
  quant: GszQuantization;
  /** SH-rest codebook section, present iff shDegree > 0. */
  codebook: GszCodebookInfo | null;
  chunks: GszChunkInfo[];
  /** Byte offset where the data after the header begins (= preamble + header length). */
  headerEnd: number;
}

/** Columns a chunk has: 5, + shIndex when shDegree > 0, + shResidual when the header has quant.shResidual too. */
export const columnCount = (header: Pick<GszHeader, 'quant' | 'shDegree'>): number =>
  header.shDegree > 0 ? (header.quant.shResidual ? 7 : 6) : 5;

/** Largest `bits` of the tree-coded attributes (log-scale, rotation, opacity, DC): bounds the model sizes. */
export const MAX_CODE_BITS = 12;

/** Bits of a codebook index: enough for K centroids (0 for K = 1). */
export const indexBits = (centroids: number): number => (centroids <= 1 ? 0 : 32 - Math.clz32(centroids - 1));

/**
 * Nominal raw bytes of each column for a chunk of `count` Gaussians, in GSZ_COLUMNS order: what the codes
 * would take as plain integers (16-bit positions, 1 or 2 bytes per code). Only used by the expansion limit.
 */
export function columnRawBytes(
  header: Pick<GszHeader, 'quant' | 'shDegree' | 'codebook'>,
  count: number,
): number[] {
  const q = header.quant;
  const per = (bits: number): number => (bits > 8 ? 2 : 1);
  const sizes = [
    6 * count,
    3 * per(q.logScale.bits) * count,
    3 * per(q.rotation.bits) * count,
    per(q.opacity.bits) * count,
    3 * per(q.shDC.bits) * count,
  ];
  if (header.shDegree > 0 && header.codebook) {
    sizes.push(Math.max(1, per(indexBits(header.codebook.centroids))) * count);
    if (q.shResidual) sizes.push(header.codebook.dims * count);
  }
  return sizes;
}

/** Largest uncompressed size a section of `stored` bytes may claim (see GSZ_LIMITS.expansion). */
export const maxInflated = (stored: number): number =>
  stored * GSZ_LIMITS.expansion + GSZ_LIMITS.expansionSlack;

/** The fixed fields of a chunk-table row, in order (FORMAT.md, `chunks`); each column's stored length
 *  follows, in GSZ_COLUMNS order. The encoder writes rows with chunkTableRow, the decoder reads them by
 *  CHUNK_ROW index: this list is the one place the order is written. */
export const CHUNK_ROW_FIELDS = [
  'offset',
  'length',
  'crc',
  'count',
  'level',
  'minX',
  'minY',
  'minZ',
  'maxX',
  'maxY',
  'maxZ',
] as const;
export type ChunkRowField = (typeof CHUNK_ROW_FIELDS)[number];
/** Index of each fixed field in a chunk-table row; the column lengths start at CHUNK_ROW_FIELDS.length. */
export const CHUNK_ROW = Object.fromEntries(CHUNK_ROW_FIELDS.map((field, i) => [field, i])) as Readonly<
  Record<ChunkRowField, number>
>;

/** A chunk-table row. `bounds`: min xyz then max xyz of the chunk's decoded positions. */
export function chunkTableRow(chunk: {
  offset: number;
  length: number;
  crc: number;
  count: number;
  level: number;
  bounds: readonly number[];
  columnLengths: readonly number[];
}): number[] {
  const [minX, minY, minZ, maxX, maxY, maxZ] = chunk.bounds;
  const { offset, length, crc, count, level } = chunk;
  const fixed: Record<ChunkRowField, number> = {
    offset,
    length,
    crc,
    count,
    level,
    minX,
    minY,
    minZ,
    maxX,
    maxY,
    maxZ,
  };
  return [...CHUNK_ROW_FIELDS.map((field) => fixed[field]), ...chunk.columnLengths];
}
