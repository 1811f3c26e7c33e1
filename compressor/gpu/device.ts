// Node-side WebGPU device through Dawn (`webgpu` npm package). On a machine with a GPU, Dawn finds
// Vulkan/Metal/D3D12 itself. Without one, Dawn needs a software Vulkan driver: SwiftShader, which
// Debian's `chromium` package ships (lavapipe is rejected by Dawn; docs/toolchain.md).
// Validation errors are captured and turned into exceptions: a broken pass must never be a black image.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { create, globals } from 'webgpu';
import { BINDING_CAP_ENV, capBufferLimits, parseByteSize } from './limits.ts';

Object.assign(globalThis, globals);

/** SwiftShader's Vulkan ICD as Debian's chromium package installs it. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export class GpuUnavailableError extends Error {
  override name = 'GpuUnavailableError';
}

export class GpuValidationError extends Error {
  override name = 'GpuValidationError';
}

export interface GpuContext {
  device: GPUDevice;
  adapterInfo: { vendor: string; architecture: string; description: string };
  /** True on SwiftShader (CPU): callers pick smaller defaults. */
  software: boolean;
  /** Throws the first uncaptured GPU error since the last call, if any. */
  check(): void;
}

let shared: Promise<GpuContext> | undefined;

/** One device per process, created on first use. */
export function getGpu(): Promise<GpuContext> {
  shared ??= createGpu();
  return shared;
}

/** A device of its own (not the shared one): tests that cap its limits (limits.ts) use this. */
export function createSeparateGpu(): Promise<GpuContext> {
  return createGpu();
}

// Dawn instances must outlive every adapter and device made from them: a collected instance makes later
// async calls abort or hang (seen as "std::system_error" / futex assertions). Keep them for the process.
const instances: GPU[] = [];

async function requestAdapter(): Promise<GPUAdapter | null> {
  const gpu = create([]);
  instances.push(gpu);
  return gpu.requestAdapter({ powerPreference: 'high-performance' });
}

async function createGpu(): Promise<GpuContext> {
  // Vulkan's window-system probing prints "XDG_RUNTIME_DIR is invalid" on headless machines; compute
  // needs no display, so give it a valid directory rather than let the noise reach users.
  process.env.XDG_RUNTIME_DIR ||= tmpdir();
  let adapter: GPUAdapter | null = null;
  // Dawn's Vulkan loader reads VK_ICD_FILENAMES when the instance is created, so it must be set before
  // `create()`. Prefer a real GPU: only fall back to SwiftShader when no ICD was chosen by the user.
  if (!process.env.VK_ICD_FILENAMES) {
    adapter = await requestAdapter().catch(() => null);
    if (!adapter && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  adapter ??= await requestAdapter().catch(() => null);
  if (!adapter) {
    throw new GpuUnavailableError(
      'no WebGPU adapter: Dawn found no GPU driver. On a machine without a GPU install SwiftShader and the ' +
        'Vulkan loader (Debian/Ubuntu: `apt-get install -y chromium libvulkan1`), or set VK_ICD_FILENAMES.',
    );
  }
  const limits = adapter.limits;
  const wanted: GPUFeatureName[] = ['timestamp-query', 'subgroups', 'shader-f16'];
  const device = await adapter.requestDevice({
    requiredFeatures: wanted.filter((f) => adapter.features.has(f)),
    requiredLimits: {
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
    },
  });
  const cap = process.env[BINDING_CAP_ENV];
  if (cap) {
    const bytes = parseByteSize(cap);
    if (bytes === undefined)
      throw new RangeError(`${BINDING_CAP_ENV}: expected a byte size such as 128M or 1G, got '${cap}'`);
    // Buffers twice the binding, as WebGPU's defaults (128 MiB binding, 256 MiB buffer).
    capBufferLimits(device, { maxBindingBytes: bytes, maxBufferBytes: 2 * bytes });
  }
  const errors: string[] = [];
  device.addEventListener('uncapturederror', (event) => {
    errors.push((event as GPUUncapturedErrorEvent).error.message);
  });
  const info = adapter.info;
  const architecture = info.architecture ?? '';
  return {
    device,
    adapterInfo: { vendor: info.vendor ?? '', architecture, description: info.description ?? '' },
    software: architecture === 'swiftshader' || /swiftshader|llvmpipe|lavapipe/i.test(info.description ?? ''),
    check() {
      if (errors.length > 0) {
        const all = errors.splice(0);
        throw new GpuValidationError(`GPU validation error: ${all.join('\n')}`);
      }
    },
  };
}

/** Runs `fn` inside validation + out-of-memory error scopes and throws if either caught an error. */
export async function withErrorScope<T>(device: GPUDevice, fn: () => T | Promise<T>): Promise<T> {
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  const result = await fn();
  const oom = await device.popErrorScope();
  const validation = await device.popErrorScope();
  const error = validation ?? oom;
  if (error) throw new GpuValidationError(`GPU error: ${error.message}`);
  return result;
}
