// zstd compression for the encoder via zstd-codec (Emscripten; its wasm heap is small, see
// ../../../shared/TOOLCHAIN.md): callers compress one column of one chunk at a time, and every frame is
// kept at or below MAX_FRAME_INPUT so no level used here can exhaust the heap.
import zstdCodec from 'zstd-codec';

/** Largest input per frame: 1 MiB worked at level 9 and 4 MiB failed there (TOOLCHAIN.md); 19 failed at 1 MiB. */
export const MAX_FRAME_INPUT = 1 << 20;
export const MAX_LEVEL = 19;

export class ZstdError extends Error {
  override name = 'ZstdError';
}

interface Simple {
  compress(data: Uint8Array, level?: number): Uint8Array | null;
}
let simple: Promise<Simple> | undefined;

function codec(): Promise<Simple> {
  simple ??= new Promise((resolve) => zstdCodec.ZstdCodec.run((zstd) => resolve(new zstd.Simple())));
  return simple;
}

/** One zstd frame of `data` (content size recorded in the frame header). */
export async function zstdCompress(data: Uint8Array, level: number): Promise<Uint8Array> {
  if (data.length > MAX_FRAME_INPUT) throw new ZstdError(`zstd frame input ${data.length} bytes exceeds ${MAX_FRAME_INPUT}`);
  // Levels above 12 use much more wasm heap; cap by input size (measured safe: 19 at 256 KiB).
  const safeLevel = data.length > 256 * 1024 ? Math.min(level, 9) : Math.min(level, MAX_LEVEL);
  const out = (await codec()).compress(data, safeLevel);
  if (!out) throw new ZstdError(`zstd compression of ${data.length} bytes failed at level ${safeLevel}`);
  return out.slice();
}
