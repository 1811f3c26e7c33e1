// Image decoding for datasets: PNG (pngjs) and JPEG (jpeg-js) to RGBA float, compositing on a
// background, area-average downscaling, and reading image sizes from file headers (for lazy loading).
import { readFileSync, openSync, readSync, closeSync } from 'node:fs';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { DatasetError } from './dataset-error.ts';

export interface RgbaImage {
  width: number;
  height: number;
  /** [H, W, 4] RGBA, 8-bit. */
  data: Uint8Array;
}

function isPng(bytes: Uint8Array): boolean {
  return bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
}
function isJpeg(bytes: Uint8Array): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8;
}

/** Decodes a PNG or JPEG file (by content, not extension) to 8-bit RGBA. */
export function decodeImageFile(path: string): RgbaImage {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new DatasetError(path, 'image file is missing or unreadable');
  }
  try {
    if (isPng(bytes)) {
      const png = PNG.sync.read(bytes);
      return {
        width: png.width,
        height: png.height,
        data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
      };
    }
    if (isJpeg(bytes)) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 2048 });
      return { width: img.width, height: img.height, data: img.data };
    }
  } catch (e) {
    throw new DatasetError(path, `cannot decode image (${e instanceof Error ? e.message : String(e)})`);
  }
  throw new DatasetError(path, 'is neither a PNG nor a JPEG image');
}

/** Width and height from the file header without decoding pixels (PNG IHDR, JPEG SOFn). */
export function readImageSize(path: string): { width: number; height: number } {
  let head: Buffer;
  try {
    const fd = openSync(path, 'r');
    head = Buffer.alloc(256 * 1024);
    const n = readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    head = head.subarray(0, n);
  } catch {
    throw new DatasetError(path, 'image file is missing or unreadable');
  }
  if (isPng(head) && head.length >= 24)
    return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
  if (isJpeg(head)) {
    let p = 2;
    while (p + 9 < head.length) {
      if (head[p] !== 0xff) {
        p++;
        continue;
      }
      const marker = head[p + 1];
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        p += 2;
        continue;
      }
      const length = head.readUInt16BE(p + 2);
      const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isSof) return { height: head.readUInt16BE(p + 5), width: head.readUInt16BE(p + 7) };
      p += 2 + length;
    }
    return decodeImageFile(path); // SOF beyond the first 256 KiB (huge EXIF): decode
  }
  throw new DatasetError(path, 'is neither a PNG nor a JPEG image');
}

/** RGBA8 -> RGB float32 composited on `background`: rgb·a + bg·(1 − a) (values as stored, no gamma). */
export function compositeRgb(image: RgbaImage, background: [number, number, number]): Float32Array {
  const n = image.width * image.height;
  const out = new Float32Array(n * 3);
  const d = image.data;
  for (let i = 0; i < n; i++) {
    const a = d[i * 4 + 3] / 255;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = (d[i * 4 + c] / 255) * a + background[c] * (1 - a);
  }
  return out;
}

/** Output size for a downscale factor or target width (3DGS rounds to the nearest pixel). */
export function scaledSize(
  width: number,
  height: number,
  options: { downscale?: number; targetWidth?: number; maxWidth?: number },
): { width: number; height: number } {
  const autoWidth =
    options.downscale === undefined &&
    options.targetWidth === undefined &&
    options.maxWidth !== undefined &&
    width > options.maxWidth
      ? options.maxWidth
      : undefined;
  const targetWidth = options.targetWidth ?? autoWidth;
  if (targetWidth !== undefined) {
    const w = Math.round(targetWidth);
    if (!(w >= 1 && w <= width))
      throw new RangeError(`target width ${targetWidth} must be within 1..${width}`);
    return { width: w, height: Math.max(1, Math.round((height * w) / width)) };
  }
  const f = options.downscale ?? 1;
  if (!(f >= 1)) throw new RangeError(`downscale factor ${f} must be >= 1`);
  return { width: Math.max(1, Math.round(width / f)), height: Math.max(1, Math.round(height / f)) };
}

/**
 * Area-average resampling of [h, w, channels] to [nh, nw, channels]: each output pixel is the mean of
 * the source area it covers (fractional coverage at the edges), so integer factors are box averages.
 */
export function resizeArea(
  src: Float32Array,
  width: number,
  height: number,
  newWidth: number,
  newHeight: number,
  channels = 3,
): Float32Array {
  if (newWidth === width && newHeight === height) return src;
  const tmp = new Float32Array(newWidth * height * channels);
  const wx = areaWeights(width, newWidth);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < newWidth; x++)
      for (const [sx, w] of wx[x])
        for (let c = 0; c < channels; c++)
          tmp[(y * newWidth + x) * channels + c] += w * src[(y * width + sx) * channels + c];
  const out = new Float32Array(newWidth * newHeight * channels);
  const wy = areaWeights(height, newHeight);
  for (let y = 0; y < newHeight; y++)
    for (const [sy, w] of wy[y])
      for (let x = 0; x < newWidth; x++)
        for (let c = 0; c < channels; c++)
          out[(y * newWidth + x) * channels + c] += w * tmp[(sy * newWidth + x) * channels + c];
  return out;
}

/** For each output index, (source index, weight) pairs of the overlap of [i·s, (i+1)·s) with source pixels. */
function areaWeights(from: number, to: number): [number, number][][] {
  const s = from / to;
  const out: [number, number][][] = [];
  for (let i = 0; i < to; i++) {
    const a = i * s;
    const b = (i + 1) * s;
    const list: [number, number][] = [];
    for (let j = Math.floor(a); j < Math.min(from, Math.ceil(b)); j++) {
      const overlap = Math.min(b, j + 1) - Math.max(a, j);
      if (overlap > 1e-9) list.push([j, overlap / s]);
    }
    out.push(list);
  }
  return out;
}
