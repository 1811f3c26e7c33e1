// The viewer's pipelines, compiled once per device (and target format) and shared by every element on
// the page; a lost device's entries go away with it. The draw pipeline compiles in milliseconds, the
// depth order's compute pipelines in seconds on software GPUs (the first frames do without them).
import { oncePerDevice, perDevice } from '../../../shared/gpu/pipeline-cache.ts';
import { composeWgsl } from '../../../shared/wgsl/compose.ts';
import { SHARED_WGSL_MODULES } from '../../../shared/wgsl/modules.ts';
import depthOrderWgsl from './depth-order.wgsl';
import frameParamsWgsl from './frame-params.wgsl';
import splatWgsl from './splat.wgsl';
import splatLayoutWgsl from './splat-layout.wgsl';
import { layoutDefines } from './splat-layout.ts';
import splatQuadWgsl from './splat-quad.wgsl';

export interface DepthOrderPipelines {
  count: GPUComputePipeline;
  scan: GPUComputePipeline;
  scatter: GPUComputePipeline;
}

const modules = {
  ...SHARED_WGSL_MODULES,
  splat_layout: splatLayoutWgsl,
  splat_quad: splatQuadWgsl,
  frame_params: frameParamsWgsl,
};

/** The splat draw (splat.wgsl) into `format` with premultiplied "over" blending. */
export const drawPipeline = perDevice((device, format: GPUTextureFormat): Promise<GPURenderPipeline> => {
  const module = device.createShaderModule({
    label: 'gs-scene.splat',
    code: composeWgsl(splatWgsl, modules, layoutDefines),
  });
  const blend: GPUBlendComponent = { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' };
  return device.createRenderPipelineAsync({
    label: 'gs-scene.splat',
    layout: 'auto',
    vertex: { module, entryPoint: 'vs' },
    fragment: { module, entryPoint: 'fs', targets: [{ format, blend: { color: blend, alpha: blend } }] },
    primitive: { topology: 'triangle-list' },
  });
});

/** The depth order's three passes (depth-order.wgsl). */
export const depthOrderPipelines = oncePerDevice(async (device): Promise<DepthOrderPipelines> => {
  const module = device.createShaderModule({
    label: 'gs-scene.depthOrder',
    code: composeWgsl(depthOrderWgsl, modules, layoutDefines),
  });
  // One at a time: Dawn's Node binding (tests) crashes on concurrent async pipeline creation.
  const create = (entryPoint: string) =>
    device.createComputePipelineAsync({
      label: `gs-scene.depthOrder.${entryPoint}`,
      layout: 'auto',
      compute: { module, entryPoint },
    });
  const count = await create('count');
  const scan = await create('scan');
  const scatter = await create('scatter');
  return { count, scan, scatter };
});

/** Bind group entries for `buffers` at the given binding numbers. */
export function bindings(buffers: [number, GPUBuffer][]): GPUBindGroupEntry[] {
  return buffers.map(([binding, buffer]) => ({ binding, resource: { buffer } }));
}
