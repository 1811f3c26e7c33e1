// One GPUDevice per page, shared by every <gs-scene> (module-level promise): pipelines and the adapter's
// limits are set up once, and many small viewers on one page do not each hold a device.
// When the device is lost the promise is cleared, so the next `acquireDevice()` makes a fresh one.

/** Error with a stable `code` for the element's `error` event. */
export class GsSceneError extends Error {
  override name = 'GsSceneError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let shared: Promise<GPUDevice> | undefined;

/** Buffer limits the element requests, at most; unset fields take the adapter's own. */
export interface DeviceLimitCaps {
  maxBufferSize?: number;
  maxStorageBufferBindingSize?: number;
}
let limitCaps: DeviceLimitCaps = {};

/**
 * Caps the buffer limits requested for the page's device (e.g. WebGPU's defaults, 256 MiB / 128 MiB, to
 * see what a phone would draw). Applies to the next device created: call before the first element loads.
 */
export function capDeviceLimits(caps: DeviceLimitCaps): void {
  limitCaps = { ...caps };
}

/** The adapter's limit, lowered to `cap` when one is set (never below WebGPU's guaranteed minimum). */
function capped(adapterLimit: number, cap: number | undefined, minimum: number): number {
  if (cap === undefined || !Number.isFinite(cap)) return adapterLimit;
  return Math.min(adapterLimit, Math.max(minimum, Math.floor(cap)));
}

export function webGpuAvailable(): boolean {
  return typeof navigator !== 'undefined' && 'gpu' in navigator && navigator.gpu !== undefined;
}

/** The page's shared device; rejects with code 'webgpu-unavailable' when there is none. */
export function acquireDevice(): Promise<GPUDevice> {
  if (shared) return shared;
  const pending = createDevice();
  shared = pending;
  pending.then(
    (device) => {
      void device.lost.then(() => {
        if (shared === pending) shared = undefined;
      });
    },
    () => {
      if (shared === pending) shared = undefined;
    },
  );
  return pending;
}

async function createDevice(): Promise<GPUDevice> {
  if (!webGpuAvailable())
    throw new GsSceneError('webgpu-unavailable', 'WebGPU is not available in this browser');
  const adapter = await navigator.gpu
    .requestAdapter({ powerPreference: 'high-performance' })
    .catch(() => null);
  if (!adapter) throw new GsSceneError('webgpu-unavailable', 'WebGPU found no usable GPU adapter');
  const { limits } = adapter;
  try {
    // Large scenes need the adapter's full buffer sizes (the defaults cap a binding at 128 MiB); the
    // scene's splat budget (render/splat-budget.ts) is computed from what the device gets.
    const maxBufferSize = capped(limits.maxBufferSize, limitCaps.maxBufferSize, 256 * 1024 * 1024);
    const device = await adapter.requestDevice({
      label: 'gs-scene',
      requiredLimits: {
        maxStorageBufferBindingSize: Math.min(
          maxBufferSize,
          capped(
            limits.maxStorageBufferBindingSize,
            limitCaps.maxStorageBufferBindingSize,
            128 * 1024 * 1024,
          ),
        ),
        maxBufferSize,
        maxStorageBuffersPerShaderStage: Math.min(limits.maxStorageBuffersPerShaderStage, 10),
      },
    });
    // A validation error means a bug here, not bad input: say so once instead of flooding the console.
    let warned = false;
    device.addEventListener('uncapturederror', (event) => {
      if (warned) return;
      warned = true;
      console.warn(`gs-scene [gpu-error]: ${(event as GPUUncapturedErrorEvent).error.message}`);
    });
    return device;
  } catch (e) {
    throw new GsSceneError('webgpu-unavailable', `WebGPU device request failed: ${(e as Error).message}`);
  }
}
