// The .gsz file around its coded chunks: preamble, msgpack header (offsets, lengths and CRCs of every
// section), chunk 0, the SH codebook, chunks 1.. (the first picture does not wait for the codebook).
// Layout: ../../shared/format/FORMAT.md.
import { Packr } from 'msgpackr';
import { crc32 } from '../../shared/format/crc32.ts';
import {
  chunkTableRow,
  GSZ_MAGIC,
  GSZ_PREAMBLE_BYTES,
  GSZ_VERSION,
  type GszCodebookInfo,
  type Vec3,
} from '../../shared/format/gsz-layout.ts';

/** One coded chunk: its columns' streams back to back, and what the header records of it. */
export interface EncodedChunk {
  bytes: Uint8Array;
  count: number;
  level: number;
  bounds: number[];
  columnLengths: number[];
}

/** The header's up: unit length (the decoder checks each component is in [-1, 1]). */
export function unitUp(up: Vec3): Vec3 {
  const length = Math.hypot(...up);
  if (!(length > 0) || !Number.isFinite(length)) throw new RangeError('up vector has zero length');
  return [up[0] / length, up[1] / length, up[2] / length];
}

/**
 * The whole file. `fields`: the header's scene fields (count .. quant, in header order); `codebook`: the coded
 * SH codebook section and its shape, when the scene has SH rest.
 */
export function writeGszFile(
  fields: Record<string, unknown>,
  encoded: EncodedChunk[],
  codebook?: { bytes: Uint8Array; centroids: number; dims: number },
): Uint8Array {
  const codebookBytes = codebook?.bytes;
  const packr = new Packr({ useRecords: false, variableMapSize: true });
  const build = (
    headerLength: number,
    pad: number,
  ): { header: Uint8Array; codebookInfo: GszCodebookInfo | null; offsets: number[] } => {
    let at = GSZ_PREAMBLE_BYTES + headerLength;
    const offsets: number[] = [];
    let codebookInfo: GszCodebookInfo | null = null;
    // The codebook section follows the first chunk (or the header when there are none).
    const placeCodebook = (): void => {
      if (!codebookBytes || !codebook) return;
      codebookInfo = {
        offset: at,
        length: codebookBytes.length,
        crc: crc32(codebookBytes),
        centroids: codebook.centroids,
        dims: codebook.dims,
      };
      at += codebookBytes.length;
    };
    encoded.forEach((chunk, i) => {
      offsets.push(at);
      at += chunk.bytes.length;
      if (i === 0) placeCodebook();
    });
    if (encoded.length === 0) placeCodebook();
    const header = {
      ...fields,
      codebook: codebookInfo,
      chunks: encoded.map((chunk, i) =>
        chunkTableRow({ ...chunk, offset: offsets[i], length: chunk.bytes.length, crc: crc32(chunk.bytes) }),
      ),
      pad: pad > 0 ? 'x'.repeat(pad) : undefined,
    };
    if (pad === 0) delete header.pad;
    return { header: packr.pack(header), codebookInfo, offsets };
  };
  // Offsets depend on the header length and vice versa: iterate to a fixed point, padding if it would shrink.
  let length = 0;
  let pad = 0;
  let built = build(length, pad);
  for (let iteration = 0; built.header.length !== length; iteration++) {
    if (iteration > 20) throw new Error('gsz header layout did not converge');
    if (built.header.length < length) pad += length - built.header.length;
    else length = built.header.length;
    built = build(length, pad);
  }
  const total =
    GSZ_PREAMBLE_BYTES +
    length +
    encoded.reduce((s, c) => s + c.bytes.length, 0) +
    (codebookBytes?.length ?? 0);
  const out = new Uint8Array(total);
  out.set(GSZ_MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint16(4, GSZ_VERSION, true);
  view.setUint16(6, 0, true);
  view.setUint32(8, length, true);
  view.setUint32(12, crc32(built.header), true);
  out.set(built.header, GSZ_PREAMBLE_BYTES);
  encoded.forEach((chunk, i) => {
    out.set(chunk.bytes, built.offsets[i]);
  });
  if (codebookBytes && built.codebookInfo)
    out.set(codebookBytes, (built.codebookInfo as GszCodebookInfo).offset);
  return out;
}
