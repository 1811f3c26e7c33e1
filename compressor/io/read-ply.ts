// Reads an INRIA-style 3DGS PLY (one `vertex` element of scalar properties) into a GaussianScene.
// The file is streamed through one reused chunk buffer, so peak memory is the scene plus a few MiB.
// Properties are matched by name in any order and of any PLY scalar type; unknown properties (normals,
// colours) are skipped. ASCII PLY is read too (slowly: it is for small hand-made files). A PlayCanvas
// compressed PLY is recognised from its header and handed to its reader.
import type { FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import {
  createScene,
  shDegreeFromRestCount,
  OPACITY_LOGIT_LIMIT,
  type GaussianScene,
} from '../../shared/scene/gaussian-scene.ts';
import { readPlyHeader, type PlyElement, type PlyHeader, type PlyScalarType } from './ply-header.ts';
import { decodeCompressedPly, isCompressedPly } from './read-compressed-ply.ts';
import { openOrThrow, readFully } from './file-read.ts';
import { SceneReadError } from './scene-read-error.ts';

/** Bytes read per chunk: big enough to amortise the syscall, small enough to keep peak memory low. */
const CHUNK_BYTES = 4 << 20;

export async function readPly(path: string): Promise<GaussianScene> {
  const handle = await openOrThrow(path);
  try {
    const header = await readPlyHeader(path, handle);
    if (header.format === 'ascii') {
      if (isCompressedPly(header))
        throw new SceneReadError(path, 'compressed PLY must be binary_little_endian');
      return await readAsciiBody(path, handle, header);
    }
    const { size } = await handle.stat();
    const expected = header.headerBytes + header.bodyBytes;
    if (size < expected) {
      throw new SceneReadError(
        path,
        `truncated: the header promises ${expected} bytes (${describeCounts(header)}) but the file has ${size}`,
      );
    }
    if (size > expected) {
      throw new SceneReadError(
        path,
        `${size - expected} bytes after the last element: the header's counts (${describeCounts(header)}) do not match the file size`,
      );
    }
    if (isCompressedPly(header)) return await decodeCompressedPly(path, handle, header);
    return await readInriaBody(path, handle, header);
  } finally {
    await handle.close();
  }
}

function describeCounts(header: PlyHeader): string {
  return header.elements.map((e) => `${e.count} ${e.name} x ${e.stride} B`).join(', ');
}

const TYPE_CODES: Record<PlyScalarType, number> = {
  int8: 0,
  uint8: 1,
  int16: 2,
  uint16: 3,
  int32: 4,
  uint32: 5,
  float32: 6,
  float64: 7,
};

/** One source property copied into one destination column slot. */
interface Slot {
  name: string;
  offset: number;
  type: number;
  column: Float32Array;
  width: number;
  index: number;
}

const REQUIRED = [
  'x',
  'y',
  'z',
  'f_dc_0',
  'f_dc_1',
  'f_dc_2',
  'opacity',
  'scale_0',
  'scale_1',
  'scale_2',
  'rot_0',
  'rot_1',
  'rot_2',
  'rot_3',
];

async function readInriaBody(path: string, handle: FileHandle, header: PlyHeader): Promise<GaussianScene> {
  const vertex = header.elements.find((e) => e.name === 'vertex');
  if (!vertex) throw new SceneReadError(path, 'PLY has no "vertex" element');
  const scene = planScene(path, vertex);
  const slots = planSlots(vertex, scene);
  const littleEndian = header.format === 'binary_little_endian';
  // Fast path: every used property is a 4-byte-aligned float32 in native byte order, so a Float32Array
  // over the chunk buffer reads them without DataView calls.
  const floatFast =
    littleEndian === (endianness() === 'LE') &&
    vertex.stride % 4 === 0 &&
    slots.every((s) => s.type === TYPE_CODES.float32 && s.offset % 4 === 0);

  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_BYTES / Math.max(1, vertex.stride)));
  const buffer = new Uint8Array(rowsPerChunk * vertex.stride);
  const view = new DataView(buffer.buffer);
  const floats = new Float32Array(buffer.buffer, 0, buffer.byteLength >> 2);
  const floatStride = vertex.stride >> 2;
  const floatOffsets = Int32Array.from(slots, (s) => s.offset >> 2);

  for (let first = 0; first < vertex.count; first += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, vertex.count - first);
    await readFully(path, handle, buffer, rows * vertex.stride, vertex.byteOffset + first * vertex.stride);
    for (let s = 0; s < slots.length; s++) {
      const { column, width, index, type, offset } = slots[s];
      // Opacity logits of ±Infinity (opacity exactly 1 or 0, as decoders of 8-bit alpha write) mean something
      // and are clamped below; NaN anywhere and infinities elsewhere are corrupt input.
      const allowInfinity = slots[s].column === scene.opacityLogits;
      let dest = first * width + index;
      if (floatFast) {
        let src = floatOffsets[s];
        for (let r = 0; r < rows; r++, src += floatStride, dest += width) {
          const v = floats[src];
          if (v - v !== 0 && (Number.isNaN(v) || !allowInfinity))
            throw nonFinite(path, first + r, slots[s].name, v);
          column[dest] = v;
        }
      } else {
        let src = offset;
        for (let r = 0; r < rows; r++, src += vertex.stride, dest += width) {
          const v = readScalar(view, src, type, littleEndian);
          if (v - v !== 0 && (Number.isNaN(v) || !allowInfinity))
            throw nonFinite(path, first + r, slots[s].name, v);
          column[dest] = v;
        }
      }
    }
  }
  clampOpacity(scene.opacityLogits);
  return scene;
}

/** ASCII PLY: whitespace-separated numbers, one row per line, streamed in chunks like the binary body. */
async function readAsciiBody(path: string, handle: FileHandle, header: PlyHeader): Promise<GaussianScene> {
  const vertex = header.elements.find((e) => e.name === 'vertex');
  if (!vertex) throw new SceneReadError(path, 'PLY has no "vertex" element');
  const scene = planScene(path, vertex);
  const slots = planSlots(vertex, scene);
  const slotOf = vertex.properties.map((p) => slots.find((s) => s.name === p.name));
  // Values to skip before the vertex rows (elements listed before it), and values in the vertex rows.
  let skip = 0;
  for (const element of header.elements) {
    if (element === vertex) break;
    skip += element.count * element.properties.length;
  }
  const perRow = vertex.properties.length;
  const total = vertex.count * perRow;
  let seen = 0; // vertex values consumed so far
  let carry = '';
  const buffer = new Uint8Array(CHUNK_BYTES);
  const decoder = new TextDecoder('latin1');
  const take = (token: string) => {
    if (skip > 0) {
      skip--;
      return;
    }
    if (seen >= total) return; // elements after the vertex element are not needed
    const property = seen % perRow;
    const row = (seen - property) / perRow;
    seen++;
    const slot = slotOf[property];
    if (!slot) return;
    const v = Number(token);
    if (Number.isNaN(v))
      throw new SceneReadError(path, `vertex ${row} has ${slot.name} = "${token}" (not a number)`);
    if (!Number.isFinite(v) && slot.column !== scene.opacityLogits) throw nonFinite(path, row, slot.name, v);
    slot.column[row * slot.width + slot.index] = v;
  };
  for (let position = header.headerBytes; ; ) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    position += bytesRead;
    const text = carry + decoder.decode(buffer.subarray(0, bytesRead));
    const tokens = text.split(/\s+/);
    // The last token may continue in the next chunk, unless this was the end of the file.
    carry = bytesRead === 0 ? '' : tokens.pop()!;
    for (const token of tokens) if (token !== '') take(token);
    if (bytesRead === 0) break;
  }
  if (seen < total)
    throw new SceneReadError(
      path,
      `truncated: ${vertex.count} vertices of ${perRow} values promised, ${seen} values found`,
    );
  clampOpacity(scene.opacityLogits);
  return scene;
}

function clampOpacity(opacity: Float32Array): void {
  for (let i = 0; i < opacity.length; i++) {
    opacity[i] = Math.min(OPACITY_LOGIT_LIMIT, Math.max(-OPACITY_LOGIT_LIMIT, opacity[i]));
  }
}

function readScalar(view: DataView, offset: number, type: number, littleEndian: boolean): number {
  switch (type) {
    case 0:
      return view.getInt8(offset);
    case 1:
      return view.getUint8(offset);
    case 2:
      return view.getInt16(offset, littleEndian);
    case 3:
      return view.getUint16(offset, littleEndian);
    case 4:
      return view.getInt32(offset, littleEndian);
    case 5:
      return view.getUint32(offset, littleEndian);
    case 6:
      return view.getFloat32(offset, littleEndian);
    default:
      return view.getFloat64(offset, littleEndian);
  }
}

function nonFinite(path: string, row: number, property: string, value: number): SceneReadError {
  return new SceneReadError(path, `vertex ${row} has ${property} = ${value} (not a finite number)`);
}

/** Checks required properties, derives the SH degree from the f_rest_* count, allocates the scene. */
function planScene(path: string, vertex: PlyElement): GaussianScene {
  const names = new Set(vertex.properties.map((p) => p.name));
  const missing = REQUIRED.filter((n) => !names.has(n));
  if (missing.length > 0)
    throw new SceneReadError(path, `PLY vertex element lacks required properties: ${missing.join(' ')}`);
  const rest = vertex.properties
    .filter((p) => /^f_rest_\d+$/.test(p.name))
    .map((p) => Number(p.name.slice(7)));
  rest.sort((a, b) => a - b);
  if (rest.some((n, i) => n !== i)) {
    throw new SceneReadError(path, `f_rest_* properties are not numbered 0..${rest.length - 1} without gaps`);
  }
  if (rest.length % 3 !== 0 || ![0, 3, 8, 15].includes(rest.length / 3)) {
    throw new SceneReadError(
      path,
      `${rest.length} f_rest_* properties is not an SH degree 0-3 layout (0, 9, 24 or 45)`,
    );
  }
  return createScene(vertex.count, shDegreeFromRestCount(rest.length / 3));
}

function planSlots(vertex: PlyElement, scene: GaussianScene): Slot[] {
  const restPerChannel = scene.shRest.length / Math.max(1, scene.count) / 3;
  const slots: Slot[] = [];
  for (const p of vertex.properties) {
    const put = (column: Float32Array, width: number, index: number) => {
      slots.push({ name: p.name, offset: p.offset, type: TYPE_CODES[p.type], column, width, index });
    };
    const xyz = ['x', 'y', 'z'].indexOf(p.name);
    if (xyz >= 0) {
      put(scene.positions, 3, xyz);
      continue;
    }
    let m = /^f_dc_([0-2])$/.exec(p.name);
    if (m) {
      put(scene.shDC, 3, Number(m[1]));
      continue;
    }
    m = /^scale_([0-2])$/.exec(p.name);
    if (m) {
      put(scene.logScales, 3, Number(m[1]));
      continue;
    }
    m = /^rot_([0-3])$/.exec(p.name);
    if (m) {
      put(scene.rotations, 4, Number(m[1]));
      continue;
    }
    if (p.name === 'opacity') {
      put(scene.opacityLogits, 1, 0);
      continue;
    }
    m = /^f_rest_(\d+)$/.exec(p.name);
    if (m && restPerChannel > 0) {
      // The PLY stores SH channel-major (f_rest_[c*K + k]); the scene is coefficient-major, RGB interleaved.
      const j = Number(m[1]);
      const channel = Math.floor(j / restPerChannel);
      const coefficient = j % restPerChannel;
      put(scene.shRest, restPerChannel * 3, coefficient * 3 + channel);
    }
  }
  return slots;
}
