// .gsz encoder: importance order -> chunks -> per-attribute quantization -> Morton order inside each chunk
// -> one range-coded stream per column per chunk (shared/format/gsz-codec.ts, the scheme the decoder runs
// too). Layout and field meanings: ../../shared/format/FORMAT.md.
import { Packr } from 'msgpackr';
import {
  capShDegree,
  sceneBounds,
  shRestCount,
  type GaussianScene,
  type ShDegree,
} from '../../shared/scene/gaussian-scene.ts';
import { crc32 } from '../../shared/format/crc32.ts';
import {
  codeCodebook,
  codeColours,
  codeOpacity,
  codePositions,
  codeResiduals,
  codeRotations,
  codeSingles,
  codeTriples,
  morton48,
  newChunkCodes,
  RESIDUAL_MAX,
} from '../../shared/format/gsz-codec.ts';
import {
  columnRawBytes,
  GSZ_LIMITS,
  GSZ_MAGIC,
  chunkTableRow,
  GSZ_PREAMBLE_BYTES,
  GSZ_VERSION,
  indexBits,
  MAX_CODE_BITS,
  maxInflated,
  type GszCamera,
  type GszCodebookInfo,
  type GszQuantization,
  type GszStepQuant,
  type Vec3,
} from '../../shared/format/gsz-layout.ts';
import { AXIS_TURNS, quatMul } from '../../shared/format/octahedral.ts';
import { fromHalf, toHalf } from '../../shared/format/half.ts';
import { RGB_BASIS, toBasis, type ColourBasis } from '../../shared/format/colour-basis.ts';
import { principalColourBasis } from './colour-basis.ts';
import { encodeOpacity } from '../../shared/format/quantize.ts';
import { RangeEncoder } from '../../shared/format/range-coder.ts';
import { sceneExtent } from '../../shared/math/framing.ts';
import { sceneValueProblem } from '../io/scene-limits.ts';
import { chunkSizes, defaultImportance, importanceOrder } from './importance.ts';
import { kmeans, type KmeansResult } from './kmeans.ts';
import { neededShDegree, SH_INVISIBLE_COEFFICIENT } from './sh-degree-trim.ts';

export interface GszEncodeOptions {
  /** Per-Gaussian importance (higher = earlier in the file); default: defaultImportance (importance.ts). */
  importance?: Float32Array;
  /** Drop SH bands above this degree. */
  shDegree?: ShDegree;
  /** Intended world up; default [0, -1, 0] (COLMAP/INRIA scenes: camera +Y is down). */
  up?: Vec3;
  /** The background the scene was trained against (sRGB in [0, 1]); omitted: none recorded (transparent). */
  background?: Vec3;
  /** The default camera stored in the header; omitted: viewers frame the robust extent (header `focus`). */
  camera?: GszCamera;
  /**
   * Gaussians in the first chunk; later chunks grow by `chunkGrowth` up to `maxChunk`. Growth 3 (default):
   * every chunk restarts its adaptive models, so fewer chunks code smaller (biker 10.58 -> 10.43 B/G against
   * growth 2, playbot 15.92 -> 15.89) while the first chunk, and so the first picture, stays the same.
   */
  firstChunk?: number;
  chunkGrowth?: number;
  maxChunk?: number;
  /**
   * Position grid step as a fraction of the bounding-box diagonal (raised per axis where 16 bits do not span it).
   * 1/15000: biker RMS / p99 3.33e-5 / 5.05e-5 of the diagonal against SPZ's 3.45e-5 / 5.23e-5. (1/14600 stays under
   * SPZ's position error too, but the bench's nearest-original matching then pairs more close neighbours
   * wrongly: biker's matched opacity RMS 7.17e-5 against SPZ's 7.10e-5.)
   */
  positionStep?: number;
  /**
   * Log-scale and DC quantization step (attribute units; one grid for the three components). The range
   * coder only pays for the levels actually used, so a fixed step costs nothing for unused range. When
   * `*Bits` is given instead, 2^bits levels are spread over the values' range.
   */
  logScaleStep?: number;
  /** DC grid step (SH coefficient units); 0.026 stays at or below SPZ's DC RMS and p99 (its 0.0261 grid) on biker and playbot. */
  shDCStep?: number;
  logScaleBits?: number;
  /** Smallest-three-style rotation grid: `rotationLevels` codes per component (default), or 2^rotationBits when that is given. */
  rotationBits?: number;
  rotationLevels?: number;
  opacityBits?: number;
  shDCBits?: number;
  /** SH-rest codebook: centroids (default: autoCodebookSize(count)), Lloyd iterations, subsample size. */
  codebookSize?: number;
  /** SH-rest residual against the centroid, quantized with this step (SH coefficient units); 0 = centroids only. */
  shResidualStep?: number;
  /**
   * Rounding offset of the SH-rest residual quantizer: code = sign(r) * floor(|r| / step + offset); 0.5 is
   * plain rounding, smaller offsets widen the zero bin (a deadzone), which saves more bits than it costs error.
   */
  shResidualRounding?: number;
  /**
   * Colour basis of the SH-rest residual (format v4): 'principal' (default) quantizes each coefficient's
   * (R, G, B) residual along the residuals' principal colour axes (colour-basis.ts), 'rgb' as it is.
   */
  shResidualBasis?: 'principal' | 'rgb';
  kmeansIterations?: number;
  kmeansSample?: number;
  /**
   * A k-means result for this scene's SH rest (centroids k x dims, one label per Gaussian), used instead of
   * running k-means: a search that re-encodes one scene with other steps (target-psnr.ts) clusters once.
   */
  shCodebook?: KmeansResult;
  /** GPU for k-means; undefined = CPU. */
  device?: GPUDevice;
  onProgress?: (stage: string) => void;
}

export const GSZ_DEFAULTS = {
  firstChunk: 4096,
  chunkGrowth: 3,
  maxChunk: 131072,
  positionStep: 1 / 15000,
  logScaleStep: 0.062,
  shDCStep: 0.026,
  logScaleBits: 8,
  rotationBits: 10,
  rotationLevels: 1000,
  opacityBits: 8,
  shDCBits: 8,
  codebookSize: 1024,
  shResidualStep: 0.1,
  shResidualRounding: 0.42,
  shResidualBasis: 'principal',
  kmeansIterations: 10,
  kmeansSample: 65536,
} as const;

/**
 * Default SH-rest codebook size for `count` Gaussians: about one centroid per 512 Gaussians (a power of two,
 * 16..GSZ_DEFAULTS.codebookSize). With the residual column the centroids only need to be roughly right:
 * on a 100k playbot subset 64, 256, 1024 and 4096 centroids all cost 5.3-5.7 B/G of SH in total (index +
 * residual + codebook), and a small codebook keeps k-means fast on a CPU (4096: 225 s, 256: 9 s).
 */
export function autoCodebookSize(count: number): number {
  const target = 2 ** Math.round(Math.log2(Math.max(1, count / 512)));
  return Math.max(16, Math.min(GSZ_DEFAULTS.codebookSize, target));
}

/** The SH-rest k-means encodeGsz runs (scene after any shDegree cap; options as for encodeGsz). */
export async function shKmeans(scene: GaussianScene, options: GszEncodeOptions = {}): Promise<KmeansResult> {
  return kmeans(scene.shRest, 3 * shRestCount(scene.shDegree), {
    k: Math.min(options.codebookSize ?? autoCodebookSize(scene.count), GSZ_LIMITS.codebookCentroids),
    iterations: options.kmeansIterations ?? GSZ_DEFAULTS.kmeansIterations,
    sampleSize: options.kmeansSample ?? GSZ_DEFAULTS.kmeansSample,
    device: options.device,
  });
}

/**
 * One grid over all of `values`: `step` when given (bits = enough levels for the range; where MAX_CODE_BITS
 * cannot reach it the step grows), else 2^bits levels over the range.
 */
function stepGrid(values: Float32Array, step: number | undefined, bits: number): GszStepQuant {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi >= lo)) lo = hi = 0;
  const span = hi - lo;
  if (step === undefined || !(step > 0)) {
    const b = Math.min(bits, MAX_CODE_BITS);
    return { min: lo, step: span > 0 ? span / (2 ** b - 1) : 1, bits: b };
  }
  const need = Math.max(1, Math.ceil(Math.log2(span / step + 1.000001)));
  if (need <= MAX_CODE_BITS) return { min: lo, step, bits: need };
  return { min: lo, step: span / (2 ** MAX_CODE_BITS - 1), bits: MAX_CODE_BITS };
}

/**
 * Rotation grid: 2^bits levels when `bits` is given (v1's grid), else `levels` (1000 by default: with the
 * quaternion closest to the identity (closestAxisTurn) it gives rotation RMS / p99 0.088° / 0.126° on biker
 * (SPZ 0.111° / 0.131°) and 0.083° / 0.126° on playbot (SPZ 0.092° / 0.162°); 900 levels: 0.097° / 0.140°).
 */
function rotationGrid(bits: number | undefined, levels: number): { bits: number; levels: number } {
  const l = bits !== undefined ? 2 ** bits : levels;
  if (!Number.isInteger(l) || l < 4 || l > 2 ** MAX_CODE_BITS)
    throw new RangeError(`rotation levels must be an integer in 4..${2 ** MAX_CODE_BITS}, got ${l}`);
  return { bits: Math.ceil(Math.log2(l)), levels: l };
}
function rotationCode(v: number, levels: number): number {
  const q = Math.round(((v + Math.SQRT1_2) / Math.SQRT2) * (levels - 1));
  return q < 0 ? 0 : Math.min(q, levels - 1);
}

/** Code of v on a step grid (clamped). */
function gridCode(v: number, g: GszStepQuant): number {
  const q = Math.round((v - g.min) / g.step);
  const top = 2 ** g.bits - 1;
  return q < 0 ? 0 : Math.min(q, top);
}

function checkBits(name: string, bits: number, min: number): void {
  if (!Number.isInteger(bits) || bits < min || bits > 16)
    throw new RangeError(`${name} must be an integer in ${min}..16, got ${bits}`);
}

/** A scene value the .gsz format cannot hold (the message names the Gaussian and property). */
export class GszValueError extends RangeError {
  override name = 'GszValueError';
}

/** Encodes `input` as a .gsz file. */
export async function encodeGsz(input: GaussianScene, options: GszEncodeOptions = {}): Promise<Uint8Array> {
  const o = {
    ...GSZ_DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as typeof GSZ_DEFAULTS & GszEncodeOptions;
  const capped = options.shDegree === undefined ? input : capShDegree(input, options.shDegree);
  // Bands that change no displayed colour are dropped, unless a caller's codebook fixes the dims.
  const scene = options.shCodebook
    ? capped
    : capShDegree(capped, neededShDegree(capped, SH_INVISIBLE_COEFFICIENT));
  const n = scene.count;
  if (n > GSZ_LIMITS.totalSplats)
    throw new RangeError(`${n} Gaussians exceed the format limit ${GSZ_LIMITS.totalSplats}`);
  // Values the format cannot hold (non-finite, or grids beyond the header's float limits) are refused here,
  // naming the Gaussian, rather than written into a file the decoder rejects.
  const problem = sceneValueProblem(scene);
  if (problem) throw new GszValueError(`cannot be stored in .gsz: ${problem}`);
  checkBits('logScaleBits', o.logScaleBits, 1);
  checkBits('rotationBits', o.rotationBits, 2);
  checkBits('opacityBits', o.opacityBits, 1);
  checkBits('shDCBits', o.shDCBits, 1);
  if (o.rotationBits > MAX_CODE_BITS || o.opacityBits > MAX_CODE_BITS)
    throw new RangeError(`rotationBits and opacityBits must be <= ${MAX_CODE_BITS}`);
  // 2^20 / 7: a bound kept from format version 1, where each column was one zstd frame of <= 1 MiB.
  if (!(o.maxChunk >= 1 && o.maxChunk <= GSZ_LIMITS.splatsPerChunk && o.maxChunk <= (1 << 20) / 7)) {
    throw new RangeError(`maxChunk must be in 1..${Math.floor((1 << 20) / 7)}`);
  }
  const progress = o.onProgress ?? (() => {});

  // ---- global quantization parameters ----
  const bounds = sceneBounds(scene.positions, n);
  if (n === 0) bounds.min = bounds.max = [0, 0, 0];
  const focus = sceneExtent(scene.positions, scene.logScales, n);
  const diagonal = Math.hypot(
    bounds.max[0] - bounds.min[0],
    bounds.max[1] - bounds.min[1],
    bounds.max[2] - bounds.min[2],
  );
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
    logScale: stepGrid(
      scene.logScales,
      options.logScaleBits === undefined ? o.logScaleStep : undefined,
      o.logScaleBits,
    ),
    rotation: rotationGrid(options.rotationBits, o.rotationLevels),
    opacity: { bits: o.opacityBits },
    shDC: stepGrid(scene.shDC, options.shDCBits === undefined ? o.shDCStep : undefined, o.shDCBits),
    shResidual: scene.shDegree > 0 && o.shResidualStep > 0 ? { step: o.shResidualStep } : null,
  };

  // ---- SH-rest codebook (k-means over all Gaussians) ----
  const dims = 3 * shRestCount(scene.shDegree);
  let codebook: ChunkCodebook | undefined;
  if (scene.shDegree > 0) {
    const given = options.shCodebook;
    // A caller's codebook is checked against this scene; our own k-means fits it by construction.
    if (
      given &&
      (given.labels.length !== n ||
        given.centroids.length !== given.k * dims ||
        given.k > GSZ_LIMITS.codebookCentroids ||
        given.labels.some((l) => l >= given.k))
    ) {
      throw new RangeError(
        `shCodebook: ${given.k} centroids of ${given.centroids.length / Math.max(1, given.k)} dims and ${given.labels.length} labels do not fit ${n} Gaussians with ${dims} SH-rest values`,
      );
    }
    if (!given) progress('k-means');
    const km = given ?? (await shKmeans(scene, options));
    // Residuals are taken against the centroids as the decoder sees them (fp16, non-finite -> 0).
    const halves = Uint16Array.from(km.centroids, toHalf);
    const decoded = Float32Array.from(halves, (h) => {
      const v = fromHalf(h);
      return Number.isFinite(v) ? v : 0;
    });
    if (quant.shResidual) {
      const basisName: string = o.shResidualBasis;
      if (basisName !== 'principal' && basisName !== 'rgb')
        throw new RangeError(`shResidualBasis must be 'principal' or 'rgb', got '${basisName}'`);
      quant.shResidual.basis =
        basisName === 'rgb' ? RGB_BASIS : principalColourBasis(scene.shRest, km.labels, decoded, dims);
    }
    codebook = {
      ...km,
      halves,
      decoded,
      dims,
      residualStep: quant.shResidual?.step,
      residualRounding: o.shResidualRounding,
      basis: quant.shResidual?.basis ?? RGB_BASIS,
    };
  }

  // ---- chunks ----
  progress('chunks');
  const order = importanceOrder(o.importance ?? defaultImportance(scene));
  if (order.length !== n) throw new RangeError(`importance has ${order.length} entries for ${n} Gaussians`);
  const sizes = chunkSizes(n, o.firstChunk, o.chunkGrowth, o.maxChunk);
  const encoded: {
    bytes: Uint8Array;
    count: number;
    level: number;
    bounds: number[];
    columnLengths: number[];
  }[] = [];
  let start = 0;
  for (let c = 0; c < sizes.length; c++) {
    const ids = order.subarray(start, start + sizes[c]);
    start += sizes[c];
    encoded.push(encodeChunk(scene, ids, quant, codebook, c));
  }

  // ---- codebook section: fp16 values, range-coded ----
  let codebookBytes: Uint8Array | undefined;
  if (codebook) {
    const enc = new RangeEncoder();
    codeCodebook(enc, codebook.halves.slice(), dims);
    codebookBytes = padTo(enc.finish(), codebook.halves.length * 2);
  }

  // ---- layout: preamble, header, chunk 0, codebook, chunks 1.. (first picture does not wait for the codebook) ----
  const packr = new Packr({ useRecords: false, variableMapSize: true });
  const build = (
    headerLength: number,
    pad: number,
  ): { header: Uint8Array; codebookInfo: GszCodebookInfo | null; offsets: number[] } => {
    let at = GSZ_PREAMBLE_BYTES + headerLength;
    const offsets: number[] = [];
    let codebookInfo: GszCodebookInfo | null = null;
    encoded.forEach((chunk, i) => {
      offsets.push(at);
      at += chunk.bytes.length;
      if (i === 0 && codebookBytes && codebook) {
        codebookInfo = {
          offset: at,
          length: codebookBytes.length,
          crc: crc32(codebookBytes),
          centroids: codebook.k,
          dims,
        };
        at += codebookBytes.length;
      }
    });
    if (encoded.length === 0 && codebookBytes && codebook) {
      codebookInfo = {
        offset: at,
        length: codebookBytes.length,
        crc: crc32(codebookBytes),
        centroids: codebook.k,
        dims,
      };
    }
    const header = {
      count: n,
      shDegree: scene.shDegree,
      ...(scene.shDegree < capped.shDegree ? { shDegreeTrimmedFrom: capped.shDegree } : {}),
      antialiased: scene.antialiased,
      bounds: [...bounds.min, ...bounds.max],
      up: unitUp(o.up ?? [0, -1, 0]),
      ...(o.background ? { background: o.background } : {}),
      focus: [...focus.min, ...focus.max],
      ...(o.camera ? { camera: o.camera } : {}),
      quant,
      codebook: codebookInfo,
      chunks: encoded.map((chunk, i) =>
        chunkTableRow({ ...chunk, offset: offsets[i], length: chunk.bytes.length, crc: crc32(chunk.bytes) }),
      ),
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
  const total =
    GSZ_PREAMBLE_BYTES +
    length +
    encoded.reduce((s, c) => s + c.bytes.length, 0) +
    (codebookBytes?.length ?? 0);
  const out = new Uint8Array(total);
  out.set(GSZ_MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint16(4, GSZ_VERSION, true);
  view.setUint16(6, 0, true);
  view.setUint32(8, length, true);
  view.setUint32(12, crc32(built.header), true);
  out.set(built.header, GSZ_PREAMBLE_BYTES);
  encoded.forEach((chunk, i) => {
    out.set(chunk.bytes, built.offsets[i]);
  });
  if (codebookBytes && built.codebookInfo)
    out.set(codebookBytes, (built.codebookInfo as GszCodebookInfo).offset);
  return out;
}

/** The header's up: unit length (the decoder checks each component is in [-1, 1]). */
export function unitUp(up: Vec3): Vec3 {
  const length = Math.hypot(...up);
  if (!(length > 0) || !Number.isFinite(length)) throw new RangeError('up vector has zero length');
  return [up[0] / length, up[1] / length, up[2] / length];
}

/**
 * Pads a range-coded stream with zero bytes so its nominal raw size stays within the decoder's expansion
 * limit (only degenerate data, e.g. all-identical Gaussians, compresses that well). The decoder never reads
 * past the coded bytes, so the padding is inert.
 */
function padTo(stored: Uint8Array, rawBytes: number): Uint8Array {
  if (maxInflated(stored.length) >= rawBytes) return stored;
  const need = Math.ceil((rawBytes - GSZ_LIMITS.expansionSlack) / GSZ_LIMITS.expansion);
  const out = new Uint8Array(need);
  out.set(stored);
  return out;
}

/** The quaternion's canonical form: of q, q·i, q·j, q·k (the same covariance: a 180° turn about a principal
 * axis maps the ellipsoid onto itself) the one whose w has the largest magnitude, negated if w < 0, unit length. */
export function canonicalQuaternion(w: number, x: number, y: number, z: number, out: Float64Array): void {
  let norm = Math.hypot(w, x, y, z);
  if (!(norm > 0) || !Number.isFinite(norm)) {
    w = 1;
    x = y = z = 0;
    norm = 1;
  }
  const aw = Math.abs(w),
    ax = Math.abs(x),
    ay = Math.abs(y),
    az = Math.abs(z);
  // q·i = (-x, w, z, -y), q·j = (-y, -z, w, x), q·k = (-z, y, -x, w).
  let c: [number, number, number, number] = [w, x, y, z];
  if (ax >= aw && ax >= ay && ax >= az) c = [-x, w, z, -y];
  else if (ay >= aw && ay >= az) c = [-y, -z, w, x];
  else if (az >= aw) c = [-z, y, -x, w];
  const s = c[0] < 0 ? -1 / norm : 1 / norm;
  for (let k = 0; k < 4; k++) out[k] = c[k] * s;
}

/**
 * The representative of (R, s) among its 24 axis relabellings (shared/format/octahedral.ts: R·P with the
 * log-scales permuted alike describes the same ellipsoid) whose quaternion is closest to the identity
 * (largest |w|): the rotation then lies in 1/24 of SO(3) (|x|, |y|, |z| <= tan(π/8)·w) instead of v2's 1/4
 * (180° turns only). It is still a canonical quaternion in FORMAT.md's sense (w the largest, >= 0), so the
 * decoder is unchanged. Biker: rotation 3.53 -> 3.40 B/G at 1100 levels, and the larger w makes the rebuilt
 * w more precise (rotation RMS 0.082° -> 0.081°), so 1000 levels meet SPZ's error. Sorting the log-scales
 * instead (the other way to pick one of the 24) cost as much in total: log-scale 2.40 -> 2.04 but rotation
 * 3.53 -> 3.68 B/G, with a larger rotation error. Writes the permuted log-scales to `scales`, the quaternion
 * (unit, w >= 0) to `quat`.
 */
export function closestAxisTurn(
  s0: number,
  s1: number,
  s2: number,
  w: number,
  x: number,
  y: number,
  z: number,
  scales: Float64Array,
  quat: Float64Array,
): void {
  let norm = Math.hypot(w, x, y, z);
  if (!(norm > 0) || !Number.isFinite(norm)) {
    w = 1;
    x = y = z = 0;
    norm = 1;
  }
  w /= norm;
  x /= norm;
  y /= norm;
  z /= norm;
  let best = 0;
  let bestW = -1;
  for (let t = 0; t < AXIS_TURNS.length; t++) {
    const p = AXIS_TURNS[t].q;
    const pw = Math.abs(w * p[0] - x * p[1] - y * p[2] - z * p[3]);
    if (pw > bestW + 1e-12) {
      bestW = pw;
      best = t;
    }
  }
  const turn = AXIS_TURNS[best];
  quatMul(w, x, y, z, turn.q, quat);
  const sg = quat[0] < 0 ? -1 : 1;
  for (let k = 0; k < 4; k++) quat[k] *= sg;
  const s = [s0, s1, s2];
  for (let k = 0; k < 3; k++) scales[k] = s[turn.perm[k]];
}
interface ChunkCodebook {
  labels: Uint32Array;
  k: number;
  halves: Uint16Array;
  /** Centroids as the decoder reads them. */
  decoded: Float32Array;
  dims: number;
  residualStep: number | undefined;
  residualRounding: number;
  basis: ColourBasis;
}

function encodeChunk(
  scene: GaussianScene,
  ids: Uint32Array,
  quant: GszQuantization,
  codebook: ChunkCodebook | undefined,
  chunkIndex: number,
): { bytes: Uint8Array; count: number; level: number; bounds: number[]; columnLengths: number[] } {
  const n = ids.length;
  // Quantized positions and their 48-bit Morton keys; the chunk is stored in ascending key order.
  const { origin, step, bits } = quant.position;
  const qp = new Uint16Array(n * 3);
  const lo = [65535, 65535, 65535];
  const hi = [0, 0, 0];
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      const top = 2 ** bits[a] - 1;
      let q = Math.round((scene.positions[ids[i] * 3 + a] - origin[a]) / step[a]);
      q = q < 0 ? 0 : Math.min(q, top);
      qp[i * 3 + a] = q;
      if (q < lo[a]) lo[a] = q;
      if (q > hi[a]) hi[a] = q;
    }
    keys[i] = morton48(qp[i * 3], qp[i * 3 + 1], qp[i * 3 + 2]);
  }
  const local = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);

  const codes = newChunkCodes(n);
  const q4 = new Float64Array(4);
  const s3 = new Float64Array(3);
  const { logScale, shDC } = quant;
  const rb = quant.rotation.bits;
  const rl = quant.rotation.levels;
  for (let i = 0; i < n; i++) {
    const l = local[i];
    const g = ids[l];
    codes.keys[i] = keys[l];
    const r = scene.rotations;
    const ls = scene.logScales;
    closestAxisTurn(
      ls[g * 3],
      ls[g * 3 + 1],
      ls[g * 3 + 2],
      r[g * 4],
      r[g * 4 + 1],
      r[g * 4 + 2],
      r[g * 4 + 3],
      s3,
      q4,
    );
    for (let a = 0; a < 3; a++) {
      codes.logScale[i * 3 + a] = gridCode(s3[a], logScale);
      codes.shDC[i * 3 + a] = gridCode(scene.shDC[g * 3 + a], shDC);
    }
    for (let a = 0; a < 3; a++) codes.rotation[i * 3 + a] = rotationCode(q4[a + 1], rl);
    codes.opacity[i] = encodeOpacity(scene.opacityLogits[g], quant.opacity.bits);
    if (codebook) codes.shIndex[i] = codebook.labels[g];
  }
  if (codebook?.residualStep) {
    const { dims, decoded, residualStep, residualRounding, basis } = codebook;
    codes.shResidual = new Uint16Array(n * dims);
    const y = new Float64Array(dims);
    for (let i = 0; i < n; i++) {
      const g = ids[local[i]];
      const c = codes.shIndex[i] * dims;
      const at = g * dims;
      for (let d = 0; d < dims; d += 3) {
        toBasis(
          basis,
          scene.shRest[at + d] - decoded[c + d],
          scene.shRest[at + d + 1] - decoded[c + d + 1],
          scene.shRest[at + d + 2] - decoded[c + d + 2],
          y,
          d,
        );
      }
      for (let d = 0; d < dims; d++) {
        const x = y[d] / residualStep;
        const r = x >= 0 ? Math.floor(x + residualRounding) : -Math.floor(-x + residualRounding);
        const z = r >= 0 ? 2 * r : -2 * r - 1;
        // Beyond the largest code: the largest of the same sign (zigzag parity); never reached by real SH.
        codes.shResidual[i * dims + d] = !Number.isFinite(z)
          ? 0
          : z <= RESIDUAL_MAX
            ? z
            : RESIDUAL_MAX - ((z - RESIDUAL_MAX) & 1);
      }
    }
  }
  const raw = columnRawBytesFor(quant, codebook, n);
  const frames: Uint8Array[] = [];
  const column = (k: number, scheme: (c: RangeEncoder) => void): void => {
    const enc = new RangeEncoder();
    scheme(enc);
    frames.push(padTo(enc.finish(), raw[k]));
  };
  column(0, (c) => codePositions(c, codes, 'position'));
  column(1, (c) => codeTriples(c, codes.logScale, n, logScale.bits, 'logScale', 'log-scale'));
  column(2, (c) => codeRotations(c, codes.rotation, n, rb, rl));
  column(3, (c) => codeOpacity(c, codes, quant.opacity.bits, logScale.bits));
  column(4, (c) => codeColours(c, codes.shDC, n, shDC.bits, 'shDC'));
  if (codebook) column(5, (c) => codeSingles(c, codes.shIndex, n, indexBits(codebook.k), false));
  if (codebook?.residualStep) column(6, (c) => codeResiduals(c, codes.shResidual, n, codebook.dims));
  const total = frames.reduce((s, f) => s + f.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const f of frames) {
    bytes.set(f, at);
    at += f.length;
  }
  // Bounds of the decoded (dequantized) positions: exactly what a reader of this chunk will see.
  const bounds = [0, 1, 2]
    .map((a) => origin[a] + lo[a] * step[a])
    .concat([0, 1, 2].map((a) => origin[a] + hi[a] * step[a]));
  if (n === 0) bounds.fill(0);
  return { bytes, count: n, level: chunkIndex, bounds, columnLengths: frames.map((f) => f.length) };
}

function columnRawBytesFor(quant: GszQuantization, codebook: ChunkCodebook | undefined, n: number): number[] {
  return columnRawBytes(
    {
      quant,
      shDegree: codebook ? 1 : 0,
      codebook: codebook
        ? { offset: 0, length: 0, crc: 0, centroids: codebook.k, dims: codebook.dims }
        : null,
    },
    n,
  );
}
