// .gsz decoder: preamble -> header (msgpack) -> SH codebook -> chunks, each step validated before anything
// is allocated. Runs in Node, a browser main thread and a Worker: no Node APIs here (zstd via fzstd, pure JS).
// Format: ./FORMAT.md. Every failure is a GszFormatError with a code.
import { decompress } from 'fzstd';
import { Unpackr } from 'msgpackr';
import { createScene, OPACITY_LOGIT_LIMIT, shRestCount, type GaussianScene, type ShDegree } from '../scene/gaussian-scene.ts';
import { crc32 } from './crc32.ts';
import { GszFormatError } from './gsz-error.ts';
import {
  bytesPerValue, columnRawBytes, GSZ_COLUMNS, GSZ_LIMITS, GSZ_MAGIC, GSZ_PREAMBLE_BYTES, GSZ_VERSION, maxInflated,
  type GszBounds, type GszChunkInfo, type GszCodebookInfo, type GszHeader, type GszQuantization, type GszRangeQuant, type Vec3,
} from './gsz-layout.ts';
import { fromHalf } from './half.ts';
import { decodeLinear, decodeOpacity, unzigzag16 } from './quantize.ts';

export { GszFormatError } from './gsz-error.ts';
export type { GszErrorCode } from './gsz-error.ts';
export type { GszBounds, GszChunkInfo, GszCodebookInfo, GszHeader, GszQuantization } from './gsz-layout.ts';

/** Bytes needed before the header can be parsed (preamble: magic, version, header length). */
export function gszPreambleLength(): number {
  return GSZ_PREAMBLE_BYTES;
}

interface Preamble {
  version: number;
  headerLength: number;
  headerCrc: number;
}

function readPreamble(bytes: Uint8Array): Preamble {
  if (bytes.length < GSZ_PREAMBLE_BYTES) {
    if (bytes.length >= 4 && GSZ_MAGIC.some((m, i) => bytes[i] !== m)) throw new GszFormatError('bad-magic', 'not a .gsz file (wrong signature)');
    throw new GszFormatError('truncated', `${bytes.length} bytes, the preamble alone needs ${GSZ_PREAMBLE_BYTES}`);
  }
  if (GSZ_MAGIC.some((m, i) => bytes[i] !== m)) throw new GszFormatError('bad-magic', 'not a .gsz file (wrong signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, GSZ_PREAMBLE_BYTES);
  const version = view.getUint16(4, true);
  if (version !== GSZ_VERSION) throw new GszFormatError('unsupported-version', `format version ${version}, this decoder reads ${GSZ_VERSION}`);
  const flags = view.getUint16(6, true);
  if (flags !== 0) throw new GszFormatError('unsupported-version', `unknown preamble flags 0x${flags.toString(16)}`);
  const headerLength = view.getUint32(8, true);
  if (headerLength === 0 || headerLength > GSZ_LIMITS.headerBytes) {
    throw new GszFormatError('limit', `header length ${headerLength} outside 1..${GSZ_LIMITS.headerBytes}`);
  }
  return { version, headerLength, headerCrc: view.getUint32(12, true) };
}

/** Given at least the preamble, the total bytes needed to parse the header (preamble + header). */
export function gszHeaderLength(prefix: Uint8Array): number {
  return GSZ_PREAMBLE_BYTES + readPreamble(prefix).headerLength;
}

// ---- header validation: every field typed and range-checked; nothing trusted ----

type Obj = Record<string, unknown>;
const corrupt = (message: string): never => {
  throw new GszFormatError('corrupt', message);
};
function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) corrupt(`${what} is not a map`);
  return v as Obj;
}
function num(v: unknown, what: string, min: number, max: number, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return corrupt(`${what} is not a finite number`);
  if (integer && !Number.isInteger(v)) corrupt(`${what} = ${v} is not an integer`);
  if (v < min || v > max) throw new GszFormatError(integer ? 'limit' : 'corrupt', `${what} = ${v} outside ${min}..${max}`);
  return v;
}
function arr(v: unknown, what: string, length?: number): unknown[] {
  if (!Array.isArray(v)) return corrupt(`${what} is not an array`);
  if (length !== undefined && v.length !== length) corrupt(`${what} has ${v.length} entries, expected ${length}`);
  return v;
}
const FLOAT_LIMIT = 1e30;
function vec3(v: unknown, what: string, min = -FLOAT_LIMIT, max = FLOAT_LIMIT, integer = false): Vec3 {
  const a = arr(v, what, 3);
  return [num(a[0], `${what}[0]`, min, max, integer), num(a[1], `${what}[1]`, min, max, integer), num(a[2], `${what}[2]`, min, max, integer)];
}
function bounds(v: unknown, what: string): GszBounds {
  const a = arr(v, what, 6);
  const min = vec3(a.slice(0, 3), `${what}.min`);
  const max = vec3(a.slice(3, 6), `${what}.max`);
  return { min, max };
}
function rangeQuant(v: unknown, what: string): GszRangeQuant {
  const o = obj(v, what);
  const min = vec3(o.min, `${what}.min`);
  const max = vec3(o.max, `${what}.max`);
  for (let a = 0; a < 3; a++) if (!(max[a] >= min[a])) corrupt(`${what}: max < min on component ${a}`);
  return { min, max, bits: num(o.bits, `${what}.bits`, 1, 16, true) };
}

function parseQuant(v: unknown): GszQuantization {
  const o = obj(v, 'quant');
  const p = obj(o.position, 'quant.position');
  const step = vec3(p.step, 'quant.position.step', 0, FLOAT_LIMIT);
  if (step.some((s) => !(s > 0))) corrupt('quant.position.step must be positive');
  return {
    position: { origin: vec3(p.origin, 'quant.position.origin'), step, bits: vec3(p.bits, 'quant.position.bits', 1, 16, true) },
    logScale: rangeQuant(o.logScale, 'quant.logScale'),
    rotation: { bits: num(obj(o.rotation, 'quant.rotation').bits, 'quant.rotation.bits', 2, 16, true) },
    opacity: { bits: num(obj(o.opacity, 'quant.opacity').bits, 'quant.opacity.bits', 1, 16, true) },
    shDC: rangeQuant(o.shDC, 'quant.shDC'),
  };
}

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

/** Parses and validates the header (every count, offset and length checked against limits before any allocation). */
export function decodeGszHeader(bytes: Uint8Array): GszHeader {
  const pre = readPreamble(bytes);
  const headerEnd = GSZ_PREAMBLE_BYTES + pre.headerLength;
  if (bytes.length < headerEnd) throw new GszFormatError('truncated', `${bytes.length} bytes, the header ends at ${headerEnd}`);
  const body = bytes.subarray(GSZ_PREAMBLE_BYTES, headerEnd);
  if (crc32(body) !== pre.headerCrc) corrupt('header checksum mismatch');
  let raw: unknown;
  try {
    raw = unpackr.unpack(body);
  } catch (e) {
    corrupt(`header is not valid msgpack (${e instanceof Error ? e.message : String(e)})`);
  }
  const h = obj(raw, 'header');
  const count = num(h.count, 'count', 0, GSZ_LIMITS.totalSplats, true);
  const shDegree = num(h.shDegree, 'shDegree', 0, 3, true) as ShDegree;
  if (typeof h.antialiased !== 'boolean') corrupt('antialiased is not a boolean');
  const quant = parseQuant(h.quant);

  let codebook: GszCodebookInfo | null = null;
  if (shDegree > 0) {
    const c = obj(h.codebook, 'codebook');
    codebook = {
      offset: num(c.offset, 'codebook.offset', headerEnd, GSZ_LIMITS.fileBytes, true),
      length: num(c.length, 'codebook.length', 1, GSZ_LIMITS.fileBytes, true),
      crc: num(c.crc, 'codebook.crc', 0, 0xffffffff, true),
      centroids: num(c.centroids, 'codebook.centroids', 1, GSZ_LIMITS.codebookCentroids, true),
      dims: num(c.dims, 'codebook.dims', 1, 45, true),
    };
    if (codebook.dims !== 3 * shRestCount(shDegree)) corrupt(`codebook has ${codebook.dims} floats per centroid, SH degree ${shDegree} needs ${3 * shRestCount(shDegree)}`);
    if (codebook.centroids * codebook.dims * 2 > maxInflated(codebook.length)) {
      throw new GszFormatError('limit', `codebook of ${codebook.centroids} centroids cannot be stored in ${codebook.length} bytes`);
    }
  } else if (h.codebook !== null && h.codebook !== undefined) corrupt('codebook present with SH degree 0');

  const rawChunks = arr(h.chunks, 'chunks');
  if (rawChunks.length > GSZ_LIMITS.chunks) throw new GszFormatError('limit', `${rawChunks.length} chunks, limit ${GSZ_LIMITS.chunks}`);
  const columnCount = shDegree > 0 ? GSZ_COLUMNS.length : GSZ_COLUMNS.length - 1;
  const chunks: GszChunkInfo[] = [];
  let firstSplat = 0;
  const sections: [number, number][] = codebook ? [[codebook.offset, codebook.length]] : [];
  for (let i = 0; i < rawChunks.length; i++) {
    const what = `chunk ${i}`;
    const r = arr(rawChunks[i], what, 11 + columnCount);
    const offset = num(r[0], `${what} offset`, headerEnd, GSZ_LIMITS.fileBytes, true);
    const length = num(r[1], `${what} length`, 1, GSZ_LIMITS.fileBytes, true);
    const crc = num(r[2], `${what} crc`, 0, 0xffffffff, true);
    const n = num(r[3], `${what} count`, 1, GSZ_LIMITS.splatsPerChunk, true);
    const level = num(r[4], `${what} level`, 0, GSZ_LIMITS.chunks, true);
    const b = bounds(r.slice(5, 11), `${what} bounds`);
    const columnLengths = r.slice(11).map((v, k) => num(v, `${what} column ${GSZ_COLUMNS[k]} length`, 1, length, true));
    if (columnLengths.reduce((s, v) => s + v, 0) !== length) corrupt(`${what}: column lengths do not add up to the chunk length`);
    const chunk: GszChunkInfo = { offset, length, count: n, firstSplat, bounds: b, level, crc, columnLengths };
    const raw = columnRawBytes({ quant, shDegree, codebook }, n);
    raw.forEach((size, k) => {
      if (size > maxInflated(columnLengths[k])) {
        throw new GszFormatError('limit', `${what}: ${n} Gaussians cannot be stored in a ${columnLengths[k]}-byte ${GSZ_COLUMNS[k]} column`);
      }
    });
    firstSplat += n;
    if (firstSplat > count) throw new GszFormatError('limit', `chunks hold more Gaussians than the header count ${count}`);
    sections.push([offset, length]);
    chunks.push(chunk);
  }
  if (firstSplat !== count) corrupt(`chunks hold ${firstSplat} Gaussians, header says ${count}`);
  // Sections must not overlap (a spliced table could otherwise alias bytes); they need not be contiguous.
  sections.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < sections.length; i++) {
    if (sections[i][0] < sections[i - 1][0] + sections[i - 1][1]) corrupt('sections overlap');
  }
  const up = vec3(h.up, 'up', -1, 1);
  return {
    version: pre.version, count, shDegree, antialiased: h.antialiased as boolean, bounds: bounds(h.bounds, 'bounds'),
    up, quant, codebook, chunks, headerEnd,
  };
}

/** zstd frame -> exactly `size` bytes, or a GszFormatError. */
function inflate(frame: Uint8Array, size: number, what: string): Uint8Array {
  const out = new Uint8Array(size);
  let result: Uint8Array;
  try {
    result = decompress(frame, out);
  } catch (e) {
    return corrupt(`${what}: zstd frame does not decode (${e instanceof Error ? e.message : String(e)})`);
  }
  if (result.length !== size) corrupt(`${what}: zstd frame holds ${result.length} bytes, expected ${size}`);
  return result;
}

function checkSection(bytes: Uint8Array, length: number, crc: number, what: string): void {
  if (bytes.length !== length) throw new GszFormatError('truncated', `${what}: got ${bytes.length} bytes, expected ${length}`);
  if (crc32(bytes) !== crc) corrupt(`${what}: checksum mismatch`);
}

/** Decodes the SH-rest codebook section (bytes = file.subarray(codebook.offset, offset + length)): [K, dims] floats. */
export function decodeGszCodebook(header: GszHeader, bytes: Uint8Array): Float32Array {
  const info = header.codebook;
  if (!info) throw new GszFormatError('corrupt', 'this file has no SH codebook (SH degree 0)');
  checkSection(bytes, info.length, info.crc, 'codebook');
  const values = info.centroids * info.dims;
  // Byte planes: all low bytes, then all high bytes of the fp16 values (centroid-major).
  const planes = inflate(bytes, values * 2, 'codebook');
  const out = new Float32Array(values);
  for (let i = 0; i < values; i++) {
    const v = fromHalf(planes[i] | (planes[values + i] << 8));
    out[i] = Number.isFinite(v) ? v : 0;
  }
  return out;
}

interface Tables {
  logScale: Float32Array[];
  shDC: Float32Array[];
  opacity: Float32Array;
}
const tableCache = new WeakMap<GszHeader, Tables>();

/** Decoded value of every code of the linear attributes (built once per header; codes index them directly). */
function tablesFor(header: GszHeader): Tables {
  let t = tableCache.get(header);
  if (!t) {
    const q = header.quant;
    const linear = (r: GszRangeQuant, c: number) => Float32Array.from({ length: 1 << (8 * bytesPerValue(r.bits)) }, (_, code) => decodeLinear(code, r.min[c], r.max[c], r.bits));
    const ob = q.opacity.bits;
    t = {
      logScale: [0, 1, 2].map((c) => linear(q.logScale, c)),
      shDC: [0, 1, 2].map((c) => linear(q.shDC, c)),
      opacity: Float32Array.from({ length: 1 << (8 * bytesPerValue(ob)) }, (_, code) => decodeOpacity(code, ob, OPACITY_LOGIT_LIMIT)),
    };
    tableCache.set(header, t);
  }
  return t;
}

/** Value `c` of component `k` (of `comps`) in a byte-plane column with `bytes` bytes per value. */
function planeValue(col: Uint8Array, n: number, comps: number, bytes: number, i: number, k: number): number {
  let v = col[k * n + i];
  if (bytes === 2) v |= col[(comps + k) * n + i] << 8;
  return v;
}

/**
 * Decodes chunk `index` given exactly its bytes (file.subarray(chunk.offset, chunk.offset + chunk.length)).
 * With SH degree > 0 the codebook (decodeGszCodebook) is needed for the full scene; without one the chunk
 * decodes as a DC-only scene (shDegree 0), which is what a first picture before the codebook shows.
 */
export function decodeGszChunk(header: GszHeader, index: number, bytes: Uint8Array, codebook?: Float32Array): GaussianScene {
  const chunk = header.chunks[index];
  if (!chunk) throw new GszFormatError('corrupt', `no chunk ${index} (the file has ${header.chunks.length})`);
  const degree = codebook ? header.shDegree : 0;
  const scene = createScene(chunk.count, degree, header.antialiased);
  decodeChunkInto(header, index, bytes, codebook, scene, 0);
  return scene;
}

function decodeChunkInto(header: GszHeader, index: number, bytes: Uint8Array, codebook: Float32Array | undefined, out: GaussianScene, at: number): void {
  const chunk = header.chunks[index];
  const what = `chunk ${index}`;
  checkSection(bytes, chunk.length, chunk.crc, what);
  if (codebook && header.codebook && codebook.length !== header.codebook.centroids * header.codebook.dims) {
    throw new GszFormatError('corrupt', `codebook has ${codebook.length} floats, header says ${header.codebook.centroids * header.codebook.dims}`);
  }
  const n = chunk.count;
  const raw = columnRawBytes(header, n);
  const columns: Uint8Array[] = [];
  let offset = 0;
  const wanted = out.shDegree > 0 ? raw.length : Math.min(raw.length, 5);
  for (let k = 0; k < wanted; k++) {
    const len = chunk.columnLengths[k];
    columns.push(inflate(bytes.subarray(offset, offset + len), raw[k], `${what} ${GSZ_COLUMNS[k]}`));
    offset += len;
  }
  const q = header.quant;

  // Positions: per-axis 16-bit zigzag deltas in Morton order, restarting at 0 in every chunk.
  const pos = columns[0];
  const { origin, step } = q.position;
  for (let a = 0; a < 3; a++) {
    let prev = 0;
    for (let i = 0; i < n; i++) {
      prev = (prev + unzigzag16(pos[a * n + i] | (pos[(3 + a) * n + i] << 8))) & 0xffff;
      out.positions[(at + i) * 3 + a] = origin[a] + prev * step[a];
    }
  }
  // Log-scales, opacity, DC: every code's value comes from a per-header lookup table (<= 2^16 entries).
  const t = tablesFor(header);
  const lsBytes = bytesPerValue(q.logScale.bits);
  for (let a = 0; a < 3; a++) {
    const table = t.logScale[a];
    for (let i = 0; i < n; i++) out.logScales[(at + i) * 3 + a] = table[planeValue(columns[1], n, 3, lsBytes, i, a)];
  }
  const dcBytes = bytesPerValue(q.shDC.bits);
  for (let c = 0; c < 3; c++) {
    const table = t.shDC[c];
    for (let i = 0; i < n; i++) out.shDC[(at + i) * 3 + c] = table[planeValue(columns[4], n, 3, dcBytes, i, c)];
  }
  const oBytes = bytesPerValue(q.opacity.bits);
  for (let i = 0; i < n; i++) out.opacityLogits[at + i] = t.opacity[planeValue(columns[3], n, 1, oBytes, i, 0)];
  // Rotations: decodeSmallestThree (quantize.ts) inlined, the hot loop of the decoder.
  const rot = columns[2];
  const rb = q.rotation.bits;
  const rBytes = bytesPerValue(rb);
  const comps = rot.subarray(n);
  const scale = Math.SQRT2 / (2 ** rb - 1);
  const r = out.rotations;
  for (let i = 0; i < n; i++) {
    const a = planeValue(comps, n, 3, rBytes, i, 0) * scale - Math.SQRT1_2;
    const b = planeValue(comps, n, 3, rBytes, i, 1) * scale - Math.SQRT1_2;
    const c = planeValue(comps, n, 3, rBytes, i, 2) * scale - Math.SQRT1_2;
    const d = Math.sqrt(Math.max(0, 1 - a * a - b * b - c * c));
    // Re-normalise: the three decoded components may sum past 1 by up to a quantization step.
    const inv = 1 / Math.sqrt(a * a + b * b + c * c + d * d);
    const o = (at + i) * 4;
    switch (rot[i] & 3) {
      case 0: r[o] = d * inv; r[o + 1] = a * inv; r[o + 2] = b * inv; r[o + 3] = c * inv; break;
      case 1: r[o] = a * inv; r[o + 1] = d * inv; r[o + 2] = b * inv; r[o + 3] = c * inv; break;
      case 2: r[o] = a * inv; r[o + 1] = b * inv; r[o + 2] = d * inv; r[o + 3] = c * inv; break;
      default: r[o] = a * inv; r[o + 1] = b * inv; r[o + 2] = c * inv; r[o + 3] = d * inv;
    }
  }
  if (out.shDegree > 0 && codebook && header.codebook) {
    const { centroids, dims } = header.codebook;
    const idx = columns[5];
    const wide = centroids > 256;
    for (let i = 0; i < n; i++) {
      const label = wide ? idx[i] | (idx[n + i] << 8) : idx[i];
      if (label >= centroids) corrupt(`${what}: SH index ${label} >= ${centroids} centroids`);
      out.shRest.set(codebook.subarray(label * dims, label * dims + dims), (at + i) * dims);
    }
  }
}

/** Whole file -> one scene (Gaussians in file order). */
export function decodeGsz(bytes: Uint8Array): GaussianScene {
  const header = decodeGszHeader(bytes);
  const end = (offset: number, length: number, what: string): void => {
    if (offset + length > bytes.length) throw new GszFormatError('truncated', `${what} ends at byte ${offset + length}, the file has ${bytes.length}`);
  };
  header.chunks.forEach((c, i) => end(c.offset, c.length, `chunk ${i}`));
  let codebook: Float32Array | undefined;
  if (header.codebook) {
    end(header.codebook.offset, header.codebook.length, 'codebook');
    codebook = decodeGszCodebook(header, bytes.subarray(header.codebook.offset, header.codebook.offset + header.codebook.length));
  }
  const scene = createScene(header.count, header.shDegree, header.antialiased);
  header.chunks.forEach((c, i) => decodeChunkInto(header, i, bytes.subarray(c.offset, c.offset + c.length), codebook, scene, c.firstSplat));
  return scene;
}
