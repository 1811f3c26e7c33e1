// Parses a PLY header (ASCII text up to `end_header\n`) into elements with typed scalar properties.
// Shared by the INRIA float PLY reader and the PlayCanvas compressed PLY reader; see
// http://paulbourke.net/dataformats/ply/ for the grammar.
import type { FileHandle } from 'node:fs/promises';
import { SceneReadError } from './scene-read-error.ts';

export type PlyScalarType =
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'float32'
  | 'float64';

/** PLY type names (both the classic and the sized spellings) -> canonical type and byte size. */
const TYPES: Record<string, [PlyScalarType, number]> = {
  char: ['int8', 1],
  int8: ['int8', 1],
  uchar: ['uint8', 1],
  uint8: ['uint8', 1],
  short: ['int16', 2],
  int16: ['int16', 2],
  ushort: ['uint16', 2],
  uint16: ['uint16', 2],
  int: ['int32', 4],
  int32: ['int32', 4],
  uint: ['uint32', 4],
  uint32: ['uint32', 4],
  float: ['float32', 4],
  float32: ['float32', 4],
  double: ['float64', 8],
  float64: ['float64', 8],
};

export interface PlyProperty {
  name: string;
  type: PlyScalarType;
  /** Byte offset inside one row of its element. */
  offset: number;
  size: number;
}

export interface PlyElement {
  name: string;
  count: number;
  properties: PlyProperty[];
  /** Bytes per row (all properties are scalars; list properties are rejected). */
  stride: number;
  /** Byte offset of the element's first row from the start of the file. */
  byteOffset: number;
}

export interface PlyHeader {
  format: 'binary_little_endian' | 'binary_big_endian' | 'ascii';
  elements: PlyElement[];
  /** Bytes of header text, including the `end_header` line. */
  headerBytes: number;
  /** Bytes the header says the binary body holds (sum of element sizes). */
  bodyBytes: number;
}

/** Largest header we look for `end_header` in; real 3DGS headers are a few KiB. */
const MAX_HEADER_BYTES = 1 << 20;

/** Reads and parses the header from an open file, without reading the body. */
export async function readPlyHeader(file: string, handle: FileHandle): Promise<PlyHeader> {
  const buffer = Buffer.alloc(MAX_HEADER_BYTES);
  let filled = 0;
  let end = -1;
  const marker = Buffer.from('end_header');
  while (filled < MAX_HEADER_BYTES) {
    const { bytesRead } = await handle.read(
      buffer,
      filled,
      Math.min(65536, MAX_HEADER_BYTES - filled),
      filled,
    );
    if (bytesRead === 0) break;
    filled += bytesRead;
    const at = buffer.subarray(0, filled).indexOf(marker);
    if (at >= 0) {
      const newline = buffer.indexOf(0x0a, at);
      if (newline >= 0 && newline < filled) {
        end = newline + 1;
        break;
      }
    }
  }
  if (
    buffer.subarray(0, 4).toString('latin1') !== 'ply\n' &&
    buffer.subarray(0, 5).toString('latin1') !== 'ply\r\n'
  ) {
    throw new SceneReadError(file, 'not a PLY file (no "ply" magic line)');
  }
  if (end < 0)
    throw new SceneReadError(
      file,
      `PLY header has no end_header line in its first ${MAX_HEADER_BYTES} bytes (truncated or not a PLY file)`,
    );
  return parsePlyHeader(file, buffer.subarray(0, end).toString('latin1'));
}

export function parsePlyHeader(file: string, text: string): PlyHeader {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, '').trim());
  let format: PlyHeader['format'] | undefined;
  const elements: PlyElement[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === '' || line === 'end_header') continue;
    const words = line.split(/\s+/);
    switch (words[0]) {
      case 'comment':
      case 'obj_info':
        break;
      case 'format':
        if (words[1] !== 'binary_little_endian' && words[1] !== 'binary_big_endian' && words[1] !== 'ascii') {
          throw new SceneReadError(file, `unknown PLY format "${words[1]}"`);
        }
        format = words[1];
        break;
      case 'element': {
        const count = Number(words[2]);
        if (words.length !== 3 || !/^\d+$/.test(words[2]) || !Number.isSafeInteger(count)) {
          throw new SceneReadError(file, `bad PLY element line "${line.slice(0, 80)}"`);
        }
        if (elements.some((e) => e.name === words[1]))
          throw new SceneReadError(file, `duplicate PLY element "${words[1].slice(0, 80)}"`);
        elements.push({ name: words[1], count, properties: [], stride: 0, byteOffset: 0 });
        break;
      }
      case 'property': {
        const element = elements.at(-1);
        if (!element)
          throw new SceneReadError(file, `PLY property before any element: "${line.slice(0, 80)}"`);
        if (words[1] === 'list') {
          throw new SceneReadError(
            file,
            `PLY list property "${words.at(-1)}" in element "${element.name}" is not supported`,
          );
        }
        const type = TYPES[words[1]];
        if (!type || words.length !== 3)
          throw new SceneReadError(file, `bad PLY property line "${line.slice(0, 80)}"`);
        if (element.properties.some((p) => p.name === words[2])) {
          throw new SceneReadError(file, `duplicate PLY property "${words[2]}" in element "${element.name}"`);
        }
        element.properties.push({ name: words[2], type: type[0], size: type[1], offset: element.stride });
        element.stride += type[1];
        break;
      }
      default:
        throw new SceneReadError(file, `unexpected PLY header line "${line.slice(0, 80)}"`);
    }
  }
  if (!format) throw new SceneReadError(file, 'PLY header has no format line');
  const headerBytes = Buffer.byteLength(text, 'latin1');
  let offset = headerBytes;
  for (const element of elements) {
    element.byteOffset = offset;
    offset += element.count * element.stride;
  }
  return { format, elements, headerBytes, bodyBytes: offset - headerBytes };
}

/** A reader for one scalar of `type` at `offset` in `view`. */
export function scalarReader(
  type: PlyScalarType,
  littleEndian: boolean,
): (view: DataView, offset: number) => number {
  switch (type) {
    case 'int8':
      return (v, o) => v.getInt8(o);
    case 'uint8':
      return (v, o) => v.getUint8(o);
    case 'int16':
      return (v, o) => v.getInt16(o, littleEndian);
    case 'uint16':
      return (v, o) => v.getUint16(o, littleEndian);
    case 'int32':
      return (v, o) => v.getInt32(o, littleEndian);
    case 'uint32':
      return (v, o) => v.getUint32(o, littleEndian);
    case 'float32':
      return (v, o) => v.getFloat32(o, littleEndian);
    case 'float64':
      return (v, o) => v.getFloat64(o, littleEndian);
  }
}
