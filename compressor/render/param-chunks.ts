// A scene's packed parameters (gaussian-layout.ts) split into chunks of consecutive Gaussians, each chunk
// its own packed buffer under the device's storage-binding limit (compressor/gpu/limits.ts). The
// per-Gaussian kernels (projection forward and backward, Adam) run once per chunk; everything after
// projection works on the projected splats of all chunks together. A scene that fits is one chunk.
import type { ShDegree } from '../../shared/scene/gaussian-scene.ts';
import { bufferLimits, formatBytes, GpuLimitError } from '../gpu/limits.ts';
import { columnsOf, gaussianLayout, packGaussians, type GaussianLayout } from './gaussian-layout.ts';
import { storageBuffer } from './gpu-buffers.ts';
import type { SceneArrays } from './types.ts';

/** Gaussians [first, first + layout.count) of a scene, packed as `layout` in `buffer`. */
export interface ParamChunk {
  first: number;
  layout: GaussianLayout;
  buffer: GPUBuffer;
}

/** Chunk rows are a multiple of this, so every chunk's rows start at aligned byte offsets of per-row arrays. */
export const CHUNK_ROW_MULTIPLE = 256;

/**
 * Gaussians per chunk: the most whose packed layout (sections padded to 64 floats) fits one binding,
 * a multiple of CHUNK_ROW_MULTIPLE. Throws when not even that many fit.
 */
export function chunkCapacity(device: GPUDevice, shDegree: ShDegree): number {
  const perGaussianBytes = 4 * (14 + 3 * gaussianLayout(1, shDegree).restCount);
  // Six sections, each padded by less than 64 floats (256 bytes).
  const usable = bufferLimits(device).maxBindingBytes - 6 * 256;
  const rows = Math.floor(usable / perGaussianBytes / CHUNK_ROW_MULTIPLE) * CHUNK_ROW_MULTIPLE;
  if (rows < CHUNK_ROW_MULTIPLE) {
    throw new GpuLimitError(
      `${CHUNK_ROW_MULTIPLE} Gaussians of SH degree ${shDegree} (${perGaussianBytes} B each) do not fit ` +
        `this device's storage-binding limit of ${formatBytes(bufferLimits(device).maxBindingBytes)}`,
    );
  }
  return rows;
}

/** Row ranges of `count` Gaussians in chunks of at most `capacity` (at least one, possibly empty, range). */
export function chunkRanges(count: number, capacity: number): { first: number; count: number }[] {
  const ranges: { first: number; count: number }[] = [];
  for (let first = 0; first < count; first += capacity)
    ranges.push({ first, count: Math.min(capacity, count - first) });
  return ranges.length > 0 ? ranges : [{ first: 0, count: 0 }];
}

function rows(a: ArrayLike<number>, width: number, first: number, count: number): ArrayLike<number> {
  const start = first * width;
  const end = (first + count) * width;
  const typed = a as ArrayLike<number> & { subarray?: (s: number, e: number) => ArrayLike<number> };
  return typed.subarray ? typed.subarray(start, end) : Array.prototype.slice.call(a, start, end);
}

/** Gaussians [first, first + count) of `scene` as a scene of their own (views where the arrays allow). */
export function sceneRows(scene: SceneArrays, first: number, count: number): SceneArrays {
  const k = 3 * gaussianLayout(1, scene.shDegree).restCount;
  return {
    count,
    shDegree: scene.shDegree,
    positions: rows(scene.positions, 3, first, count),
    logScales: rows(scene.logScales, 3, first, count),
    rotations: rows(scene.rotations, 4, first, count),
    opacityLogits: rows(scene.opacityLogits, 1, first, count),
    shDC: rows(scene.shDC, 3, first, count),
    shRest: rows(scene.shRest, k, first, count),
    antialiased: scene.antialiased,
  };
}

/** Uploads `scene` as parameter chunks of at most `capacity` Gaussians (default: the device's limit). */
export function uploadChunks(
  device: GPUDevice,
  scene: SceneArrays,
  label: string,
  capacity = chunkCapacity(device, scene.shDegree),
): ParamChunk[] {
  return chunkRanges(scene.count, capacity).map(({ first, count }, i) => {
    const { layout, data } = packGaussians(sceneRows(scene, first, count));
    const buffer = storageBuffer(device, `${label}[${i}]`, data.byteLength);
    device.queue.writeBuffer(buffer, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
    return { first, layout, buffer };
  });
}

/** Zeroed buffers in each chunk's layout (gradients, optimizer moments). */
export function chunkBuffers(device: GPUDevice, chunks: readonly ParamChunk[], label: string): GPUBuffer[] {
  return chunks.map((c, i) => storageBuffer(device, `${label}[${i}]`, c.layout.length * 4));
}

/** Joins per-chunk packed arrays (parameters or gradients) into whole-scene packed data of `layout`. */
export function joinChunkData(
  chunks: readonly ParamChunk[],
  parts: readonly Float32Array[],
  layout: GaussianLayout,
): Float32Array {
  const out = new Float32Array(layout.length);
  const whole = columnsOf(layout, out);
  chunks.forEach((chunk, i) => {
    const part = columnsOf(chunk.layout, parts[i]);
    const at = chunk.first;
    whole.positions.set(part.positions, 3 * at);
    whole.logScales.set(part.logScales, 3 * at);
    whole.rotations.set(part.rotations, 4 * at);
    whole.opacityLogits.set(part.opacityLogits, at);
    whole.shDC.set(part.shDC, 3 * at);
    whole.shRest.set(part.shRest, 3 * layout.restCount * at);
  });
  return out;
}
