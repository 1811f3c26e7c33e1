// Pipelines of the training optimizer's kernels, shared by PackedAdam (packed-adam.ts: Adam over the
// rasterizer's packed parameter buffer, row gathers of its moments) and the densification statistics:
// adam-vec4.wgsl (Adam, 4 values per invocation) and gather-rows.wgsl (row gathers for pruning/densification),
// plus the 1-D dispatch helper they use.
import adamVec4Source from './adam-vec4.wgsl';
import gatherSource from './gather-rows.wgsl';
import { computePipeline, oncePerDevice } from '../../shared/gpu/pipeline-cache.ts';

const WORKGROUP = 256;

interface Pipelines {
  /** adam-vec4.wgsl: 4 values per invocation. */
  adam4: GPUComputePipeline;
  gather: GPUComputePipeline;
}
export const pipelines = oncePerDevice(
  (device): Pipelines => ({
    adam4: computePipeline(device, 'Adam.stepVec4', adamVec4Source),
    gather: computePipeline(device, 'Adam.gatherRows', gatherSource),
  }),
);

/** Dispatches `elements` invocations of a 256-wide kernel, spilling into y past 65,535 workgroups. */
export function dispatch(pass: GPUComputePassEncoder, elements: number): void {
  const groups = Math.ceil(elements / WORKGROUP);
  if (groups <= 65535) pass.dispatchWorkgroups(groups);
  else pass.dispatchWorkgroups(65535, Math.ceil(groups / 65535));
}
