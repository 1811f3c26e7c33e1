// A compute kernel: a composed WGSL stage compiled once per GPUDevice (shared/gpu/pipeline-cache.ts) and
// dispatched over 1D work with the 2D fallback the kernels understand
// (index = gid.x + gid.y * num_workgroups.x * 256).
import { composeWgsl, type WgslDefines } from '../../shared/wgsl/compose.ts';
import { computePipeline, deviceCache } from '../../shared/gpu/pipeline-cache.ts';
import { RASTER_WGSL_MODULES } from './wgsl-modules.ts';

const pipelines = deviceCache<string, GPUComputePipeline>();

export function kernelPipeline(
  device: GPUDevice,
  label: string,
  source: string,
  defines: WgslDefines = {},
): GPUComputePipeline {
  return pipelines(device, `${label}:${JSON.stringify(defines)}`, () =>
    computePipeline(device, label, composeWgsl(source, RASTER_WGSL_MODULES, defines)),
  );
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
