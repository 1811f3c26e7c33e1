// Small helpers for f32/u32 storage buffers shared by the training passes and their tests:
// create from data, read back, copy. Sizes are rounded up to 4 bytes (WebGPU requires it) and at
// least 16 bytes so an empty parameter group still has a bindable buffer.
import { settle } from '../gpu/gpu-wait.ts';

/** Read lazily: GPUBufferUsage exists only once the WebGPU globals are installed (compressor/gpu/device.ts). */
export const storageUsage = (): number =>
  GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

export function byteSize(elements: number): number {
  return Math.max(16, Math.ceil((elements * 4) / 16) * 16);
}

/** A storage buffer holding `data` (or `elements` zeros). */
export function createStorage(
  device: GPUDevice,
  data: Float32Array | Uint32Array | number,
  label?: string,
): GPUBuffer {
  const elements = typeof data === 'number' ? data : data.length;
  const buffer = device.createBuffer({
    label,
    size: byteSize(elements),
    usage: storageUsage(),
    mappedAtCreation: typeof data !== 'number',
  });
  if (typeof data !== 'number') {
    new Uint8Array(buffer.getMappedRange()).set(
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    );
    buffer.unmap();
  }
  return buffer;
}

/** Reads `elements` 32-bit floats from `buffer`, starting at float `offset` (e.g. the opacity section). */
export async function readFloats(
  device: GPUDevice,
  buffer: GPUBuffer,
  elements: number,
  offset = 0,
): Promise<Float32Array> {
  return new Float32Array(await readBytes(device, buffer, elements * 4, offset * 4));
}

export async function readUints(
  device: GPUDevice,
  buffer: GPUBuffer,
  elements: number,
): Promise<Uint32Array> {
  return new Uint32Array(await readBytes(device, buffer, elements * 4));
}

async function readBytes(
  device: GPUDevice,
  buffer: GPUBuffer,
  bytes: number,
  byteOffset = 0,
): Promise<ArrayBuffer> {
  const size = Math.max(4, Math.ceil(bytes / 4) * 4);
  const staging = device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, byteOffset, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  await settle(staging.mapAsync(GPUMapMode.READ));
  const out = staging.getMappedRange().slice(0, bytes);
  staging.unmap();
  staging.destroy();
  return out;
}

/** queue.writeBuffer for any typed array view (TS 5.9 types reject ArrayBufferLike-backed views). */
export function writeArray(
  device: GPUDevice,
  buffer: GPUBuffer,
  data: Float32Array | Uint32Array,
  byteOffset = 0,
): void {
  device.queue.writeBuffer(buffer, byteOffset, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
}
