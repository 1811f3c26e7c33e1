// Writes Niantic SPZ (https://github.com/nianticlabs/spz): version 3 is a gzip stream of a 16-byte header and
// the attribute arrays; version 4 is a 32-byte plain header (magic, version, count, SH degree, fractional
// bits, flags, stream count, table offset, 12 reserved bytes), a table of (compressed, uncompressed) u64
// sizes, and one zstd stream per array, in the order positions, alphas, colours, scales, rotations, SH (none
// at SH degree 0).
// The quantizers follow the reference packGaussians (load-spz.cc): 24-bit fixed-point positions, scales
// (log + 10) * 16, alpha sigmoid * 255, colour dc * 0.15 * 255 + 127.5, smallest-three rotations (v3+),
// SH q = round(c * 128) + 128 snapped to 5-bit (band 1) / 4-bit (bands 2-3) buckets. Scenes are RDF (PLY);
// SPZ is RUB, a half turn about x (axis-turn.ts). Limits are checked before anything is written.
import { gzipSync } from 'fflate';
import { shRestCount, sigmoid, type GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { type OutputTarget, writeFileAtomic } from './atomic-write.ts';
import { halfTurnScene } from './axis-turn.ts';
import { SPZ_COLOUR_SCALE, SPZ_FLAG_ANTIALIASED, SPZ_MAGIC } from './read-spz.ts';
import { checkWritable } from './write-checks.ts';
import { SceneWriteError } from './write-error.ts';
import { zstdCompressFrames } from './zstd-frames.ts';

export type SpzVersion = 3 | 4;
export const SPZ_VERSIONS: readonly SpzVersion[] = [3, 4];

/** Fractional bits of the reference writer (~0.24 mm at metre scale); fewer only when positions need the range. */
const PREFERRED_FRACTIONAL_BITS = 12;
/** Largest magnitude of a 24-bit signed fixed-point position. */
const FIXED_24_MAX = 2 ** 23 - 1;
/** Reference SH quantization: 5 bits for band 1, 4 bits for bands 2 and up (PackOptions defaults). */
const SH1_BITS = 5;
const SH_REST_BITS = 4;
const V4_HEADER_BYTES = 32;
const V3_HEADER_BYTES = 16;

/** C++ std::round: halves away from zero (Math.round rounds them up). */
const roundHalfAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));
const toUint8 = (x: number): number => Math.min(255, Math.max(0, roundHalfAway(x)));

interface SpzArrays {
  fractionalBits: number;
  positions: Uint8Array;
  alphas: Uint8Array;
  colours: Uint8Array;
  scales: Uint8Array;
  rotations: Uint8Array;
  sh: Uint8Array;
}

/** Largest fractional-bit count (up to 12) whose 24-bit range holds every position, or -1 if none does. */
export function spzFractionalBits(positions: Float32Array): number {
  let maxAbs = 0;
  for (let i = 0; i < positions.length; i++) maxAbs = Math.max(maxAbs, Math.abs(positions[i]));
  for (let bits = PREFERRED_FRACTIONAL_BITS; bits >= 0; bits--)
    if (roundHalfAway(maxAbs * 2 ** bits) <= FIXED_24_MAX) return bits;
  return -1;
}

function quantize(path: string, rdf: GaussianScene): SpzArrays {
  const n = rdf.count;
  const scene = halfTurnScene(rdf, 'x');
  const fractionalBits = spzFractionalBits(scene.positions);
  if (fractionalBits < 0) {
    throw new SceneWriteError(
      path,
      `a position lies beyond SPZ's 24-bit fixed-point range (|coordinate| <= ${FIXED_24_MAX})`,
    );
  }
  const positions = new Uint8Array(n * 9);
  const unit = 2 ** fractionalBits;
  for (let i = 0; i < n * 3; i++) {
    const fixed = roundHalfAway(scene.positions[i] * unit);
    positions[i * 3] = fixed & 0xff;
    positions[i * 3 + 1] = (fixed >> 8) & 0xff;
    positions[i * 3 + 2] = (fixed >> 16) & 0xff;
  }
  const scales = new Uint8Array(n * 3);
  const colours = new Uint8Array(n * 3);
  for (let i = 0; i < n * 3; i++) {
    scales[i] = toUint8((scene.logScales[i] + 10) * 16);
    colours[i] = toUint8(scene.shDC[i] * (SPZ_COLOUR_SCALE * 255) + 0.5 * 255);
  }
  const alphas = new Uint8Array(n);
  for (let i = 0; i < n; i++) alphas[i] = toUint8(sigmoid(scene.opacityLogits[i]) * 255);
  const rotations = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const packed = packSmallestThree(
      scene.rotations[i * 4 + 1],
      scene.rotations[i * 4 + 2],
      scene.rotations[i * 4 + 3],
      scene.rotations[i * 4],
    );
    for (let b = 0; b < 4; b++) rotations[i * 4 + b] = (packed >>> (8 * b)) & 0xff;
  }
  const k = shRestCount(scene.shDegree);
  const sh = new Uint8Array(n * k * 3);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const bucket = 1 << (8 - (j < 3 ? SH1_BITS : SH_REST_BITS));
      for (let c = 0; c < 3; c++) {
        const o = (i * k + j) * 3 + c; // coefficient-major, RGB inner: the scene's layout and SPZ's.
        const q = roundHalfAway(scene.shRest[o] * 128) + 128;
        sh[o] = Math.min(255, Math.max(0, Math.trunc((q + bucket / 2) / bucket) * bucket));
      }
    }
  }
  return { fractionalBits, positions, alphas, colours, scales, rotations, sh };
}

/**
 * SPZ v3 smallest-three of a quaternion given as x, y, z, w: normalised, the largest component's index
 * (x, y, z, w order) in the top 2 bits, then for each other component a sign bit (relative to the largest,
 * which is made positive) and a 9-bit magnitude of |q| / sqrt(1/2), the last component in the lowest bits.
 */
export function packSmallestThree(x: number, y: number, z: number, w: number): number {
  const length = Math.hypot(x, y, z, w);
  const q = [x / length, y / length, z / length, w / length];
  let largest = 0;
  for (let i = 1; i < 4; i++) if (Math.abs(q[i]) > Math.abs(q[largest])) largest = i;
  const negate = q[largest] < 0 ? 1 : 0;
  let packed = largest;
  for (let i = 0; i < 4; i++) {
    if (i === largest) continue;
    const sign = (q[i] < 0 ? 1 : 0) ^ negate;
    const magnitude = Math.floor(511 * (Math.abs(q[i]) / Math.SQRT1_2) + 0.5);
    packed = packed * 1024 + ((sign << 9) | magnitude); // * 1024, not << 10: the result fills 32 bits.
  }
  return packed >>> 0;
}

function header(
  bytes: number,
  version: SpzVersion,
  scene: GaussianScene,
  fractionalBits: number,
): Uint8Array {
  const out = new Uint8Array(bytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, SPZ_MAGIC, true);
  view.setUint32(4, version, true);
  view.setUint32(8, scene.count, true);
  out[12] = scene.shDegree;
  out[13] = fractionalBits;
  out[14] = scene.antialiased ? SPZ_FLAG_ANTIALIASED : 0;
  return out;
}

/** The SPZ file for `scene` (RDF axes), or a SceneWriteError naming `path` when SPZ cannot hold it. */
export async function encodeSpz(
  path: string,
  scene: GaussianScene,
  version: SpzVersion,
): Promise<Uint8Array> {
  checkWritable(path, scene, { name: `SPZ v${version}`, maxShDegree: 4, maxCount: 0xffffffff });
  const a = quantize(path, scene);
  const arrays = [a.positions, a.alphas, a.colours, a.scales, a.rotations, a.sh];
  if (version === 3) {
    const head = header(V3_HEADER_BYTES, 3, scene, a.fractionalBits);
    const raw = new Uint8Array(head.length + arrays.reduce((s, x) => s + x.length, 0));
    raw.set(head);
    let at = head.length;
    for (const array of arrays) {
      raw.set(array, at);
      at += array.length;
    }
    return gzipSync(raw);
  }
  const head = header(V4_HEADER_BYTES, 4, scene, a.fractionalBits);
  // The reference reader wants exactly one stream per non-empty array: no SH stream at degree 0.
  const streamed = scene.shDegree > 0 ? arrays : arrays.slice(0, 5);
  head[15] = streamed.length;
  const view = new DataView(head.buffer);
  view.setUint32(16, V4_HEADER_BYTES, true); // the table follows the header (no extension records)
  const streams: Uint8Array[] = [];
  for (const array of streamed) streams.push(await zstdCompressFrames(array));
  const table = new Uint8Array(streamed.length * 16);
  const tableView = new DataView(table.buffer);
  streams.forEach((stream, s) => {
    tableView.setBigUint64(s * 16, BigInt(stream.length), true);
    tableView.setBigUint64(s * 16 + 8, BigInt(streamed[s].length), true);
  });
  const out = new Uint8Array(head.length + table.length + streams.reduce((s, x) => s + x.length, 0));
  out.set(head);
  out.set(table, head.length);
  let at = head.length + table.length;
  for (const stream of streams) {
    out.set(stream, at);
    at += stream.length;
  }
  return out;
}

export async function writeSpz(
  target: string | OutputTarget,
  scene: GaussianScene,
  version: SpzVersion,
): Promise<void> {
  const path = typeof target === 'string' ? target : target.shown;
  await writeFileAtomic(target, await encodeSpz(path, scene, version));
}
