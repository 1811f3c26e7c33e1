// .gsz decoder: preamble -> header (msgpack) -> SH codebook -> chunks, each step validated before anything
// is allocated. Runs in Node, a browser main thread and a Worker: no Node APIs here (the columns are
// range-coded: range-coder.ts, gsz-codec.ts). Format: ./FORMAT.md. Every failure is a GszFormatError with a code.
// The unpacking half only: the packer is the encoder's, and the browser bundles should not carry it.
import { Unpackr } from 'msgpackr/unpack';
import {
  createScene,
  OPACITY_LOGIT_LIMIT,
  shRestCount,
  type GaussianScene,
  type ShDegree,
} from '../scene/gaussian-scene.ts';
import { crc32 } from './crc32.ts';
import { GszFormatError } from './gsz-error.ts';
import {
  decodeCodebookHalves,
  decodeColours,
  decodeIndices,
  decodeOpacityCodes,
  decodePositionKeys,
  decodeResidualCodes,
  decodeRotations,
  decodeTriples,
} from './column-decoder.ts';
import { unzigzagResidual } from './gsz-codec.ts';
import { checkColourBasis, RGB_BASIS } from './colour-basis.ts';
import {
  columnCount,
  columnRawBytes,
  CHUNK_ROW,
  CHUNK_ROW_FIELDS,
  GSZ_COLUMNS,
  GSZ_LIMITS,
  GSZ_MAGIC,
  GSZ_PREAMBLE_BYTES,
  GSZ_READABLE_VERSIONS,
  indexBits,
  MAX_CODE_BITS,
  maxInflated,
  type GszBounds,
  type GszChunkInfo,
  type GszCodebookInfo,
  type GszHeader,
  type GszQuantization,
  type GszStepQuant,
  type Vec3,
} from './gsz-layout.ts';
import { fromHalf } from './half.ts';
import { decodeOpacity } from './quantize.ts';

export { GszFormatError } from './gsz-error.ts';
export type { GszErrorCode } from './gsz-error.ts';
export type {
  GszBounds,
  GszChunkInfo,
  GszCamera,
  GszCodebookInfo,
  GszHeader,
  GszQuantization,
  GszStepQuant,
} from './gsz-layout.ts';

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
    if (bytes.length >= 4 && GSZ_MAGIC.some((m, i) => bytes[i] !== m))
      throw new GszFormatError('bad-magic', 'not a .gsz file (wrong signature)');
    throw new GszFormatError(
      'truncated',
      `${bytes.length} bytes, the preamble alone needs ${GSZ_PREAMBLE_BYTES}`,
    );
  }
  if (GSZ_MAGIC.some((m, i) => bytes[i] !== m))
    throw new GszFormatError('bad-magic', 'not a .gsz file (wrong signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, GSZ_PREAMBLE_BYTES);
  const version = view.getUint16(4, true);
  if (!GSZ_READABLE_VERSIONS.includes(version))
    throw new GszFormatError(
      'unsupported-version',
      `format version ${version}, this decoder reads ${GSZ_READABLE_VERSIONS.join(' and ')}`,
    );
  const flags = view.getUint16(6, true);
  if (flags !== 0)
    throw new GszFormatError('unsupported-version', `unknown preamble flags 0x${flags.toString(16)}`);
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
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array)
    corrupt(`${what} is not a map`);
  return v as Obj;
}
function num(v: unknown, what: string, min: number, max: number, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return corrupt(`${what} is not a finite number`);
  if (integer && !Number.isInteger(v)) corrupt(`${what} = ${v} is not an integer`);
  if (v < min || v > max)
    throw new GszFormatError(integer ? 'limit' : 'corrupt', `${what} = ${v} outside ${min}..${max}`);
  return v;
}
function arr(v: unknown, what: string, length?: number): unknown[] {
  if (!Array.isArray(v)) return corrupt(`${what} is not an array`);
  if (length !== undefined && v.length !== length)
    corrupt(`${what} has ${v.length} entries, expected ${length}`);
  return v;
}
const FLOAT_LIMIT = 1e30;
function vec3(v: unknown, what: string, min = -FLOAT_LIMIT, max = FLOAT_LIMIT, integer = false): Vec3 {
  const a = arr(v, what, 3);
  return [
    num(a[0], `${what}[0]`, min, max, integer),
    num(a[1], `${what}[1]`, min, max, integer),
    num(a[2], `${what}[2]`, min, max, integer),
  ];
}
function bounds(v: unknown, what: string): GszBounds {
  const a = arr(v, what, 6);
  const min = vec3(a.slice(0, 3), `${what}.min`);
  const max = vec3(a.slice(3, 6), `${what}.max`);
  return { min, max };
}
function stepQuant(v: unknown, what: string): GszStepQuant {
  const o = obj(v, what);
  const step = num(o.step, `${what}.step`, 0, FLOAT_LIMIT);
  if (!(step > 0)) corrupt(`${what}.step must be positive`);
  const q = {
    min: num(o.min, `${what}.min`, -FLOAT_LIMIT, FLOAT_LIMIT),
    step,
    bits: num(o.bits, `${what}.bits`, 1, MAX_CODE_BITS, true),
  };
  // Every code must decode to a finite float32.
  if (Math.abs(q.min) + step * 2 ** q.bits > FLOAT_LIMIT)
    corrupt(`${what}: the grid reaches beyond ${FLOAT_LIMIT}`);
  return q;
}

function parseQuant(v: unknown): GszQuantization {
  const o = obj(v, 'quant');
  const p = obj(o.position, 'quant.position');
  const step = vec3(p.step, 'quant.position.step', 0, FLOAT_LIMIT);
  if (step.some((s) => !(s > 0))) corrupt('quant.position.step must be positive');
  return {
    position: {
      origin: vec3(p.origin, 'quant.position.origin'),
      step,
      bits: vec3(p.bits, 'quant.position.bits', 1, 16, true),
    },
    logScale: stepQuant(o.logScale, 'quant.logScale'),
    rotation: rotationQuant(o.rotation),
    opacity: {
      bits: num(obj(o.opacity, 'quant.opacity').bits, 'quant.opacity.bits', 1, MAX_CODE_BITS, true),
    },
    shDC: stepQuant(o.shDC, 'quant.shDC'),
    shResidual: o.shResidual === undefined || o.shResidual === null ? null : shResidualQuant(o.shResidual),
  };
}

function shResidualQuant(v: unknown): NonNullable<GszQuantization['shResidual']> {
  const o = obj(v, 'quant.shResidual');
  const step = num(o.step, 'quant.shResidual.step', 1e-6, 1e3);
  return o.basis === undefined
    ? { step }
    : { step, basis: checkColourBasis(o.basis, 'quant.shResidual.basis') };
}

function rotationQuant(v: unknown): GszQuantization['rotation'] {
  const o = obj(v, 'quant.rotation');
  const bits = num(o.bits, 'quant.rotation.bits', 2, MAX_CODE_BITS, true);
  return { bits, levels: num(o.levels, 'quant.rotation.levels', 2, 2 ** bits, true) };
}

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

/** Parses and validates the header (every count, offset and length checked against limits before any allocation). */
export function decodeGszHeader(bytes: Uint8Array): GszHeader {
  const pre = readPreamble(bytes);
  const headerEnd = GSZ_PREAMBLE_BYTES + pre.headerLength;
  if (bytes.length < headerEnd)
    throw new GszFormatError('truncated', `${bytes.length} bytes, the header ends at ${headerEnd}`);
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
    if (codebook.dims !== 3 * shRestCount(shDegree))
      corrupt(
        `codebook has ${codebook.dims} floats per centroid, SH degree ${shDegree} needs ${3 * shRestCount(shDegree)}`,
      );
    if (codebook.centroids * codebook.dims * 2 > maxInflated(codebook.length)) {
      throw new GszFormatError(
        'limit',
        `codebook of ${codebook.centroids} centroids cannot be stored in ${codebook.length} bytes`,
      );
    }
  } else if (h.codebook !== null && h.codebook !== undefined) corrupt('codebook present with SH degree 0');

  const rawChunks = arr(h.chunks, 'chunks');
  if (rawChunks.length > GSZ_LIMITS.chunks)
    throw new GszFormatError('limit', `${rawChunks.length} chunks, limit ${GSZ_LIMITS.chunks}`);
  const columns = columnCount({ quant, shDegree });
  const chunks: GszChunkInfo[] = [];
  let firstSplat = 0;
  const sections: [number, number][] = codebook ? [[codebook.offset, codebook.length]] : [];
  for (let i = 0; i < rawChunks.length; i++) {
    const what = `chunk ${i}`;
    const r = arr(rawChunks[i], what, CHUNK_ROW_FIELDS.length + columns);
    const offset = num(r[CHUNK_ROW.offset], `${what} offset`, headerEnd, GSZ_LIMITS.fileBytes, true);
    const length = num(r[CHUNK_ROW.length], `${what} length`, 1, GSZ_LIMITS.fileBytes, true);
    const crc = num(r[CHUNK_ROW.crc], `${what} crc`, 0, 0xffffffff, true);
    const n = num(r[CHUNK_ROW.count], `${what} count`, 1, GSZ_LIMITS.splatsPerChunk, true);
    const level = num(r[CHUNK_ROW.level], `${what} level`, 0, GSZ_LIMITS.chunks, true);
    const b = bounds(r.slice(CHUNK_ROW.minX, CHUNK_ROW.maxZ + 1), `${what} bounds`);
    const columnLengths = r
      .slice(CHUNK_ROW_FIELDS.length)
      .map((v, k) => num(v, `${what} column ${GSZ_COLUMNS[k]} length`, 1, length, true));
    if (columnLengths.reduce((s, v) => s + v, 0) !== length)
      corrupt(`${what}: column lengths do not add up to the chunk length`);
    const chunk: GszChunkInfo = {
      offset,
      length,
      count: n,
      firstSplat,
      bounds: b,
      level,
      crc,
      columnLengths,
    };
    const raw = columnRawBytes({ quant, shDegree, codebook }, n);
    raw.forEach((size, k) => {
      if (size > maxInflated(columnLengths[k])) {
        throw new GszFormatError(
          'limit',
          `${what}: ${n} Gaussians cannot be stored in a ${columnLengths[k]}-byte ${GSZ_COLUMNS[k]} column`,
        );
      }
    });
    firstSplat += n;
    if (firstSplat > count)
      throw new GszFormatError('limit', `chunks hold more Gaussians than the header count ${count}`);
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
  if (Math.hypot(...up) < 1e-6) corrupt('up axis has zero length');
  const optional = viewFields(h);
  const trimmedFrom =
    h.shDegreeTrimmedFrom === undefined
      ? undefined
      : (num(h.shDegreeTrimmedFrom, 'shDegreeTrimmedFrom', shDegree + 1, 3, true) as 1 | 2 | 3);
  return {
    version: pre.version,
    count,
    shDegree,
    ...(trimmedFrom !== undefined ? { shDegreeTrimmedFrom: trimmedFrom } : {}),
    antialiased: h.antialiased as boolean,
    bounds: bounds(h.bounds, 'bounds'),
    up,
    ...optional,
    quant,
    codebook,
    chunks,
    headerEnd,
  };
}

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** The optional view fields (background, focus, camera); files without them stay valid. */
function viewFields(h: Obj): Pick<GszHeader, 'background' | 'focus' | 'camera'> {
  const out: Pick<GszHeader, 'background' | 'focus' | 'camera'> = {};
  if (present(h.background)) out.background = vec3(h.background, 'background', 0, 1);
  if (present(h.focus)) out.focus = bounds(h.focus, 'focus');
  if (present(h.camera)) {
    const c = obj(h.camera, 'camera');
    out.camera = {
      eye: vec3(c.eye, 'camera.eye'),
      target: vec3(c.target, 'camera.target'),
      fovY: num(c.fovY, 'camera.fovY', 1, 179),
    };
    if (Math.hypot(...out.camera.eye.map((v, i) => v - out.camera!.target[i])) === 0)
      corrupt('camera eye and target coincide');
  }
  return out;
}

function checkSection(bytes: Uint8Array, length: number, crc: number, what: string): void {
  if (bytes.length !== length)
    throw new GszFormatError('truncated', `${what}: got ${bytes.length} bytes, expected ${length}`);
  if (crc32(bytes) !== crc) corrupt(`${what}: checksum mismatch`);
}

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

/** Positions: origin + code * step per axis, codes from the Morton keys (12 key bits at a time by table). */
function dequantPositions(
  keys: Float64Array,
  n: number,
  origin: Vec3,
  step: Vec3,
  p: Float32Array,
  at: number,
): void {
  const [ox, oy, oz] = origin;
  const [sx, sy, sz] = step;
  const table = demortonTable();
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    const hi = Math.floor(key / 16777216);
    const lo = key - hi * 16777216;
    // 8 bits of each axis from each 24-bit half: x in bits 0-7, y in 10-17, z in 20-27.
    const l = table[lo & 4095] | (table[lo >>> 12] << 4);
    const h = table[hi & 4095] | (table[hi >>> 12] << 4);
    const o = at + i * 3;
    p[o] = ox + ((l & 255) | ((h & 255) << 8)) * sx;
    p[o + 1] = oy + (((l >>> 10) & 255) | (((h >>> 10) & 255) << 8)) * sy;
    p[o + 2] = oz + (((l >>> 20) & 255) | (((h >>> 20) & 255) << 8)) * sz;
  }
}

function dequantLinear(
  codes: Uint16Array,
  count: number,
  min: number,
  step: number,
  out: Float32Array,
  at: number,
): void {
  for (let i = 0; i < count; i++) out[at + i] = min + codes[i] * step;
}

/** Rotations: the canonical quaternion's w (the largest component, >= 0) from the unit norm. */
function dequantRotations(codes: Uint16Array, n: number, levels: number, r: Float32Array, at: number): void {
  const scale = Math.SQRT2 / (levels - 1);
  for (let i = 0; i < n; i++) {
    const x = codes[i * 3] * scale - Math.SQRT1_2;
    const y = codes[i * 3 + 1] * scale - Math.SQRT1_2;
    const z = codes[i * 3 + 2] * scale - Math.SQRT1_2;
    const w = Math.sqrt(Math.max(0, 1 - x * x - y * y - z * z));
    // Re-normalise: the three decoded components may sum past 1 by up to a quantization step.
    const inv = 1 / Math.sqrt(w * w + x * x + y * y + z * z);
    const o = at + i * 4;
    r[o] = w * inv;
    r[o + 1] = x * inv;
    r[o + 2] = y * inv;
    r[o + 3] = z * inv;
  }
}

let demorton: Int32Array | undefined;
/** 12 interleaved Morton bits (x0 y0 z0 x1 ... z3) -> x | y << 10 | z << 20 (4 bits each). */
function demortonTable(): Int32Array {
  if (!demorton) {
    demorton = new Int32Array(4096);
    for (let g = 0; g < 4096; g++) {
      let x = 0;
      let y = 0;
      let z = 0;
      for (let k = 0; k < 4; k++) {
        x |= ((g >>> (3 * k)) & 1) << k;
        y |= ((g >>> (3 * k + 1)) & 1) << k;
        z |= ((g >>> (3 * k + 2)) & 1) << k;
      }
      demorton[g] = x | (y << 10) | (z << 20);
    }
  }
  return demorton;
}

const opacityTables = new Map<number, Float32Array>();
/** Logit of every opacity code (built once per bit count; codes index it directly). */
function opacityTable(bits: number): Float32Array {
  let t = opacityTables.get(bits);
  if (!t) {
    t = Float32Array.from({ length: 2 ** bits }, (_, code) => decodeOpacity(code, bits, OPACITY_LOGIT_LIMIT));
    opacityTables.set(bits, t);
  }
  return t;
}

/**
 * Decodes chunk `index` given exactly its bytes (file.subarray(chunk.offset, chunk.offset + chunk.length)).
 * With SH degree > 0 the codebook (decodeGszCodebook) is needed for the full scene; without one the chunk
 * decodes as a DC-only scene (shDegree 0), which is what a first picture before the codebook shows.
 */
export function decodeGszChunk(
  header: GszHeader,
  index: number,
  bytes: Uint8Array,
  codebook?: Float32Array,
): GaussianScene {
  const chunk = header.chunks[index];
  if (!chunk) throw new GszFormatError('corrupt', `no chunk ${index} (the file has ${header.chunks.length})`);
  const degree = codebook ? header.shDegree : 0;
  const scene = createScene(chunk.count, degree, header.antialiased);
  decodeGszChunkInto(header, index, bytes, codebook, scene, 0);
  return scene;
}

/**
 * Decodes chunk `index` (exactly its bytes) into `out` from Gaussian `at` on: what decodeGsz does per chunk,
 * exported so parallel decoders (each worker writing its chunks into shared columns) give identical output.
 */
export function decodeGszChunkInto(
  header: GszHeader,
  index: number,
  bytes: Uint8Array,
  codebook: Float32Array | undefined,
  out: GaussianScene,
  at: number,
): void {
  for (let part = 0; part < GSZ_CHUNK_PARTS; part++)
    decodeGszChunkPart(header, index, bytes, codebook, out, at, part);
}

/**
 * A chunk's decode in independent parts: each reads its own columns (range-coded separately) and writes its
 * own output columns, so threads can share one large chunk. 0: checksum and positions; 1: log-scales and
 * opacities (coded in the context of the log-scales); 2: rotations; 3: SH DC; 4: SH rest.
 */
export const GSZ_CHUNK_PARTS = 5;

/**
 * Part `part` of decodeGszChunkInto. Only part 0 verifies the chunk's checksum: a caller that runs the
 * parts apart must let part 0 finish before trusting the others (the others still fail safely on
 * damaged bytes, with a GszFormatError, or decode in-range garbage).
 */
export function decodeGszChunkPart(
  header: GszHeader,
  index: number,
  bytes: Uint8Array,
  codebook: Float32Array | undefined,
  out: GaussianScene,
  at: number,
  part: number,
): void {
  const chunk = header.chunks[index];
  const what = `chunk ${index}`;
  if (part === 0) checkSection(bytes, chunk.length, chunk.crc, what);
  else if (bytes.length !== chunk.length)
    throw new GszFormatError('truncated', `${what}: got ${bytes.length} bytes, expected ${chunk.length}`);
  const n = chunk.count;
  const q = header.quant;
  const column = (k: number): Uint8Array => {
    let offset = 0;
    for (let c = 0; c < k; c++) offset += chunk.columnLengths[c];
    return bytes.subarray(offset, offset + chunk.columnLengths[k]);
  };
  switch (part) {
    case 0: {
      const keys = new Float64Array(n);
      decodePositionKeys(column(0), keys, n, `${what} position`);
      dequantPositions(keys, n, q.position.origin, q.position.step, out.positions, at * 3);
      break;
    }
    case 1: {
      const logScale = new Uint16Array(n * 3);
      const opacity = new Uint16Array(n);
      decodeTriples(column(1), logScale, n, q.logScale.bits, `${what} logScale`, 'log-scale');
      decodeOpacityCodes(column(3), opacity, logScale, n, q.opacity.bits, q.logScale.bits, `${what} opacity`);
      dequantLinear(logScale, 3 * n, q.logScale.min, q.logScale.step, out.logScales, at * 3);
      const ot = opacityTable(q.opacity.bits);
      const op = out.opacityLogits;
      for (let i = 0; i < n; i++) op[at + i] = ot[opacity[i]];
      break;
    }
    case 2: {
      const rotation = new Uint16Array(n * 3);
      decodeRotations(column(2), rotation, n, q.rotation.bits, q.rotation.levels, `${what} rotation`);
      dequantRotations(rotation, n, q.rotation.levels, out.rotations, at * 4);
      break;
    }
    case 3: {
      const shDC = new Uint16Array(n * 3);
      decodeColours(column(4), shDC, n, q.shDC.bits, `${what} shDC`);
      dequantLinear(shDC, 3 * n, q.shDC.min, q.shDC.step, out.shDC, at * 3);
      break;
    }
    case 4:
      if (out.shDegree > 0 && codebook !== undefined && header.codebook !== null)
        decodeShRest(header, chunk, what, column, codebook, header.codebook, out.shRest, at);
      break;
    default:
      throw new RangeError(`no chunk part ${part} (parts 0..${GSZ_CHUNK_PARTS - 1})`);
  }
}

/** SH rest: each Gaussian's codebook centroid plus its residual (v4: in the header's colour basis). */
function decodeShRest(
  header: GszHeader,
  chunk: GszChunkInfo,
  what: string,
  column: (k: number) => Uint8Array,
  codebook: Float32Array,
  info: GszCodebookInfo,
  rest: Float32Array,
  at: number,
): void {
  const { centroids, dims } = info;
  if (codebook.length !== centroids * dims) {
    throw new GszFormatError(
      'corrupt',
      `codebook has ${codebook.length} floats, header says ${centroids * dims}`,
    );
  }
  const n = chunk.count;
  const q = header.quant;
  const index = new Uint16Array(n);
  decodeIndices(column(5), index, n, indexBits(centroids), `${what} shIndex`);
  for (let i = 0; i < n; i++) {
    if (index[i] >= centroids) corrupt(`${what}: SH index ${index[i]} >= ${centroids} centroids`);
  }
  // Centroid plus residual in one pass (v2 copied the centroids, then added the residuals).
  const z = q.shResidual ? new Uint16Array(n * dims) : undefined;
  if (z && q.shResidual) decodeResidualCodes(column(6), z, n, dims, `${what} shResidual`);
  const rs = q.shResidual ? q.shResidual.step : 0;
  // v4: each coefficient's residual is in the header's orthonormal colour basis; RGB = Bᵀ · coordinates.
  const [b0, b1, b2, b3, b4, b5, b6, b7, b8] = q.shResidual?.basis ?? RGB_BASIS;
  for (let i = 0, to = at * dims, k = 0; i < n; i++) {
    const from = index[i] * dims;
    if (z) {
      for (let d = 0; d < dims; d += 3, k += 3, to += 3) {
        const v0 = z[k],
          v1 = z[k + 1],
          v2 = z[k + 2];
        if ((v0 | v1 | v2) === 0) {
          rest[to] = codebook[from + d];
          rest[to + 1] = codebook[from + d + 1];
          rest[to + 2] = codebook[from + d + 2];
          continue;
        }
        const y0 = unzigzagResidual(v0) * rs,
          y1 = unzigzagResidual(v1) * rs,
          y2 = unzigzagResidual(v2) * rs;
        rest[to] = codebook[from + d] + b0 * y0 + b3 * y1 + b6 * y2;
        rest[to + 1] = codebook[from + d + 1] + b1 * y0 + b4 * y1 + b7 * y2;
        rest[to + 2] = codebook[from + d + 2] + b2 * y0 + b5 * y1 + b8 * y2;
      }
    } else {
      for (let d = 0; d < dims; d++) rest[to++] = codebook[from + d];
    }
  }
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

function checkSectionEnd(bytes: Uint8Array, offset: number, length: number, what: string): void {
  if (offset + length > bytes.length)
    throw new GszFormatError(
      'truncated',
      `${what} ends at byte ${offset + length}, the file has ${bytes.length}`,
    );
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
