// Test helper: a GPU context, or a reason to skip (printed by node:test) when this machine has none.
import type { TestContext } from 'node:test';
import { getGpu, type GpuContext } from './device.ts';

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
