// Plumbing shared by the portable GPU sort and scan (RadixSort, PrefixSum): the count convention (a number,
// or a u32 already on the GPU) and buffer helpers. Browser-safe: no Node APIs.

/** Element count: a number known on the CPU, or a u32 at byte `offset` (a multiple of 4) of a GPU buffer
 *  with COPY_SRC usage, read on the GPU when the commands run (no CPU readback). */
export type GpuCount = number | GpuCountBuffer;
export interface GpuCountBuffer {
  buffer: GPUBuffer;
  offset: number;
}

export class GpuSortError extends Error {
  override name = 'GpuSortError';
}

/** Uniform/storage slots of per-dispatch parameters are this far apart (minUniformBufferOffsetAlignment). */
export const PARAM_SLOT_BYTES = 256;

/** Workgroup sizes the sort/scan kernels support (each tile/block stays 1024 elements; >= 16 = RADIX). */
export const WORKGROUP_SIZES = [16, 32, 64, 128, 256] as const;
export type WorkgroupSize = (typeof WORKGROUP_SIZES)[number];

/** Default workgroup size: 256 on GPUs (WebGPU's default limit); 16 (the smallest: one thread per digit) on
 *  CPU implementations (SwiftShader, llvmpipe), where every barrier costs a coroutine switch per 4-lane group.
 *  Measured on SwiftShader: a 100k-element scan took 141 ms with 256 x 4 per workgroup, 24 ms with 64 x 16,
 *  11.5 ms with 32 x 32; a 300k 16-bit sort ~0.6 s with 16 threads vs ~1.1 s with 32 (noisy, loaded machine). */
export function defaultWorkgroupSize(device: GPUDevice): WorkgroupSize {
  return isCpuAdapter(device) ? 16 : 256;
}

/** True for CPU implementations of WebGPU (SwiftShader, llvmpipe, WARP). */
export function isCpuAdapter(device: GPUDevice): boolean {
  // `adapterInfo` on GPUDevice is recent; older implementations lack it (then assume a GPU).
  const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return /swiftshader|llvmpipe|lavapipe|warp|software/i.test(
    `${info?.architecture ?? ''} ${info?.description ?? ''} ${info?.device ?? ''}`,
  );
}

export function checkWorkgroupSize(size: number, owner: string): WorkgroupSize {
  if (!(WORKGROUP_SIZES as readonly number[]).includes(size)) {
    throw new GpuSortError(`${owner}: workgroupSize ${size} must be one of ${WORKGROUP_SIZES.join(', ')}`);
  }
  return size as WorkgroupSize;
}

/** A buffer initialised from `words` (u32) at creation; sizes are rounded up to 4 bytes, at least 16. */
export function createBuffer(
  device: GPUDevice,
  label: string,
  byteLength: number,
  usage: GPUBufferUsageFlags,
  words?: ArrayLike<number>,
): GPUBuffer {
  const size = Math.max(16, Math.ceil(byteLength / 16) * 16);
  const buffer = device.createBuffer({ label, size, usage, mappedAtCreation: words !== undefined });
  if (words !== undefined) {
    new Uint32Array(buffer.getMappedRange()).set(words);
    buffer.unmap();
  }
  return buffer;
}

/** Checks a count against the capacity; returns the number, or undefined when it lives on the GPU. */
export function checkCount(count: GpuCount, maxCount: number, owner: string): number | undefined {
  if (typeof count === 'number') {
    if (!Number.isInteger(count) || count < 0 || count > maxCount) {
      throw new GpuSortError(`${owner}: count ${count} must be an integer in [0, maxCount=${maxCount}]`);
    }
    return count;
  }
  if (!Number.isInteger(count.offset) || count.offset < 0 || count.offset % 4 !== 0) {
    throw new GpuSortError(`${owner}: count offset ${count.offset} must be a non-negative multiple of 4`);
  }
  if (count.offset + 4 > count.buffer.size) {
    throw new GpuSortError(
      `${owner}: count offset ${count.offset} is outside its ${count.buffer.size}-byte buffer`,
    );
  }
  return undefined;
}

/** Copies a count (number or GPU u32) into `target` at `targetOffset`, in command order. A numeric count goes
 *  through a small constant buffer (one per distinct value in a row, left to GC), never queue.writeBuffer, so
 *  several encodes with different counts in one submission stay independent. */
export class CountCopier {
  private lastValue = -1;
  private lastBuffer: GPUBuffer | undefined;

  constructor(
    private readonly device: GPUDevice,
    private readonly label: string,
  ) {}

  encode(encoder: GPUCommandEncoder, count: GpuCount, target: GPUBuffer, targetOffset: number): void {
    let source: GpuCountBuffer;
    if (typeof count === 'number') {
      if (count !== this.lastValue || this.lastBuffer === undefined) {
        this.lastBuffer = createBuffer(this.device, `${this.label}.count`, 4, GPUBufferUsage.COPY_SRC, [
          count,
        ]);
        this.lastValue = count;
      }
      source = { buffer: this.lastBuffer, offset: 0 };
    } else {
      source = count;
    }
    encoder.copyBufferToBuffer(source.buffer, source.offset, target, targetOffset, 4);
  }

  destroy(): void {
    this.lastBuffer?.destroy();
    this.lastBuffer = undefined;
  }
}

/** Throws unless `buffer` can hold the elements a call may touch: `count` for a number, else `maxCount`
 *  (a count on the GPU is only clamped to maxCount, so the buffer must hold that many). */
export function checkDataBuffer(
  buffer: GPUBuffer,
  count: GpuCount,
  maxCount: number,
  owner: string,
  what: string,
): void {
  const elements = typeof count === 'number' ? count : maxCount;
  if (buffer.size < elements * 4) {
    const why =
      typeof count === 'number' ? `count ${count}` : `maxCount ${maxCount} (the count is on the GPU)`;
    throw new GpuSortError(
      `${owner}: ${what} buffer "${buffer.label}" has ${buffer.size} bytes, too small for ${why} u32`,
    );
  }
}

/** Throws unless `bytes` fits one storage binding on this device. */
export function checkBindingSize(device: GPUDevice, bytes: number, owner: string, what: string): void {
  const limit = device.limits.maxStorageBufferBindingSize;
  if (bytes > limit) {
    throw new GpuSortError(
      `${owner}: ${what} needs ${bytes} bytes, over this device's storage binding limit ${limit}`,
    );
  }
}
