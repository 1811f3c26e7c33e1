// zstd compression for the writers of formats whose standard codec is zstd (SPZ v4), through `zstd-codec`
// (Emscripten; its wasm heap is capped: one 1 MiB input at level 19 or 4 MiB at level 9 aborts, 1 MiB at
// level 9 works — docs/toolchain.md). So a buffer is compressed as a run of independent frames of at
// most FRAME_BYTES each; the zstd format defines concatenated frames as the concatenation of their
// contents, and the reference decoder (ZSTD_decompress) and fzstd both read such a stream.
import { createRequire } from 'node:module';

/** Largest input handed to one zstd-codec call (see above). */
export const FRAME_BYTES = 1 << 20;
/** Measured on SPZ streams (compressor/io/README.md): 1 MiB frames ran out of heap at level 12. */
export const DEFAULT_ZSTD_LEVEL = 9;

interface ZstdSimple {
  compress(data: Uint8Array, level: number): Uint8Array | null;
}
interface ZstdApi {
  Simple: new () => ZstdSimple;
}
interface ZstdCodecModule {
  ZstdCodec: { run(callback: (zstd: ZstdApi) => void): void };
}

let ready: Promise<ZstdApi> | undefined;
function zstdApi(): Promise<ZstdApi> {
  ready ??= new Promise((resolve) => {
    const module = createRequire(import.meta.url)('zstd-codec') as ZstdCodecModule;
    module.ZstdCodec.run(resolve);
  });
  return ready;
}

/** `data` as one or more zstd frames of at most FRAME_BYTES of content each. */
export async function zstdCompressFrames(data: Uint8Array, level = DEFAULT_ZSTD_LEVEL): Promise<Uint8Array> {
  const simple = new (await zstdApi()).Simple();
  const frames: Uint8Array[] = [];
  let total = 0;
  for (let start = 0; start < Math.max(1, data.length); start += FRAME_BYTES) {
    const frame = simple.compress(data.subarray(start, Math.min(data.length, start + FRAME_BYTES)), level);
    if (!frame) throw new Error(`zstd-codec failed to compress ${data.length} bytes at level ${level}`);
    frames.push(frame);
    total += frame.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const frame of frames) {
    out.set(frame, at);
    at += frame.length;
  }
  return out;
}
