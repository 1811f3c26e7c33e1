// Decodes Niantic SPZ (https://github.com/nianticlabs/spz): versions 2 and 3 are a gzip stream of a 16-byte
// header followed by attribute arrays (positions, alphas, colours, scales, rotations, SH); version 4 has a
// 32-byte uncompressed header, a table of (compressed, uncompressed) u64 sizes, and one zstd frame per
// attribute array in the same order. The v4 layout is as found in the files themselves: the table sizes
// are checked against the sizes each array must have, so a misreading fails loudly instead of silently.
//
// Axes: SPZ stores RUB (x right, y up, z back, OpenGL); INRIA/COLMAP PLY scenes are RDF (y down, z forward).
// We convert RUB -> RDF, a 180° rotation about x: positions (x, -y, -z), quaternion (w, x, -y, -z), and
// each SH coefficient times the parity of its basis polynomial under y -> -y, z -> -z.
import { gunzipSync } from 'fflate';
import { decompress as zstdDecompress } from 'fzstd';
import {
  createScene,
  shRestCount,
  OPACITY_LOGIT_LIMIT,
  type GaussianScene,
  type ShDegree,
} from '../../shared/scene/gaussian-scene.ts';
import { SceneReadError } from './scene-read-error.ts';

const MAGIC = 0x5053474e; // "NGSP" little-endian
const FLAG_ANTIALIASED = 0x1;
const FLAG_HAS_EXTENSIONS = 0x2;
/** SPZ writes DC colour as dc * 0.15 * 255 + 127.5 (not SH_C0), leaving headroom for out-of-range bases. */
const COLOUR_SCALE = 0.15;

/** Sign of each SH basis function (bands 1-3, 3DGS order) under the RUB -> RDF flip y -> -y, z -> -z. */
export const SH_FLIP_RUB_TO_RDF = [
  -1,
  -1,
  1, // y, z, x
  -1,
  1,
  1,
  -1,
  1, // xy, yz, 3z²-1, xz, x²-y²
  -1,
  1,
  -1,
  -1,
  1,
  -1,
  1, // y(3x²-y²), xyz, y(5z²-1), z(5z²-3), x(5z²-1), z(x²-y²), x(x²-3y²)
];

interface SpzArrays {
  version: number;
  count: number;
  shDegree: ShDegree;
  fractionalBits: number;
  antialiased: boolean;
  positions: Uint8Array;
  alphas: Uint8Array;
  colours: Uint8Array;
  scales: Uint8Array;
  rotations: Uint8Array;
  sh: Uint8Array;
}

export function decodeSpz(path: string, file: Uint8Array): GaussianScene {
  return unpack(parseSpz(path, file));
}

function parseSpz(path: string, file: Uint8Array): SpzArrays {
  let data = file;
  if (file[0] === 0x1f && file[1] === 0x8b) {
    try {
      data = gunzipSync(file);
    } catch (error) {
      throw new SceneReadError(path, `SPZ gzip stream is corrupt (${(error as Error).message})`);
    }
  }
  if (data.length < 16) throw new SceneReadError(path, `SPZ too short for a header (${data.length} bytes)`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new SceneReadError(path, 'not an SPZ file (no NGSP magic)');
  const version = view.getUint32(4, true);
  const count = view.getUint32(8, true);
  const shDegree = data[12];
  const fractionalBits = data[13];
  const flags = data[14];
  if (version < 2 || version > 4)
    throw new SceneReadError(path, `SPZ version ${version} is not supported (2, 3 and 4 are)`);
  if (shDegree > 3) throw new SceneReadError(path, `SPZ SH degree ${shDegree} is not supported (0-3 are)`);
  if (fractionalBits > 23)
    throw new SceneReadError(
      path,
      `SPZ fractional bits ${fractionalBits} leave no integer part in 24-bit positions`,
    );
  if (flags & FLAG_HAS_EXTENSIONS)
    throw new SceneReadError(path, 'SPZ extensions (flag 0x2) are not supported');
  const shBytes = shRestCount(shDegree as ShDegree) * 3;
  const sizes = [count * 9, count, count * 3, count * 3, count * (version >= 3 ? 4 : 3), count * shBytes];
  const arrays = version === 4 ? splitV4(path, data, view, sizes) : splitSequential(path, data, 16, sizes);
  const [positions, alphas, colours, scales, rotations, sh] = arrays;
  return {
    version,
    count,
    shDegree: shDegree as ShDegree,
    fractionalBits,
    antialiased: (flags & FLAG_ANTIALIASED) !== 0,
    positions,
    alphas,
    colours,
    scales,
    rotations,
    sh,
  };
}

function splitSequential(path: string, data: Uint8Array, start: number, sizes: number[]): Uint8Array[] {
  const total = start + sizes.reduce((a, b) => a + b, 0);
  if (data.length < total)
    throw new SceneReadError(path, `SPZ payload truncated: ${data.length} bytes, the header needs ${total}`);
  const parts: Uint8Array[] = [];
  let offset = start;
  for (const size of sizes) {
    parts.push(data.subarray(offset, offset + size));
    offset += size;
  }
  return parts;
}

function splitV4(path: string, data: Uint8Array, view: DataView, sizes: number[]): Uint8Array[] {
  const streams = data[15];
  const tocOffset = view.getUint32(16, true);
  const expectedStreams = sizes[5] > 0 ? 6 : 5;
  if (streams < expectedStreams)
    throw new SceneReadError(path, `SPZ v4 has ${streams} attribute streams, expected ${expectedStreams}`);
  if (tocOffset < 20 || tocOffset + streams * 16 > data.length)
    throw new SceneReadError(path, `SPZ v4 stream table at byte ${tocOffset} is out of range`);
  let offset = tocOffset + streams * 16;
  const arrays: Uint8Array[] = [];
  for (let s = 0; s < expectedStreams; s++) {
    const compressed = Number(view.getBigUint64(tocOffset + s * 16, true));
    const uncompressed = Number(view.getBigUint64(tocOffset + s * 16 + 8, true));
    if (uncompressed !== sizes[s]) {
      throw new SceneReadError(
        path,
        `SPZ v4 stream ${s} holds ${uncompressed} bytes, ${sizes[s]} expected for this header`,
      );
    }
    if (offset + compressed > data.length)
      throw new SceneReadError(path, `SPZ v4 stream ${s} runs past the end of the file (truncated)`);
    let out: Uint8Array;
    try {
      out = zstdDecompress(data.subarray(offset, offset + compressed), new Uint8Array(uncompressed));
    } catch (error) {
      throw new SceneReadError(path, `SPZ v4 stream ${s} is not valid zstd (${(error as Error).message})`);
    }
    if (out.length !== uncompressed)
      throw new SceneReadError(
        path,
        `SPZ v4 stream ${s} decompressed to ${out.length} bytes, not ${uncompressed}`,
      );
    arrays.push(out);
    offset += compressed;
  }
  if (expectedStreams === 5) arrays.push(new Uint8Array(0));
  return arrays;
}

function unpack(a: SpzArrays): GaussianScene {
  const scene = createScene(a.count, a.shDegree, a.antialiased);
  const positionScale = 2 ** -a.fractionalBits;
  const flipP = [1, -1, -1];
  for (let i = 0; i < a.count * 3; i++) {
    let fixed = a.positions[i * 3] | (a.positions[i * 3 + 1] << 8) | (a.positions[i * 3 + 2] << 16);
    fixed = (fixed << 8) >> 8; // sign-extend 24 -> 32 bits
    scene.positions[i] = flipP[i % 3] * fixed * positionScale;
  }
  for (let i = 0; i < a.count * 3; i++) {
    scene.logScales[i] = a.scales[i] / 16 - 10;
    scene.shDC[i] = (a.colours[i] / 255 - 0.5) / COLOUR_SCALE;
  }
  for (let i = 0; i < a.count; i++) {
    const alpha = a.alphas[i] / 255;
    const v = Math.log(alpha / (1 - alpha)); // 0 and 255 give ±Infinity: clamped next
    scene.opacityLogits[i] = Math.min(OPACITY_LOGIT_LIMIT, Math.max(-OPACITY_LOGIT_LIMIT, v));
  }
  const xyzw = [0, 0, 0, 0];
  for (let i = 0; i < a.count; i++) {
    if (a.version >= 3) {
      const r = a.rotations;
      unpackSmallestThreeXyzw(
        (r[i * 4] | (r[i * 4 + 1] << 8) | (r[i * 4 + 2] << 16) | (r[i * 4 + 3] << 24)) >>> 0,
        xyzw,
      );
    } else {
      const x = a.rotations[i * 3] / 127.5 - 1;
      const y = a.rotations[i * 3 + 1] / 127.5 - 1;
      const z = a.rotations[i * 3 + 2] / 127.5 - 1;
      xyzw[0] = x;
      xyzw[1] = y;
      xyzw[2] = z;
      xyzw[3] = Math.sqrt(Math.max(0, 1 - (x * x + y * y + z * z)));
    }
    scene.rotations[i * 4] = xyzw[3];
    scene.rotations[i * 4 + 1] = xyzw[0];
    scene.rotations[i * 4 + 2] = -xyzw[1];
    scene.rotations[i * 4 + 3] = -xyzw[2];
  }
  const k = shRestCount(a.shDegree);
  for (let i = 0; i < a.count; i++) {
    for (let j = 0; j < k; j++) {
      for (let c = 0; c < 3; c++) {
        const o = (i * k + j) * 3 + c; // SPZ SH is coefficient-major, RGB inner: the scene's layout.
        scene.shRest[o] = (SH_FLIP_RUB_TO_RDF[j] * (a.sh[o] - 128)) / 128;
      }
    }
  }
  return scene;
}

/** SPZ v3 smallest-three: top 2 bits = index of the largest component (x, y, z, w order); below it, three
 *  10-bit fields (sign bit + 9-bit magnitude of |q| / sqrt(1/2)), the last component in the lowest bits. */
function unpackSmallestThreeXyzw(packed: number, out: number[]): void {
  const mask = (1 << 9) - 1;
  const largest = packed >>> 30;
  let bits = packed;
  let sumSquares = 0;
  for (let i = 3; i >= 0; i--) {
    if (i === largest) continue;
    const magnitude = bits & mask;
    const negative = (bits >>> 9) & 1;
    bits >>>= 10;
    const v = (Math.SQRT1_2 * magnitude) / mask;
    out[i] = negative ? -v : v;
    sumSquares += v * v;
  }
  out[largest] = Math.sqrt(Math.max(0, 1 - sumSquares));
}
