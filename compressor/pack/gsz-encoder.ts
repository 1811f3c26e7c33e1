// .gsz encoder: importance order -> chunks -> per-attribute quantization -> Morton order inside each chunk
// -> one range-coded stream per column per chunk (shared/format/gsz-codec.ts, the scheme the decoder runs
// too). Layout and field meanings: ../../shared/format/FORMAT.md. The parts: options and defaults
// (gsz-options.ts), grids (gsz-grids.ts), SH codebook (gsz-sh-codebook.ts), chunks (gsz-chunk-encoder.ts),
// the file around them (gsz-file-writer.ts).
import { capShDegree, sceneBounds, type GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { codeCodebook } from '../../shared/format/gsz-codec.ts';
import {
  GSZ_LIMITS,
  MAX_CODE_BITS,
  type GszQuantization,
  type Vec3,
} from '../../shared/format/gsz-layout.ts';
import { RangeEncoder } from '../../shared/format/range-coder.ts';
import { sceneExtent } from '../../shared/math/framing.ts';
import { sceneValueProblem } from '../io/scene-limits.ts';
import { encodeChunk, padTo, type ChunkCodebook } from './gsz-chunk-encoder.ts';
import { unitUp, writeGszFile, type EncodedChunk } from './gsz-file-writer.ts';
import { checkBits, rotationGrid, stepGrid } from './gsz-grids.ts';
import { GSZ_DEFAULTS, type GszEncodeOptions } from './gsz-options.ts';
import { buildShCodebook } from './gsz-sh-codebook.ts';
import { chunkSizes, defaultImportance, importanceOrder } from './importance.ts';
import { neededShDegree, SH_INVISIBLE_COEFFICIENT } from './sh-degree-trim.ts';

export { canonicalQuaternion, closestAxisTurn } from './axis-turn.ts';
export { unitUp } from './gsz-file-writer.ts';
export { autoCodebookSize, GSZ_DEFAULTS, type GszEncodeOptions } from './gsz-options.ts';
export { shKmeans } from './gsz-sh-codebook.ts';

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
  const codebook: ChunkCodebook | undefined =
    scene.shDegree > 0
      ? await buildShCodebook(
          scene,
          quant,
          options,
          { basis: o.shResidualBasis, rounding: o.shResidualRounding },
          progress,
        )
      : undefined;

  // ---- chunks ----
  progress('chunks');
  const order = importanceOrder(o.importance ?? defaultImportance(scene));
  if (order.length !== n) throw new RangeError(`importance has ${order.length} entries for ${n} Gaussians`);
  const sizes = chunkSizes(n, o.firstChunk, o.chunkGrowth, o.maxChunk);
  const encoded: EncodedChunk[] = [];
  let start = 0;
  for (let c = 0; c < sizes.length; c++) {
    const ids = order.subarray(start, start + sizes[c]);
    start += sizes[c];
    encoded.push(encodeChunk(scene, ids, quant, codebook, c));
  }

  // ---- codebook section: fp16 values, range-coded ----
  let codebookSection: { bytes: Uint8Array; centroids: number; dims: number } | undefined;
  if (codebook) {
    const enc = new RangeEncoder();
    codeCodebook(enc, codebook.halves.slice(), codebook.dims);
    const bytes = padTo(enc.finish(), codebook.halves.length * 2);
    codebookSection = { bytes, centroids: codebook.k, dims: codebook.dims };
  }

  return writeGszFile(
    {
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
    },
    encoded,
    codebookSection,
  );
}
