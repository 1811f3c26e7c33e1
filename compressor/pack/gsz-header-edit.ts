// Rewrites the view fields of a .gsz header (up, background, default camera) without touching the coded
// sections: the chunks and codebook are copied byte for byte, and every section offset in the header
// moves by the change in header length (the header records absolute file offsets). The new header's CRC
// is recomputed, and the result is validated by the decoder before it is returned.
import { Packr, Unpackr } from 'msgpackr';
import { crc32 } from '../../shared/format/crc32.ts';
import { decodeGszHeader } from '../../shared/format/gsz-decoder.ts';
import { GszFormatError } from '../../shared/format/gsz-error.ts';
import { GSZ_PREAMBLE_BYTES, type GszCamera, type Vec3 } from '../../shared/format/gsz-layout.ts';
import { unitUp } from './gsz-encoder.ts';

export interface GszViewEdit {
  up?: Vec3;
  /** A colour (sRGB in [0, 1]), or null to remove the recorded background. */
  background?: Vec3 | null;
  /** A default camera, or null to remove it (viewers then frame the scene). */
  camera?: GszCamera | null;
}

type RawHeader = Record<string, unknown>;

/** The file with its header's view fields changed; throws GszFormatError on an invalid input file. */
export function editGszHeader(bytes: Uint8Array, edit: GszViewEdit): Uint8Array {
  const before = decodeGszHeader(bytes);
  const raw = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' }).unpack(
    bytes.subarray(GSZ_PREAMBLE_BYTES, before.headerEnd),
  ) as RawHeader;
  if (edit.up) raw.up = unitUp(edit.up);
  if (edit.background !== undefined) setOrDelete(raw, 'background', edit.background);
  if (edit.camera !== undefined) setOrDelete(raw, 'camera', edit.camera);
  delete raw.pad;
  const originalOffsets = {
    chunks: (raw.chunks as number[][]).map((c) => c[0]),
    codebook: (raw.codebook as { offset: number } | null)?.offset,
  };
  const packr = new Packr({ useRecords: false, variableMapSize: true });
  // Offsets depend on the header length and vice versa: iterate to a fixed point, padding if it would shrink.
  const build = (length: number, pad: number): Uint8Array => {
    const shift = GSZ_PREAMBLE_BYTES + length - before.headerEnd;
    (raw.chunks as number[][]).forEach((c, i) => {
      c[0] = originalOffsets.chunks[i] + shift;
    });
    if (raw.codebook && originalOffsets.codebook !== undefined)
      (raw.codebook as { offset: number }).offset = originalOffsets.codebook + shift;
    if (pad > 0) raw.pad = 'x'.repeat(pad);
    else delete raw.pad;
    return packr.pack(raw);
  };
  let length = before.headerEnd - GSZ_PREAMBLE_BYTES;
  let pad = 0;
  let header = build(length, pad);
  for (let iteration = 0; header.length !== length; iteration++) {
    if (iteration > 20) throw new Error('gsz header layout did not converge');
    if (header.length < length) pad += length - header.length;
    else length = header.length;
    header = build(length, pad);
  }
  const body = bytes.subarray(before.headerEnd);
  const out = new Uint8Array(GSZ_PREAMBLE_BYTES + header.length + body.length);
  out.set(bytes.subarray(0, GSZ_PREAMBLE_BYTES), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, header.length, true);
  view.setUint32(12, crc32(header), true);
  out.set(header, GSZ_PREAMBLE_BYTES);
  out.set(body, GSZ_PREAMBLE_BYTES + header.length);
  try {
    decodeGszHeader(out);
  } catch (error) {
    if (error instanceof GszFormatError) throw new RangeError(error.message);
    throw error;
  }
  return out;
}

function setOrDelete(raw: RawHeader, key: string, value: unknown): void {
  if (value === null) delete raw[key];
  else raw[key] = value;
}
