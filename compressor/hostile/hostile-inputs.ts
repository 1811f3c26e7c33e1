// Generators of small valid inputs for the hostile suite (each test then damages one thing): an INRIA PLY,
// an SPZ v2 (gzip), a SOG bundle of 2x2 lossless WebP textures, a .gsz, plus a streamed gzip bomb and a
// .gsz header rewriter. Test-only.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createGzip, gzipSync } from 'node:zlib';
import encode, { init } from '@jsquash/webp/encode.js';
import { Packr, Unpackr } from 'msgpackr';
import { crc32 } from '../../shared/format/crc32.ts';
import { GSZ_PREAMBLE_BYTES } from '../../shared/format/gsz-layout.ts';
import type { ShDegree } from '../../shared/scene/gaussian-scene.ts';
import { buildPly, randomScene, sceneColumns, type PlyColumn } from '../io/test-helpers.ts';
import { encodeGsz } from '../pack/gsz-encoder.ts';

/** INRIA float PLY columns of a small random scene (`mutate` may change them before building). */
export function plyColumns(count = 8, degree: ShDegree = 0): PlyColumn[] {
  return sceneColumns(randomScene(count, degree, 7));
}

/** A binary PLY whose property `name` of vertex `index` is `value` (float32 holds NaN/±Inf/3e38). */
export function plyWithValue(name: string, index: number, value: number, degree: ShDegree = 0): Uint8Array {
  const columns = plyColumns(8, degree).map((c) => {
    if (c.name !== name) return c;
    const values = Array.from(c.values);
    values[index] = value;
    return { ...c, values };
  });
  return buildPly(columns);
}

/** A valid PLY as text header + body, for header surgery. */
export function plyText(header: string[], body = ''): Uint8Array {
  return new TextEncoder().encode(`${['ply', ...header, 'end_header'].join('\n')}\n${body}`);
}

const SPZ_MAGIC = 0x5053474e;

/** SPZ v2 payload (before gzip): header + arrays for `count` splats at SH degree 0. */
export function spzPayload(count: number, claimedCount = count): Uint8Array {
  const arrays = count * (9 + 1 + 3 + 3 + 3);
  const out = new Uint8Array(16 + arrays);
  const view = new DataView(out.buffer);
  view.setUint32(0, SPZ_MAGIC, true);
  view.setUint32(4, 2, true);
  view.setUint32(8, claimedCount, true);
  out[12] = 0; // SH degree
  out[13] = 12; // fractional bits
  // Rotations (last array at degree 0): xyz = 128 -> near-identity quaternion.
  out.fill(128, 16 + count * 16);
  return out;
}

export const spzFile = (count = 10): Uint8Array => new Uint8Array(gzipSync(spzPayload(count)));

/** A gzip stream of a valid 10-splat SPZ payload followed by `extraBytes` zeros, streamed (no big buffer). */
export async function spzBomb(extraBytes: number, count = 10): Promise<Uint8Array> {
  const gzip = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on('data', (b: Buffer) => parts.push(b));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  gzip.write(spzPayload(count));
  const zeros = Buffer.alloc(16 << 20);
  for (let left = extraBytes; left > 0; left -= zeros.length) {
    const piece = left >= zeros.length ? zeros : zeros.subarray(0, left);
    if (!gzip.write(piece)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return new Uint8Array(Buffer.concat(parts));
}

let webpReady: Promise<unknown> | undefined;
async function losslessWebp(rgba: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  webpReady ??= (async () => {
    const wasm = await readFile(
      createRequire(import.meta.url).resolve('@jsquash/webp/codec/enc/webp_enc.wasm'),
    );
    await (init as unknown as (module: WebAssembly.Module) => Promise<unknown>)(
      await WebAssembly.compile(wasm),
    );
  })();
  await webpReady;
  const image = { data: new Uint8ClampedArray(rgba), width, height, colorSpace: 'srgb' } as ImageData;
  return new Uint8Array(await encode(image, { lossless: 1, exact: 1 }));
}

export interface SogParts {
  meta: Record<string, unknown>;
  files: Record<string, Uint8Array>;
}

/** A valid 4-splat SOG (SH degree 0): meta.json fields and its five 2x2 textures. */
export async function sogParts(): Promise<SogParts> {
  const plain = (r: number, g: number, b: number, a: number) =>
    losslessWebp(
      new Uint8Array(16).map((_, i) => [r, g, b, a][i % 4]),
      2,
      2,
    );
  const book = Array.from({ length: 256 }, (_, i) => -4 + (8 * i) / 255);
  return {
    meta: {
      version: 2,
      count: 4,
      means: { mins: [-1, -1, -1], maxs: [1, 1, 1], files: ['means_l.webp', 'means_u.webp'] },
      scales: { codebook: book, files: ['scales.webp'] },
      quats: { files: ['quats.webp'] },
      sh0: { codebook: book, files: ['sh0.webp'] },
    },
    files: {
      'means_l.webp': await plain(10, 20, 30, 255),
      'means_u.webp': await plain(128, 128, 128, 255),
      'quats.webp': await plain(128, 128, 128, 255),
      'scales.webp': await plain(100, 100, 100, 255),
      'sh0.webp': await plain(140, 120, 100, 200),
    },
  };
}

/** A small valid .gsz (SH degree 0: no k-means). */
export function gszFile(count = 300): Promise<Uint8Array> {
  return encodeGsz(randomScene(count, 0, 3));
}

/** `gsz` with its msgpack header rewritten by `edit` (sections moved, offsets, length and CRC updated). */
export function editGszHeader(gsz: Uint8Array, edit: (header: Record<string, unknown>) => void): Uint8Array {
  const view = new DataView(gsz.buffer, gsz.byteOffset, gsz.byteLength);
  const length = view.getUint32(8, true);
  const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });
  const header = unpackr.unpack(gsz.subarray(GSZ_PREAMBLE_BYTES, GSZ_PREAMBLE_BYTES + length)) as Record<
    string,
    unknown
  >;
  edit(header);
  const packr = new Packr({ useRecords: false, variableMapSize: true });
  const chunks = header.chunks as number[][];
  const codebook = header.codebook as { offset: number } | null | undefined;
  const original = chunks.map((c) => c[0]);
  const originalCodebook = codebook?.offset;
  let packed = packr.pack(header);
  for (let round = 0; round < 8; round++) {
    const delta = packed.length - length;
    chunks.forEach((c, i) => {
      c[0] = original[i] + delta;
    });
    if (codebook && originalCodebook !== undefined) codebook.offset = originalCodebook + delta;
    const next = packr.pack(header);
    if (next.length === packed.length) break;
    packed = next;
  }
  packed = packr.pack(header);
  const rest = gsz.subarray(GSZ_PREAMBLE_BYTES + length);
  const out = new Uint8Array(GSZ_PREAMBLE_BYTES + packed.length + rest.length);
  out.set(gsz.subarray(0, GSZ_PREAMBLE_BYTES));
  out.set(packed, GSZ_PREAMBLE_BYTES);
  out.set(rest, GSZ_PREAMBLE_BYTES + packed.length);
  const outView = new DataView(out.buffer);
  outView.setUint32(8, packed.length, true);
  outView.setUint32(12, crc32(packed), true);
  return out;
}

const CHUNK_BOUNDS = ['min_x', 'min_y', 'min_z', 'max_x', 'max_y', 'max_z'];
const CHUNK_SCALES = [
  'min_scale_x',
  'min_scale_y',
  'min_scale_z',
  'max_scale_x',
  'max_scale_y',
  'max_scale_z',
];

/**
 * A PlayCanvas compressed PLY of `splats` splats in `chunks` chunk rows; `bounds` are each chunk's twelve
 * floats (position min/max, log-scale min/max).
 */
export function compressedPly(splats: number, chunks: number, bounds: number[]): Uint8Array {
  const header = [
    'format binary_little_endian 1.0',
    `element chunk ${chunks}`,
    ...[...CHUNK_BOUNDS, ...CHUNK_SCALES].map((n) => `property float ${n}`),
    `element vertex ${splats}`,
    ...['packed_position', 'packed_rotation', 'packed_scale', 'packed_color'].map(
      (n) => `property uint ${n}`,
    ),
  ];
  const text = plyText(header);
  const out = new Uint8Array(text.length + chunks * 48 + splats * 16);
  out.set(text);
  const view = new DataView(out.buffer);
  for (let c = 0; c < chunks; c++)
    for (let k = 0; k < 12; k++) view.setFloat32(text.length + c * 48 + k * 4, bounds[k] ?? 0, true);
  for (let i = 0; i < splats; i++) {
    const at = text.length + chunks * 48 + i * 16;
    view.setUint32(at, 0x80100400, true); // mid-range position
    view.setUint32(at + 4, 0x20080200, true); // smallest-three rotation: largest w, others near 0
    view.setUint32(at + 8, 0x80100400, true);
    view.setUint32(at + 12, 0x808080c0, true);
  }
  return out;
}
