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
