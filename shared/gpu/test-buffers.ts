// Test helpers for the GPU sort/scan: upload u32 arrays, read buffers back, seeded random u32s.

export function uploadU32(device: GPUDevice, data: Uint32Array, label: string, extraUsage = 0): GPUBuffer {
  const buffer = device.createBuffer({
    label,
    size: Math.max(16, Math.ceil(data.byteLength / 16) * 16),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | extraUsage,
    mappedAtCreation: true,
  });
  new Uint32Array(buffer.getMappedRange()).set(data);
  buffer.unmap();
  return buffer;
}

export async function readU32(
  device: GPUDevice,
  buffer: GPUBuffer,
  count: number,
  offsetBytes = 0,
): Promise<Uint32Array> {
  const size = Math.max(4, count * 4);
  const staging = device.createBuffer({ size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, offsetBytes, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Uint32Array(staging.getMappedRange().slice(0, count * 4));
  staging.unmap();
  staging.destroy();
  return out;
}

export { mulberry32U32 as randomU32 } from '../math/random.ts';
