// .gsz decoder: preamble -> header (msgpack) -> SH codebook -> chunks, each step validated before anything
// is allocated. Runs in Node, a browser main thread and a Worker: no Node APIs here. Format: ./FORMAT.md.
// Every failure is a GszFormatError with a code. This file is the decoder's public face and the whole-file
// paths; the parts: gsz-header-reader.ts (preamble, header), gsz-chunk-decoder.ts (one chunk, by parts),
// column-decoder.ts (the range-coded columns), gsz-dequantize.ts (codes -> floats). The unpacking half
// only: the packer is the encoder's, and the browser bundles should not carry it.
import { createScene, type GaussianScene } from '../scene/gaussian-scene.ts';
import { decodeCodebookHalves } from './column-decoder.ts';
import { decodeGszChunkInto } from './gsz-chunk-decoder.ts';
import { GszFormatError } from './gsz-error.ts';
import { decodeGszHeader } from './gsz-header-reader.ts';
import type { GszHeader } from './gsz-layout.ts';
import { checkSection, checkSectionEnd } from './gsz-sections.ts';
import { fromHalf } from './half.ts';

export {
  decodeGszChunk,
  decodeGszChunkInto,
  decodeGszChunkPart,
  GSZ_CHUNK_PARTS,
} from './gsz-chunk-decoder.ts';
export { GszFormatError } from './gsz-error.ts';
export type { GszErrorCode } from './gsz-error.ts';
export { decodeGszHeader, gszHeaderLength, gszPreambleLength } from './gsz-header-reader.ts';
export type {
  GszBounds,
  GszChunkInfo,
  GszCamera,
  GszCodebookInfo,
  GszHeader,
  GszQuantization,
  GszStepQuant,
} from './gsz-layout.ts';

/** Decodes the SH-rest codebook section (bytes = file.subarray(codebook.offset, offset + length)): [K, dims] floats. */
export function decodeGszCodebook(header: GszHeader, bytes: Uint8Array): Float32Array {
  const info = header.codebook;
  if (!info) throw new GszFormatError('corrupt', 'this file has no SH codebook (SH degree 0)');
  checkSection(bytes, info.length, info.crc, 'codebook');
  const halves = new Uint16Array(info.centroids * info.dims);
  decodeCodebookHalves(bytes, halves, info.dims, 'codebook');
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) {
    const v = fromHalf(halves[i]);
    out[i] = Number.isFinite(v) ? v : 0;
  }
  return out;
}

/**
 * Header plus a check that every section it lists (codebook, chunks) lies inside `bytes` with a matching
 * checksum, without decoding them: what `gs-compress info` needs to call a file whole.
 */
export function checkGszSections(bytes: Uint8Array): GszHeader {
  const header = decodeGszHeader(bytes);
  const sections: [number, number, number, string][] = header.chunks.map((c, i) => [
    c.offset,
    c.length,
    c.crc,
    `chunk ${i}`,
  ]);
  if (header.codebook)
    sections.push([header.codebook.offset, header.codebook.length, header.codebook.crc, 'codebook']);
  for (const [offset, length, crc, what] of sections) {
    checkSectionEnd(bytes, offset, length, what);
    checkSection(bytes.subarray(offset, offset + length), length, crc, what);
  }
  return header;
}

/** A whole file's header and SH codebook, every section checked to lie within the file. */
export interface GszFile {
  header: GszHeader;
  codebook: Float32Array | undefined;
}

/** Parses the header and decodes the codebook of a whole file; the chunks are left to decodeGszChunkInto. */
export function openGsz(bytes: Uint8Array): GszFile {
  const header = decodeGszHeader(bytes);
  const end = (offset: number, length: number, what: string): void =>
    checkSectionEnd(bytes, offset, length, what);
  for (const [i, c] of header.chunks.entries()) end(c.offset, c.length, `chunk ${i}`);
  let codebook: Float32Array | undefined;
  if (header.codebook) {
    end(header.codebook.offset, header.codebook.length, 'codebook');
    codebook = decodeGszCodebook(
      header,
      bytes.subarray(header.codebook.offset, header.codebook.offset + header.codebook.length),
    );
  }
  return { header, codebook };
}

/** Whole file -> one scene (Gaussians in file order), on this thread. */
export function decodeGsz(bytes: Uint8Array): GaussianScene {
  const { header, codebook } = openGsz(bytes);
  const scene = createScene(header.count, header.shDegree, header.antialiased);
  for (const [i, c] of header.chunks.entries())
    decodeGszChunkInto(
      header,
      i,
      bytes.subarray(c.offset, c.offset + c.length),
      codebook,
      scene,
      c.firstSplat,
    );
  return scene;
}
