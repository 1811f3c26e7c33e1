// Constants, limits and header types of the .gsz format (FORMAT.md is the normative description).
// Shared by the decoder (shared/format) and the encoder (compressor/pack) so both agree by construction.

/** File signature: 0x89 'G' 'S' 'Z' (the high byte catches 7-bit transfers, as in PNG). */
export const GSZ_MAGIC = [0x89, 0x47, 0x53, 0x5a] as const;
export const GSZ_VERSION = 1;
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

/** Linear quantization of a value range to `bits` unsigned integers per component. */
export interface GszRangeQuant {
  min: Vec3;
  max: Vec3;
  bits: number;
}

export interface GszQuantization {
  /** q = round((p - origin) / step) per axis, q < 2^bits <= 2^16; decoded p = origin + q * step. */
  position: { origin: Vec3; step: Vec3; bits: Vec3 };
  /** Natural-log std-devs, linear in [min, max] per axis. */
  logScale: GszRangeQuant;
  /** Smallest-three: 2-bit index of the dropped (largest) component + 3 components in [-1/√2, 1/√2]. */
  rotation: { bits: number };
  /** Opacity a = sigmoid(logit), linear in [0, 1]. */
  opacity: { bits: number };
  /** SH band-0 coefficients, linear in [min, max] per channel. */
  shDC: GszRangeQuant;
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

export const GSZ_COLUMNS = ['position', 'logScale', 'rotation', 'opacity', 'shDC', 'shIndex'] as const;
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
  /** Stored bytes of each column's zstd frame, in GSZ_COLUMNS order (shIndex only when shDegree > 0). */
  columnLengths: number[];
}

export interface GszHeader {
  version: number;
  count: number;
  shDegree: 0 | 1 | 2 | 3;
  antialiased: boolean;
  bounds: GszBounds;
  /** Intended world up (the viewer's default camera uses it). */
  up: Vec3;
  quant: GszQuantization;
  /** SH-rest codebook section, present iff shDegree > 0. */
  codebook: GszCodebookInfo | null;
  chunks: GszChunkInfo[];
  /** Byte offset where the data after the header begins (= preamble + header length). */
  headerEnd: number;
}

/** Bytes per stored value of a `bits`-bit quantity (1..16 bits). */
export const bytesPerValue = (bits: number): number => (bits > 8 ? 2 : 1);

/** Uncompressed bytes of each column for a chunk of `count` Gaussians, in GSZ_COLUMNS order. */
export function columnRawBytes(header: Pick<GszHeader, 'quant' | 'shDegree' | 'codebook'>, count: number): number[] {
  const q = header.quant;
  const sizes = [
    6 * count, // 3 axes x 16-bit zigzag deltas, byte planes
    3 * bytesPerValue(q.logScale.bits) * count,
    (1 + 3 * bytesPerValue(q.rotation.bits)) * count,
    bytesPerValue(q.opacity.bits) * count,
    3 * bytesPerValue(q.shDC.bits) * count,
  ];
  if (header.shDegree > 0 && header.codebook) sizes.push((header.codebook.centroids > 256 ? 2 : 1) * count);
  return sizes;
}

/** Largest uncompressed size a section of `stored` bytes may claim (see GSZ_LIMITS.expansion). */
export const maxInflated = (stored: number): number => stored * GSZ_LIMITS.expansion + GSZ_LIMITS.expansionSlack;
