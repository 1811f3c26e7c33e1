// Small buffer helpers for the rasterizer's host code.
import { settle } from '../gpu/gpu-wait.ts';
import { bufferLimits } from '../gpu/limits.ts';

export function storageBuffer(device: GPUDevice, label: string, bytes: number, extraUsage = 0): GPUBuffer {
  return device.createBuffer({
    label,
    size: Math.max(16, Math.ceil(bytes / 16) * 16),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | extraUsage,
  });
}

/** Copies `bytes` of `buffer` to the CPU (waits for the queue). */
export async function readBuffer(
  device: GPUDevice,
  buffer: GPUBuffer,
  bytes = buffer.size,
  offset = 0,
): Promise<ArrayBuffer> {
  const size = Math.ceil(bytes / 4) * 4;
  const staging = device.createBuffer({
    label: `${buffer.label}.readback`,
    size: Math.max(4, size),
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const encoder = device.createCommandEncoder({ label: 'readBuffer' });
  if (size > 0) encoder.copyBufferToBuffer(buffer, offset, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  await settle(staging.mapAsync(GPUMapMode.READ));
  const out = staging.getMappedRange().slice(0, bytes);
  staging.unmap();
  staging.destroy();
  return out;
}

/** A buffer that grows (never shrinks) to hold at least `bytes`; returns the current one. */
export class GrowableBuffer {
  private buffer: GPUBuffer | undefined;
  constructor(
    private readonly device: GPUDevice,
    private readonly label: string,
    private readonly extraUsage = 0,
  ) {}
  ensure(bytes: number): GPUBuffer {
    if (!this.buffer || this.buffer.size < bytes) {
      this.buffer?.destroy();
      // 1.5x headroom so a slowly growing count (training, densification) does not reallocate every frame,
      // but never past the binding limit (kernels bind the whole buffer) unless `bytes` itself is.
      const roomy = Math.min(Math.ceil(bytes * 1.5), bufferLimits(this.device).maxBindingBytes);
      this.buffer = storageBuffer(this.device, this.label, Math.max(bytes, roomy), this.extraUsage);
    }
    return this.buffer;
  }
  get current(): GPUBuffer {
    if (!this.buffer) throw new Error(`${this.label}: not allocated yet`);
    return this.buffer;
  }
  destroy(): void {
    this.buffer?.destroy();
    this.buffer = undefined;
  }
}
