// Decodes WebP images (SOG stores its attribute textures as lossless WebP) to RGBA8 with @jsquash/webp, the
// Squoosh build of libwebp compiled to WebAssembly. In Node the wasm cannot be fetched by URL, so we compile
// it from the package's file once and hand the module to the codec's init().
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import decode, { init } from '@jsquash/webp/decode.js';

export interface RgbaImage {
  width: number;
  height: number;
  /** [height, width, 4] row-major RGBA8. */
  data: Uint8Array;
}

let ready: Promise<void> | undefined;

function initialise(): Promise<void> {
  ready ??= (async () => {
    const wasmPath = createRequire(import.meta.url).resolve('@jsquash/webp/codec/dec/webp_dec.wasm');
    const module = await WebAssembly.compile(await readFile(wasmPath));
    // The typings only declare init(options); the implementation also takes a precompiled module first.
    await (init as unknown as (module: WebAssembly.Module) => Promise<void>)(module);
  })();
  return ready;
}

export async function decodeWebp(bytes: Uint8Array): Promise<RgbaImage> {
  await initialise();
  // Copy into a standalone ArrayBuffer: the codec takes an ArrayBuffer, and `bytes` may view a larger one.
  const image = await decode(bytes.slice().buffer);
  return {
    width: image.width,
    height: image.height,
    data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength),
  };
}

/**
 * A WebP's canvas size from its RIFF header (VP8, VP8L or VP8X chunk) without decoding it, so a caller can
 * refuse an image larger than it needs before the decoder allocates width x height x 4 bytes.
 */
export function webpDimensions(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 30) return undefined;
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (tag(0) !== 'RIFF' || tag(8) !== 'WEBP') return undefined;
  const u16 = (at: number) => bytes[at] | (bytes[at + 1] << 8);
  const u24 = (at: number) => bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16);
  switch (tag(12)) {
    case 'VP8 ':
      return { width: u16(26) & 0x3fff, height: u16(28) & 0x3fff };
    case 'VP8L': {
      if (bytes[20] !== 0x2f) return undefined;
      const bits = (bytes[21] | (bytes[22] << 8) | (bytes[23] << 16) | (bytes[24] << 24)) >>> 0;
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    case 'VP8X':
      return { width: u24(24) + 1, height: u24(27) + 1 };
    default:
      return undefined;
  }
}
