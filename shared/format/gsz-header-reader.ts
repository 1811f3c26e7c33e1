// .gsz preamble and header reader: magic, version and lengths, then the msgpack header with every field typed
// and range-checked against GSZ_LIMITS before anything is allocated (format: ./FORMAT.md). No Node APIs:
// the element's Worker parses headers too.
import { Unpackr } from 'msgpackr/unpack';
import { shRestCount, type ShDegree } from '../scene/gaussian-scene.ts';
import { checkColourBasis } from './colour-basis.ts';
import { crc32 } from './crc32.ts';
import { GszFormatError } from './gsz-error.ts';
import {
  CHUNK_ROW,
  CHUNK_ROW_FIELDS,
  columnCount,
  columnRawBytes,
  GSZ_COLUMNS,
  GSZ_LIMITS,
  GSZ_MAGIC,
  GSZ_PREAMBLE_BYTES,
  GSZ_READABLE_VERSIONS,
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

// Header validation: every field typed and range-checked; nothing trusted.
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
