// Test helpers: a GPU context, or a reason to skip (printed by node:test) when this machine has none;
// and a separate device whose buffer limits are capped small, recording the largest buffer created.
import type { TestContext } from 'node:test';
import { createSeparateGpu, getGpu, type GpuContext } from './device.ts';
import { capBufferLimits } from './limits.ts';

let cached: Promise<GpuContext | string> | undefined;

/** Returns the shared GPU context, or calls `t.skip(reason)` and returns undefined. */
export async function gpuOrSkip(t: TestContext): Promise<GpuContext | undefined> {
  cached ??= getGpu().catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
  const gpu = await cached;
  if (typeof gpu === 'string') {
    t.skip(`no GPU adapter: ${gpu}`);
    return undefined;
  }
  return gpu;
}

export interface CappedGpu {
  gpu: GpuContext;
  /** Size of the largest buffer created on the device since the last reset, bytes. */
  largestBuffer(): number;
  resetLargest(): void;
}

/**
 * A separate device planned at `maxBindingBytes` (and buffers at most `maxBufferBytes`), far below what
 * WebGPU can be asked for; every createBuffer is watched so a test can assert none went over the cap.
 */
export async function cappedGpuOrSkip(
  t: TestContext,
  cap: { maxBindingBytes: number; maxBufferBytes?: number },
): Promise<CappedGpu | undefined> {
  if (!(await gpuOrSkip(t))) return undefined;
  const gpu = await createSeparateGpu();
  const { device } = gpu;
  capBufferLimits(device, { maxBindingBytes: cap.maxBindingBytes, maxBufferBytes: cap.maxBufferBytes });
  let largest = 0;
  const create = device.createBuffer.bind(device);
  device.createBuffer = (descriptor: GPUBufferDescriptor) => {
    largest = Math.max(largest, descriptor.size);
    return create(descriptor);
  };
  return {
    gpu,
    largestBuffer: () => largest,
    resetLargest: () => {
      largest = 0;
    },
  };
}
