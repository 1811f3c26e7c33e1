// Decodes the PlayCanvas/SuperSplat "compressed PLY": a `chunk` element with per-256-splat bounds, a `vertex`
// element of four packed uint32 (position 11-10-11, rotation smallest-three 2+10+10+10, log-scale 11-10-11,
// colour+opacity 8-8-8-8), and an optional `sh` element of uint8 f_rest_* (channel-major, like INRIA).
// Layout as written by SuperSplat / splat-transform; this is our own decoder of it.
import type { FileHandle } from 'node:fs/promises';
import {
  createScene,
  shDegreeFromRestCount,
  OPACITY_LOGIT_LIMIT,
  SH_C0,
  type GaussianScene,
} from '../../shared/scene/gaussian-scene.ts';
import type { PlyElement, PlyHeader } from './ply-header.ts';
import { readFully } from './file-read.ts';
import { SceneReadError } from './scene-read-error.ts';

/** Splats per chunk: each chunk row carries the bounds its 256 splats are quantized against. */
export const COMPRESSED_CHUNK_SIZE = 256;

const CHUNK_BOUNDS = [
  'min_x',
  'min_y',
  'min_z',
  'max_x',
  'max_y',
  'max_z',
  'min_scale_x',
  'min_scale_y',
  'min_scale_z',
  'max_scale_x',
  'max_scale_y',
  'max_scale_z',
];
const CHUNK_COLOURS = ['min_r', 'min_g', 'min_b', 'max_r', 'max_g', 'max_b'];
const PACKED = ['packed_position', 'packed_rotation', 'packed_scale', 'packed_color'];

export function isCompressedPly(header: PlyHeader): boolean {
  const vertex = header.elements.find((e) => e.name === 'vertex');
  return (
    header.elements.some((e) => e.name === 'chunk') &&
    vertex?.properties.some((p) => p.name === 'packed_position') === true
  );
}

export async function decodeCompressedPly(
  path: string,
  handle: FileHandle,
  header: PlyHeader,
): Promise<GaussianScene> {
  if (header.format !== 'binary_little_endian')
    throw new SceneReadError(path, 'compressed PLY must be binary_little_endian');
  const chunk = header.elements.find((e) => e.name === 'chunk')!;
  const vertex = header.elements.find((e) => e.name === 'vertex')!;
  const sh = header.elements.find((e) => e.name === 'sh');
  requireProperties(path, chunk, CHUNK_BOUNDS, 'float32');
  const hasChunkColours = chunk.properties.some((p) => p.name === 'min_r');
  if (hasChunkColours) requireProperties(path, chunk, CHUNK_COLOURS, 'float32');
  requireProperties(path, vertex, PACKED, 'uint32');
  if (chunk.count !== Math.ceil(vertex.count / COMPRESSED_CHUNK_SIZE)) {
    throw new SceneReadError(
      path,
      `${chunk.count} chunks cannot hold ${vertex.count} splats at ${COMPRESSED_CHUNK_SIZE} a chunk`,
    );
  }

  const chunkColumns = await readColumns(path, handle, chunk, [
    ...CHUNK_BOUNDS,
    ...(hasChunkColours ? CHUNK_COLOURS : []),
  ]);
  const packed = await readColumns(path, handle, vertex, PACKED);

  let restCount = 0;
  let shColumns: Float64Array[] = [];
  if (sh) {
    restCount = sh.properties.length;
    if (sh.count !== vertex.count)
      throw new SceneReadError(path, `sh element has ${sh.count} rows for ${vertex.count} splats`);
    if (![9, 24, 45].includes(restCount))
      throw new SceneReadError(path, `sh element with ${restCount} properties is not SH degree 1-3`);
    const names = Array.from({ length: restCount }, (_, i) => `f_rest_${i}`);
    requireProperties(path, sh, names, 'uint8');
    shColumns = await readColumns(path, handle, sh, names);
  }

  const scene = createScene(vertex.count, shDegreeFromRestCount(restCount / 3));
  const [
    minX,
    minY,
    minZ,
    maxX,
    maxY,
    maxZ,
    minSx,
    minSy,
    minSz,
    maxSx,
    maxSy,
    maxSz,
    minR,
    minG,
    minB,
    maxR,
    maxG,
    maxB,
  ] = chunkColumns;
  const [pPos, pRot, pScale, pColour] = packed;
  const quaternion = [0, 0, 0, 0];
  for (let i = 0; i < vertex.count; i++) {
    const c = Math.floor(i / COMPRESSED_CHUNK_SIZE);
    const pos = pPos[i];
    scene.positions[i * 3] = lerp(minX[c], maxX[c], unorm(pos >>> 21, 11));
    scene.positions[i * 3 + 1] = lerp(minY[c], maxY[c], unorm(pos >>> 11, 10));
    scene.positions[i * 3 + 2] = lerp(minZ[c], maxZ[c], unorm(pos, 11));
    const scale = pScale[i];
    scene.logScales[i * 3] = lerp(minSx[c], maxSx[c], unorm(scale >>> 21, 11));
    scene.logScales[i * 3 + 1] = lerp(minSy[c], maxSy[c], unorm(scale >>> 11, 10));
    scene.logScales[i * 3 + 2] = lerp(minSz[c], maxSz[c], unorm(scale, 11));

    unpackSmallestThree(pRot[i], quaternion);
    scene.rotations.set(quaternion, i * 4);

    const colour = pColour[i];
    let r = unorm(colour >>> 24, 8);
    let g = unorm(colour >>> 16, 8);
    let b = unorm(colour >>> 8, 8);
    if (hasChunkColours) {
      r = lerp(minR[c], maxR[c], r);
      g = lerp(minG[c], maxG[c], g);
      b = lerp(minB[c], maxB[c], b);
    }
    scene.shDC[i * 3] = (r - 0.5) / SH_C0;
    scene.shDC[i * 3 + 1] = (g - 0.5) / SH_C0;
    scene.shDC[i * 3 + 2] = (b - 0.5) / SH_C0;
    // Opacity is stored as sigmoid(logit) in 8 bits; 0 and 255 map to ±infinity, hence the clamp.
    const alpha = unorm(colour, 8);
    const v = Math.log(alpha / (1 - alpha));
    scene.opacityLogits[i] = Math.min(OPACITY_LOGIT_LIMIT, Math.max(-OPACITY_LOGIT_LIMIT, v));
  }

  if (restCount > 0) {
    const perChannel = restCount / 3;
    for (let j = 0; j < restCount; j++) {
      const channel = Math.floor(j / perChannel);
      const coefficient = j % perChannel;
      const column = shColumns[j];
      for (let i = 0; i < vertex.count; i++) {
        // 8-bit code -> [0,1] (bucket centres, exact 0/1 at the ends) -> SH value in [-4, 4].
        const q = column[i];
        const n = q === 0 ? 0 : q === 255 ? 1 : (q + 0.5) / 256;
        scene.shRest[(i * perChannel + coefficient) * 3 + channel] = (n - 0.5) * 8;
      }
    }
  }
  return scene;
}

/** Smallest-three quaternion: bits 30-31 = index of the largest component (in rot_0..3 = w,x,y,z order),
 *  then three 10-bit unorms of the others scaled to ±1/sqrt(2). Writes w, x, y, z into `out`. */
export function unpackSmallestThree(value: number, out: number[]): void {
  const norm = Math.SQRT2; // 1 / (sqrt(2) / 2)
  const a = (unorm(value >>> 20, 10) - 0.5) * norm;
  const b = (unorm(value >>> 10, 10) - 0.5) * norm;
  const c = (unorm(value, 10) - 0.5) * norm;
  const m = Math.sqrt(Math.max(0, 1 - (a * a + b * b + c * c)));
  const largest = value >>> 30;
  let k = 0;
  const small = [a, b, c];
  for (let i = 0; i < 4; i++) out[i] = i === largest ? m : small[k++];
}

const unorm = (value: number, bits: number): number => {
  const max = (1 << bits) - 1;
  return (value & max) / max;
};
const lerp = (a: number, b: number, t: number): number => a * (1 - t) + b * t;

function requireProperties(path: string, element: PlyElement, names: string[], type: string): void {
  for (const name of names) {
    const p = element.properties.find((q) => q.name === name);
    if (!p) throw new SceneReadError(path, `compressed PLY element "${element.name}" lacks property ${name}`);
    if (p.type !== type)
      throw new SceneReadError(
        path,
        `compressed PLY property ${element.name}.${name} is ${p.type}, expected ${type}`,
      );
  }
}

/** Reads the named properties of a whole element into columns (these elements are small: 16 B a splat). */
async function readColumns(
  path: string,
  handle: FileHandle,
  element: PlyElement,
  names: string[],
): Promise<Float64Array[]> {
  const bytes = new Uint8Array(element.count * element.stride);
  await readFully(path, handle, bytes, bytes.length, element.byteOffset);
  const view = new DataView(bytes.buffer);
  return names.map((name) => {
    const p = element.properties.find((q) => q.name === name)!;
    const column = new Float64Array(element.count);
    for (let i = 0, o = p.offset; i < element.count; i++, o += element.stride) {
      column[i] =
        p.type === 'float32'
          ? view.getFloat32(o, true)
          : p.type === 'uint32'
            ? view.getUint32(o, true)
            : view.getUint8(o);
      if (!Number.isFinite(column[i]))
        throw new SceneReadError(path, `${element.name} ${i} has ${name} = ${column[i]}`);
    }
    return column;
  });
}
