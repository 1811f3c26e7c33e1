// Streaming .gsz reader (runs in the decode Worker; pure, also runs under Node for tests): reads the
// preamble, the header, the SH codebook and then each chunk as soon as its bytes have arrived, calling
// back with viewer-packed Gaussians. Works with or without a known total length; memory is bounded by
// the largest section (bytes before the section being read are dropped). Chunks are read in file order,
// whatever their index, and numbered as they are emitted: the viewer's Gaussians [0, n) are always the
// n received so far (the format allows sections in any order).
import {
  decodeGszChunk,
  decodeGszCodebook,
  decodeGszHeader,
  GszFormatError,
  gszHeaderLength,
  gszPreambleLength,
  type GszHeader,
} from '../../shared/format/gsz-decoder.ts';
import { checkDrawable } from './header-sanity.ts';
import type { ByteReader } from './network-reader.ts';
import { packSplats, type PackedSplats } from './render/packed-splats.ts';
import { shRestWords } from './render/splat-layout.ts';
import type { SceneInfo } from './worker-protocol.ts';

export interface GszStreamCallbacks {
  header(scene: SceneInfo, header: GszHeader): void;
  /** A chunk is decoded into the viewer's Gaussians [first, first + packed.count) (numbered in arrival
   *  order, not the file's); a returned promise holds back reading and decoding until it settles. */
  chunk(first: number, packed: PackedSplats): void | Promise<void>;
  /** Called after every network read with the bytes received so far. */
  bytes(loaded: number): void;
}

/** Append-only byte queue addressed by absolute file offsets. */
class ByteQueue {
  private parts: Uint8Array[] = [];
  /** File offset of parts[0][0]. */
  private start = 0;
  /** File offset just past the last byte received. */
  end = 0;

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.parts.push(bytes);
    this.end += bytes.length;
  }

  /** Bytes [from, to) as one array (copied only when they span several parts). */
  slice(from: number, to: number): Uint8Array {
    if (from < this.start || to > this.end) throw new RangeError(`bytes ${from}..${to} not buffered`);
    let offset = this.start;
    for (const part of this.parts) {
      if (from >= offset && to <= offset + part.length) return part.subarray(from - offset, to - offset);
      if (from < offset + part.length) break;
      offset += part.length;
    }
    const out = new Uint8Array(to - from);
    offset = this.start;
    for (const part of this.parts) {
      const lo = Math.max(from, offset);
      const hi = Math.min(to, offset + part.length);
      if (hi > lo) out.set(part.subarray(lo - offset, hi - offset), lo - from);
      offset += part.length;
    }
    return out;
  }

  /** Forgets everything before `offset`. */
  drop(offset: number): void {
    while (this.parts.length > 0 && this.start + this.parts[0].length <= offset) {
      this.start += this.parts[0].length;
      this.parts.shift();
    }
  }
}

/**
 * Reads a .gsz from `reader`, stopping after `maxSplats` Gaussians (then cancels the reader).
 * Throws GszFormatError for malformed, truncated or undrawable input (header-sanity.ts); failures of
 * `reader` itself propagate unchanged.
 */
export async function readGszStream(
  reader: ByteReader,
  maxSplats: number,
  on: GszStreamCallbacks,
): Promise<void> {
  const queue = new ByteQueue();
  const need = async (end: number, what: string): Promise<void> => {
    while (queue.end < end) {
      const { done, value } = await reader.read();
      if (done)
        throw new GszFormatError('truncated', `stream ended at byte ${queue.end}, ${what} needs ${end}`);
      queue.push(value);
      on.bytes(queue.end);
    }
  };
  await need(gszPreambleLength(), 'the preamble');
  const headerEnd = gszHeaderLength(queue.slice(0, gszPreambleLength()));
  await need(headerEnd, 'the header');
  const header = decodeGszHeader(queue.slice(0, headerEnd));
  checkDrawable(header);
  const total = Math.min(header.count, Math.max(0, Math.floor(maxSplats)));
  const scene: SceneInfo = {
    count: total,
    shDegree: header.shDegree,
    antialiased: header.antialiased,
    bounds: header.bounds,
    up: header.up,
    focus: header.focus,
    background: header.background,
    camera: header.camera,
  };
  on.header(scene, header);

  // Sections in file order: the codebook (if any) and the chunks.
  type Section = { offset: number; length: number; chunk: number };
  const sections: Section[] = header.chunks.map((c, i) => ({ offset: c.offset, length: c.length, chunk: i }));
  if (header.codebook)
    sections.push({ offset: header.codebook.offset, length: header.codebook.length, chunk: -1 });
  sections.sort((a, b) => a.offset - b.offset);

  let codebook: Float32Array | undefined;
  /** Gaussians emitted so far: the next chunk becomes the viewer's Gaussians from here. */
  let emitted = 0;
  // Chunks that came before the codebook are shown DC-only at once, then decoded again (and sent again,
  // overwriting the same range) when the codebook arrives.
  const withoutSh: { chunk: number; bytes: Uint8Array; at: number }[] = [];
  const emit = (chunk: number, bytes: Uint8Array, again?: number): void | Promise<void> => {
    const decoded = decodeGszChunk(header, chunk, bytes, codebook);
    const at = again ?? emitted;
    const n = Math.min(decoded.count, total - at);
    if (n <= 0) return;
    const packed = packSplats(decoded, n);
    if (packed.shDegree !== header.shDegree) {
      packed.shDegree = header.shDegree;
      packed.shRest = new Uint32Array(n * shRestWords(header.shDegree));
      withoutSh.push({ chunk, bytes: bytes.slice(), at });
    }
    if (again === undefined) emitted += n;
    return on.chunk(at, packed);
  };
  for (const section of sections) {
    // Once every wanted Gaussian is in, only a codebook still owed to them is worth reading.
    if (section.chunk >= 0 && emitted >= total) {
      if (withoutSh.length === 0) break;
      continue;
    }
    const end = section.offset + section.length;
    await need(end, section.chunk < 0 ? 'the SH codebook' : `chunk ${section.chunk}`);
    const bytes = queue.slice(section.offset, end);
    if (section.chunk < 0) {
      codebook = decodeGszCodebook(header, bytes);
      for (const pending of withoutSh.splice(0)) emit(pending.chunk, pending.bytes, pending.at);
    } else {
      const hold = emit(section.chunk, bytes);
      queue.drop(end);
      if (hold) await hold;
      continue;
    }
    queue.drop(end);
  }
  await reader.cancel().catch(() => undefined);
}
