// Streaming .gsz reader (runs in the decode Worker; pure, also runs under Node for tests): reads the
// preamble, the header, the SH codebook and then each chunk as soon as its bytes have arrived, calling
// back with viewer-packed Gaussians. Works with or without a known total length; memory is bounded by
// the largest section (bytes before the section being read are dropped). Chunks are read in file order,
// whatever their index, and numbered as they are emitted: the viewer's Gaussians [0, n) are always the
// n received so far (the format allows sections in any order).
import {
  decodeGszCodebook,
  decodeGszHeader,
  GszFormatError,
  gszHeaderLength,
  gszPreambleLength,
  type GszHeader,
} from '../../../shared/format/gsz-decoder.ts';
import { type ChunkDecoder, DecodePool } from './decode-pool.ts';
import { checkDrawable } from './header-sanity.ts';
import type { ByteReader } from './network-reader.ts';
import type { PackedSplats } from '../render/packed-splats.ts';
import { shRestWords } from '../render/splat-layout.ts';
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
 * Reads a .gsz from `reader`, stopping after `maxSplats` Gaussians (then cancels the reader). Chunks are
 * decoded by `decoder` (default: on this thread), several at a time when it has helpers, and passed to
 * `on.chunk` in the order they are stored, each placed after the Gaussians already passed (so a file whose
 * chunks are stored out of order still yields a full prefix). Throws GszFormatError for malformed,
 * truncated or undrawable input (header-sanity.ts), and the first error of any decode; failures of `reader`
 * itself propagate unchanged.
 */
export async function readGszStream(
  reader: ByteReader,
  maxSplats: number,
  on: GszStreamCallbacks,
  decoder: ChunkDecoder = new DecodePool([]),
): Promise<void> {
  const queue = new ByteQueue();
  // The first failed decode, raced against every wait below so it ends the load at once.
  let failed: ((e: unknown) => void) | undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  failure.catch(() => undefined);
  const guard = <T>(p: Promise<T>): Promise<T> => Promise.race([p, failure]);
  const need = async (end: number, what: string): Promise<void> => {
    while (queue.end < end) {
      const { done, value } = await guard(reader.read());
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
  decoder.start(header);

  // Sections in file order: the codebook (if any) and the chunks.
  type Section = { offset: number; length: number; chunk: number };
  const sections: Section[] = header.chunks.map((c, i) => ({ offset: c.offset, length: c.length, chunk: i }));
  if (header.codebook)
    sections.push({ offset: header.codebook.offset, length: header.codebook.length, chunk: -1 });
  sections.sort((a, b) => a.offset - b.offset);

  let haveCodebook = false;
  /** Gaussians placed so far, in storage order: the next chunk becomes the viewer's Gaussians from here. */
  let placed = 0;
  // Chunks that came before the codebook are shown DC-only at once, then decoded again (and sent again,
  // overwriting the same range) when the codebook arrives.
  const withoutSh: { chunk: number; bytes: Uint8Array; at: number }[] = [];
  // Emissions chain in storage order; `inFlight` holds each started chunk's emission, oldest first.
  let emitted: Promise<void> = Promise.resolve();
  const inFlight: Promise<void>[] = [];
  let first = true;
  const emit = (chunk: number, bytes: Uint8Array, again?: number): Promise<void> => {
    const at = again ?? placed;
    const n = Math.min(header.chunks[chunk].count, total - at);
    if (n <= 0) return emitted;
    if (again === undefined) placed += n;
    if (header.shDegree > 0 && !haveCodebook) withoutSh.push({ chunk, bytes: bytes.slice(), at });
    const result = decoder.decode(chunk, bytes, n, first);
    first = false;
    result.catch((e) => failed?.(e));
    emitted = emitted.then(async () => {
      const packed = await result;
      // Decoded before the codebook: DC only, SH rest zero until the chunk is sent again.
      if (packed.shDegree !== header.shDegree) {
        packed.shDegree = header.shDegree;
        packed.shRest = new Uint32Array(n * shRestWords(header.shDegree));
      }
      await on.chunk(at, packed);
    });
    emitted.catch((e) => failed?.(e));
    inFlight.push(emitted);
    return emitted;
  };
  for (const section of sections) {
    // Once every wanted Gaussian is in, only a codebook still owed to them is worth reading.
    if (section.chunk >= 0 && placed >= total) {
      if (withoutSh.length === 0) break;
      continue;
    }
    const end = section.offset + section.length;
    await need(end, section.chunk < 0 ? 'the SH codebook' : `chunk ${section.chunk}`);
    const bytes = queue.slice(section.offset, end);
    if (section.chunk < 0) {
      const codebook = decodeGszCodebook(header, bytes);
      decoder.setCodebook(codebook);
      haveCodebook = true;
      for (const pending of withoutSh.splice(0)) emit(pending.chunk, pending.bytes, pending.at);
    } else {
      const isFirst = first;
      const done = emit(section.chunk, bytes);
      // The first chunk waits for its hold (the element's first frame); later ones only for room.
      if (isFirst) await guard(done);
      while (inFlight.length >= decoder.capacity) await guard(inFlight.shift() as Promise<void>);
    }
    queue.drop(end);
  }
  await guard(emitted);
  await reader.cancel().catch(() => undefined);
}
