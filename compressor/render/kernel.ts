// A compute kernel: a composed WGSL stage compiled once per GPUDevice (WeakMap cache, so a lost device
// can be replaced) and dispatched over 1D work with the 2D fallback the kernels understand
// (index = gid.x + gid.y * num_workgroups.x * 256).
import { composeWgsl, type WgslDefines } from '../../shared/wgsl/compose.ts';
import { RASTER_WGSL_MODULES } from './wgsl-modules.ts';

const cache = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

export function kernelPipeline(
  device: GPUDevice,
  label: string,
  source: string,
  defines: WgslDefines = {},
): GPUComputePipeline {
  let perDevice = cache.get(device);
  if (!perDevice) {
    perDevice = new Map();
    cache.set(device, perDevice);
  }
  const key = `${label}:${JSON.stringify(defines)}`;
  let pipeline = perDevice.get(key);
  if (!pipeline) {
    const code = composeWgsl(source, RASTER_WGSL_MODULES, defines);
    const module = device.createShaderModule({ label, code });
    pipeline = device.createComputePipeline({
      label,
      layout: 'auto',
      compute: { module, entryPoint: 'main' },
    });
    perDevice.set(key, pipeline);
  }
  return pipeline;
}

export function bindGroup(
  device: GPUDevice,
  pipeline: GPUComputePipeline,
  label: string,
  buffers: GPUBuffer[],
): GPUBindGroup {
  return device.createBindGroup({
    label,
    layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
}

/** Workgroup counts for `items` threads at 256 per workgroup, split over y past the per-dimension limit. */
export function linearWorkgroups(items: number, maxPerDimension = 65535): [number, number] {
  const groups = Math.max(1, Math.ceil(items / 256));
  if (groups <= maxPerDimension) return [groups, 1];
  return [maxPerDimension, Math.ceil(groups / maxPerDimension)];
}
