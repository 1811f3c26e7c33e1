// .gsz encoder (Node): importance order -> chunks -> per-attribute quantization -> byte-plane columns ->
// one zstd frame per column per chunk. Layout and field meanings: ../../shared/format/FORMAT.md.
import { Packr } from 'msgpackr';
import { capShDegree, sceneBounds, shRestCount, type GaussianScene, type ShDegree } from '../../shared/scene/gaussian-scene.ts';
import { crc32 } from '../../shared/format/crc32.ts';
import {
  bytesPerValue, GSZ_LIMITS, GSZ_MAGIC, GSZ_PREAMBLE_BYTES, GSZ_VERSION, maxInflated,
  type GszCodebookInfo, type GszQuantization, type GszRangeQuant, type Vec3,
} from '../../shared/format/gsz-layout.ts';
import { toHalf } from '../../shared/format/half.ts';
import { encodeLinear, encodeOpacity, encodeSmallestThree, morton30, zigzag16 } from '../../shared/format/quantize.ts';
import { chunkSizes, defaultImportance, importanceOrder } from './importance.ts';
import { kmeans } from './kmeans.ts';
import { zstdCompress } from './zstd.ts';

export interface GszEncodeOptions {
  /** Per-Gaussian importance (higher = earlier in the file); default: defaultImportance (importance.ts). */
  importance?: Float32Array;
  /** Drop SH bands above this degree. */
  shDegree?: ShDegree;
  /** Intended world up; default [0, -1, 0] (COLMAP/INRIA scenes: camera +Y is down). */
  up?: Vec3;
  /** Gaussians in the first chunk; later chunks grow by `chunkGrowth` up to `maxChunk`. */
  firstChunk?: number;
  chunkGrowth?: number;
  maxChunk?: number;
  /** Position grid step as a fraction of the bounding-box diagonal (raised per axis where 16 bits do not span it). */
  positionStep?: number;
  /**
   * Log-scale and DC quantization: a fixed step (attribute units) when given — the range is then widened so
   * 2^bits - 1 steps of exactly that size cover it, and zstd's entropy coder only pays for the levels used —
   * else `*Bits` levels spread over [min, max].
   */
  logScaleStep?: number;
  shDCStep?: number;
  logScaleBits?: number;
  rotationBits?: number;
  opacityBits?: number;
  shDCBits?: number;
  /** SH-rest codebook: centroids (default: autoCodebookSize(count)), Lloyd iterations, subsample size. */
  codebookSize?: number;
  kmeansIterations?: number;
  kmeansSample?: number;
  /** GPU for k-means; undefined = CPU. */
  device?: GPUDevice;
  /** zstd level of every frame. */
  zstdLevel?: number;
  onProgress?: (stage: string) => void;
}

export const GSZ_DEFAULTS = {
  firstChunk: 4096,
  chunkGrowth: 2,
  maxChunk: 131072,
  positionStep: 1 / 16384,
  logScaleStep: 0.05,
  shDCStep: 0.022,
  logScaleBits: 8,
  rotationBits: 10,
  opacityBits: 8,
  shDCBits: 8,
  codebookSize: 4096,
  kmeansIterations: 10,
  kmeansSample: 65536,
  zstdLevel: 12,
} as const;

/**
 * Default SH-rest codebook size for `count` Gaussians: about one centroid per 16 Gaussians (a power of
 * two, 16..GSZ_DEFAULTS.codebookSize). The codebook's fp16 bytes are shared by every Gaussian, so a
 * 4096-entry codebook that suits 500k Gaussians would cost more than the SH itself on a 2k-Gaussian scene.
 */
export function autoCodebookSize(count: number): number {
  const target = 2 ** Math.round(Math.log2(Math.max(1, count / 16)));
  return Math.max(16, Math.min(GSZ_DEFAULTS.codebookSize, target));
}

/** Range quantization with a fixed `step`: bits = enough for the range, max widened to min + step * (2^bits - 1). */
function stepRange(range: GszRangeQuant, step: number | undefined): GszRangeQuant {
  if (step === undefined || !(step > 0)) return range;
  const span = Math.max(...range.max.map((m, c) => m - range.min[c]));
  const bits = Math.max(1, Math.min(16, Math.ceil(Math.log2(span / step + 1))));
  const width = step * (2 ** bits - 1);
  // Where 16 bits cannot reach the step, fall back to spreading 2^16 levels over the range.
  const max = range.max.map((m, c) => Math.max(m, range.min[c] + width)) as Vec3;
  return { min: range.min, max, bits };
}

function rangeOf(values: Float32Array, comps: number, bits: number): GszRangeQuant {
  const min: Vec3 = [0, 0, 0];
  const max: Vec3 = [0, 0, 0];
  const n = values.length / comps;
  for (let c = 0; c < comps; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = values[i * comps + c];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min[c] = n > 0 ? lo : 0;
    max[c] = n > 0 ? hi : 0;
  }
  return { min, max, bits };
}

/** Byte planes of `comps` components of `bytes` bytes each (low bytes of every component first). */
function planes(values: Uint16Array | Uint32Array, n: number, comps: number, bytes: number): Uint8Array {
  const out = new Uint8Array(n * comps * bytes);
  for (let c = 0; c < comps; c++) {
    for (let i = 0; i < n; i++) {
      const v = values[i * comps + c];
      out[c * n + i] = v & 0xff;
      if (bytes === 2) out[(comps + c) * n + i] = v >>> 8;
    }
  }
  return out;
}

function checkBits(name: string, bits: number, min: number): void {
  if (!Number.isInteger(bits) || bits < min || bits > 16) throw new RangeError(`${name} must be an integer in ${min}..16, got ${bits}`);
}

/** Encodes `input` as a .gsz file. */
export async function encodeGsz(input: GaussianScene, options: GszEncodeOptions = {}): Promise<Uint8Array> {
  const o = { ...GSZ_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as typeof GSZ_DEFAULTS & GszEncodeOptions;
  const scene = options.shDegree === undefined ? input : capShDegree(input, options.shDegree);
  const n = scene.count;
  if (n > GSZ_LIMITS.totalSplats) throw new RangeError(`${n} Gaussians exceed the format limit ${GSZ_LIMITS.totalSplats}`);
  checkBits('logScaleBits', o.logScaleBits, 1);
  checkBits('rotationBits', o.rotationBits, 2);
  checkBits('opacityBits', o.opacityBits, 1);
  checkBits('shDCBits', o.shDCBits, 1);
  if (!(o.maxChunk >= 1 && o.maxChunk <= GSZ_LIMITS.splatsPerChunk && o.maxChunk <= (1 << 20) / 7)) {
    throw new RangeError(`maxChunk must be in 1..${Math.floor((1 << 20) / 7)} (one zstd frame per column stays <= 1 MiB)`);
  }
  const progress = o.onProgress ?? (() => {});

  // ---- global quantization parameters ----
  const bounds = sceneBounds(scene.positions, n);
  if (n === 0) bounds.min = bounds.max = [0, 0, 0];
  const diagonal = Math.hypot(bounds.max[0] - bounds.min[0], bounds.max[1] - bounds.min[1], bounds.max[2] - bounds.min[2]);
  const baseStep = Math.max(diagonal * o.positionStep, 1e-30);
  const step: Vec3 = [0, 0, 0];
  const posBits: Vec3 = [1, 1, 1];
  for (let a = 0; a < 3; a++) {
    const extent = bounds.max[a] - bounds.min[a];
    step[a] = Math.max(baseStep, extent / 65535);
    posBits[a] = Math.max(1, Math.min(16, Math.ceil(Math.log2(Math.round(extent / step[a]) + 1))));
  }
  const quant: GszQuantization = {
    position: { origin: [...bounds.min] as Vec3, step, bits: posBits },
    logScale: stepRange(rangeOf(scene.logScales, 3, o.logScaleBits), options.logScaleBits === undefined ? o.logScaleStep : undefined),
    rotation: { bits: o.rotationBits },
    opacity: { bits: o.opacityBits },
    shDC: stepRange(rangeOf(scene.shDC, 3, o.shDCBits), options.shDCBits === undefined ? o.shDCStep : undefined),
  };

  // ---- SH-rest codebook (k-means over all Gaussians) ----
  const dims = 3 * shRestCount(scene.shDegree);
  let codebook: { centroids: Float32Array; labels: Uint32Array; k: number } | undefined;
  if (scene.shDegree > 0) {
    progress('k-means');
    codebook = await kmeans(scene.shRest, dims, {
      k: Math.min(options.codebookSize ?? autoCodebookSize(n), GSZ_LIMITS.codebookCentroids), iterations: o.kmeansIterations, sampleSize: o.kmeansSample, device: o.device,
    });
  }

  // ---- chunks ----
  progress('chunks');
  const order = importanceOrder(o.importance ?? defaultImportance(scene));
  if (order.length !== n) throw new RangeError(`importance has ${order.length} entries for ${n} Gaussians`);
  const sizes = chunkSizes(n, o.firstChunk, o.chunkGrowth, o.maxChunk);
  const encoded: { bytes: Uint8Array; count: number; level: number; bounds: number[]; columnLengths: number[] }[] = [];
  let start = 0;
  for (let c = 0; c < sizes.length; c++) {
    const ids = order.subarray(start, start + sizes[c]);
    start += sizes[c];
    encoded.push(await encodeChunk(scene, ids, quant, codebook, o.zstdLevel, c));
  }

  // ---- codebook section: fp16 byte planes, one zstd frame ----
  let codebookBytes: Uint8Array | undefined;
  if (codebook) {
    const values = codebook.centroids.length;
    const raw = new Uint8Array(values * 2);
    for (let i = 0; i < values; i++) {
      const h = toHalf(codebook.centroids[i]);
      raw[i] = h & 0xff;
      raw[values + i] = h >>> 8;
    }
    codebookBytes = padTo(await zstdCompress(raw, o.zstdLevel), raw.length);
  }

  // ---- layout: preamble, header, chunk 0, codebook, chunks 1.. (first picture does not wait for the codebook) ----
  const packr = new Packr({ useRecords: false, variableMapSize: true });
  const build = (headerLength: number, pad: number): { header: Uint8Array; codebookInfo: GszCodebookInfo | null; offsets: number[] } => {
    let at = GSZ_PREAMBLE_BYTES + headerLength;
    const offsets: number[] = [];
    let codebookInfo: GszCodebookInfo | null = null;
    encoded.forEach((chunk, i) => {
      offsets.push(at);
      at += chunk.bytes.length;
      if (i === 0 && codebookBytes && codebook) {
        codebookInfo = { offset: at, length: codebookBytes.length, crc: crc32(codebookBytes), centroids: codebook.k, dims };
        at += codebookBytes.length;
      }
    });
    if (encoded.length === 0 && codebookBytes && codebook) {
      codebookInfo = { offset: at, length: codebookBytes.length, crc: crc32(codebookBytes), centroids: codebook.k, dims };
    }
    const header = {
      count: n,
      shDegree: scene.shDegree,
      antialiased: scene.antialiased,
      bounds: [...bounds.min, ...bounds.max],
      up: o.up ?? [0, -1, 0],
      quant,
      codebook: codebookInfo,
      chunks: encoded.map((chunk, i) => [offsets[i], chunk.bytes.length, crc32(chunk.bytes), chunk.count, chunk.level, ...chunk.bounds, ...chunk.columnLengths]),
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
  const total = GSZ_PREAMBLE_BYTES + length + encoded.reduce((s, c) => s + c.bytes.length, 0) + (codebookBytes?.length ?? 0);
  const out = new Uint8Array(total);
  out.set(GSZ_MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint16(4, GSZ_VERSION, true);
  view.setUint16(6, 0, true);
  view.setUint32(8, length, true);
  view.setUint32(12, crc32(built.header), true);
  out.set(built.header, GSZ_PREAMBLE_BYTES);
  encoded.forEach((chunk, i) => out.set(chunk.bytes, built.offsets[i]));
  if (codebookBytes && built.codebookInfo) out.set(codebookBytes, (built.codebookInfo as GszCodebookInfo).offset);
  return out;
}

/**
 * Pads a zstd frame with a zstd skippable frame so its raw size stays within the decoder's expansion limit
 * (only degenerate data, e.g. all-identical Gaussians, compresses that well). The result is still one valid
 * zstd stream, so the decoder needs no special case.
 */
function padTo(stored: Uint8Array, rawBytes: number): Uint8Array {
  if (maxInflated(stored.length) >= rawBytes) return stored;
  let need = stored.length + 8;
  while (maxInflated(need) < rawBytes) need = Math.max(need + 1, Math.ceil((rawBytes - GSZ_LIMITS.expansionSlack) / GSZ_LIMITS.expansion));
  const out = new Uint8Array(need);
  out.set(stored);
  const view = new DataView(out.buffer);
  view.setUint32(stored.length, 0x184d2a50, true); // skippable frame magic
  view.setUint32(stored.length + 4, need - stored.length - 8, true); // its payload: zeros
  return out;
}

async function encodeChunk(
  scene: GaussianScene, ids: Uint32Array, quant: GszQuantization, codebook: { labels: Uint32Array; k: number } | undefined, level: number, chunkIndex: number,
): Promise<{ bytes: Uint8Array; count: number; level: number; bounds: number[]; columnLengths: number[] }> {
  const n = ids.length;
  // Quantized positions, then a Morton order over the chunk's own quantized bounds (10 bits per axis).
  const { origin, step, bits } = quant.position;
  const qp = new Uint16Array(n * 3);
  const lo = [65535, 65535, 65535];
  const hi = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      const top = 2 ** bits[a] - 1;
      let q = Math.round((scene.positions[ids[i] * 3 + a] - origin[a]) / step[a]);
      q = q < 0 ? 0 : q > top ? top : q;
      qp[i * 3 + a] = q;
      if (q < lo[a]) lo[a] = q;
      if (q > hi[a]) hi[a] = q;
    }
  }
  const shift = [0, 1, 2].map((a) => Math.max(0, Math.ceil(Math.log2(hi[a] - lo[a] + 1)) - 10));
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) keys[i] = morton30((qp[i * 3] - lo[0]) >> shift[0], (qp[i * 3 + 1] - lo[1]) >> shift[1], (qp[i * 3 + 2] - lo[2]) >> shift[2]);
  const local = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);

  const pos = new Uint16Array(n * 3);
  const prev = [0, 0, 0];
  const ls = new Uint16Array(n * 3);
  const rotIndex = new Uint8Array(n);
  const rot = new Uint16Array(n * 3);
  const op = new Uint16Array(n);
  const dc = new Uint16Array(n * 3);
  const sh = new Uint16Array(n);
  const q4 = [0, 0, 0, 0];
  const { logScale, shDC } = quant;
  for (let i = 0; i < n; i++) {
    const l = local[i];
    const g = ids[l];
    for (let a = 0; a < 3; a++) {
      const q = qp[l * 3 + a];
      pos[i * 3 + a] = zigzag16(q - prev[a]);
      prev[a] = q;
      ls[i * 3 + a] = encodeLinear(scene.logScales[g * 3 + a], logScale.min[a], logScale.max[a], logScale.bits);
      dc[i * 3 + a] = encodeLinear(scene.shDC[g * 3 + a], shDC.min[a], shDC.max[a], shDC.bits);
    }
    const r = scene.rotations;
    encodeSmallestThree(r[g * 4], r[g * 4 + 1], r[g * 4 + 2], r[g * 4 + 3], quant.rotation.bits, q4);
    rotIndex[i] = q4[0];
    rot[i * 3] = q4[1];
    rot[i * 3 + 1] = q4[2];
    rot[i * 3 + 2] = q4[3];
    op[i] = encodeOpacity(scene.opacityLogits[g], quant.opacity.bits);
    if (codebook) sh[i] = codebook.labels[g];
  }
  const rotPlanes = planes(rot, n, 3, bytesPerValue(quant.rotation.bits));
  const rotColumn = new Uint8Array(n + rotPlanes.length);
  rotColumn.set(rotIndex);
  rotColumn.set(rotPlanes, n);
  const raw = [
    planes(pos, n, 3, 2),
    planes(ls, n, 3, bytesPerValue(logScale.bits)),
    rotColumn,
    planes(op, n, 1, bytesPerValue(quant.opacity.bits)),
    planes(dc, n, 3, bytesPerValue(shDC.bits)),
  ];
  if (codebook) raw.push(planes(sh, n, 1, codebook.k > 256 ? 2 : 1));
  const frames: Uint8Array[] = [];
  for (const column of raw) frames.push(padTo(await zstdCompress(column, level), column.length));
  const total = frames.reduce((s, f) => s + f.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const f of frames) {
    bytes.set(f, at);
    at += f.length;
  }
  // Bounds of the decoded (dequantized) positions: exactly what a reader of this chunk will see.
  const bounds = [0, 1, 2].map((a) => origin[a] + lo[a] * step[a]).concat([0, 1, 2].map((a) => origin[a] + hi[a] * step[a]));
  if (n === 0) bounds.fill(0);
  return { bytes, count: n, level: chunkIndex, bounds, columnLengths: frames.map((f) => f.length) };
}
