// Builds hostile-but-checksummed variants of a valid .gsz for the element's tests (hostile e2e routes,
// component unit tests): header fields rewritten with the header CRC recomputed, and sections moved to
// another file order with their offsets updated. Node only.
import { Packr, Unpackr } from 'msgpackr';
import { crc32 } from '../shared/format/crc32.ts';
import { GSZ_PREAMBLE_BYTES } from '../shared/format/gsz-layout.ts';

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
const packr = new Packr({ useRecords: false, variableMapSize: true });

/** The raw msgpack header: chunks are [offset, length, crc, count, level, ...bounds(6), ...columns]. */
export type RawHeader = Record<string, unknown> & {
  count: number;
  chunks: number[][];
  codebook: { offset: number; length: number } | null;
  up: number[];
  bounds: number[];
};

function headerLength(file: Uint8Array): number {
  return new DataView(file.buffer, file.byteOffset).getUint32(8, true);
}

export function readRawHeader(file: Uint8Array): RawHeader {
  return unpackr.unpack(
    file.subarray(GSZ_PREAMBLE_BYTES, GSZ_PREAMBLE_BYTES + headerLength(file)),
  ) as RawHeader;
}

/** Preamble + `header` + `body`, with section offsets (given relative to the body) made absolute. */
function assemble(preamble: Uint8Array, header: RawHeader, body: Uint8Array): Uint8Array {
  let packed: Uint8Array = new Uint8Array();
  // Offsets count the header's own length, which depends on the offsets' encoding: settle it.
  for (let headerBytes = headerLength(preamble), i = 0; i < 4; i++) {
    const h = structuredClone(header);
    const base = GSZ_PREAMBLE_BYTES + headerBytes;
    for (const c of h.chunks) c[0] += base;
    if (h.codebook) h.codebook.offset += base;
    packed = packr.pack(h);
    if (packed.length === headerBytes) break;
    headerBytes = packed.length;
  }
  const out = new Uint8Array(GSZ_PREAMBLE_BYTES + packed.length + body.length);
  out.set(preamble.subarray(0, 8));
  const view = new DataView(out.buffer);
  view.setUint32(8, packed.length, true);
  view.setUint32(12, crc32(packed), true);
  out.set(packed, GSZ_PREAMBLE_BYTES);
  out.set(body, GSZ_PREAMBLE_BYTES + packed.length);
  return out;
}

/** `file` with its header changed by `mutate` (sections keep their bytes and order). */
export function rewriteHeader(file: Uint8Array, mutate: (header: RawHeader) => void): Uint8Array {
  const header = readRawHeader(file);
  const bodyStart = GSZ_PREAMBLE_BYTES + headerLength(file);
  for (const c of header.chunks) c[0] -= bodyStart;
  if (header.codebook) header.codebook.offset -= bodyStart;
  mutate(header);
  return assemble(file, header, file.subarray(bodyStart));
}

/** `file` with its chunks stored in the file order `order` (chunk indices; the codebook stays first). */
export function reorderChunks(file: Uint8Array, order: number[]): Uint8Array {
  const header = readRawHeader(file);
  const parts: Uint8Array[] = [];
  let at = 0;
  const place = (offset: number, length: number): number => {
    parts.push(file.subarray(offset, offset + length));
    at += length;
    return at - length;
  };
  if (header.codebook) header.codebook.offset = place(header.codebook.offset, header.codebook.length);
  for (const i of order) header.chunks[i][0] = place(header.chunks[i][0], header.chunks[i][1]);
  const body = new Uint8Array(at);
  let o = 0;
  for (const p of parts) {
    body.set(p, o);
    o += p.length;
  }
  return assemble(file, header, body);
}
