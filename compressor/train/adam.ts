// Pipelines of the training optimizer's kernels, shared by PackedAdam (packed-adam.ts: Adam over the
// rasterizer's packed parameter buffer, row gathers of its moments) and the densification statistics:
// adam-vec4.wgsl (Adam, 4 values per invocation) and gather-rows.wgsl (row gathers for pruning/densification),
// plus the 1-D dispatch helper they use.
import adamVec4Source from './adam-vec4.wgsl';
import gatherSource from './gather-rows.wgsl';

const WORKGROUP = 256;

interface Pipelines {
  /** adam-vec4.wgsl: 4 values per invocation. */
  adam4: GPUComputePipeline;
  gather: GPUComputePipeline;
}
const cache = new WeakMap<GPUDevice, Pipelines>();
export function pipelines(device: GPUDevice): Pipelines {
  let p = cache.get(device);
  if (!p) {
    const make = (code: string, label: string) =>
      device.createComputePipeline({
        label,
        layout: 'auto',
        compute: { module: device.createShaderModule({ label, code }), entryPoint: 'main' },
      });
    p = { adam4: make(adamVec4Source, 'Adam.stepVec4'), gather: make(gatherSource, 'Adam.gatherRows') };
    cache.set(device, p);
  }
  return p;
}

/** Dispatches `elements` invocations of a 256-wide kernel, spilling into y past 65,535 workgroups. */
export function dispatch(pass: GPUComputePassEncoder, elements: number): void {
  const groups = Math.ceil(elements / WORKGROUP);
  if (groups <= 65535) pass.dispatchWorkgroups(groups);
  else pass.dispatchWorkgroups(65535, Math.ceil(groups / 65535));
}
