// The viewer's pipelines, compiled once per device (and target format) and shared by every element on
// the page; a lost device's entries go away with it. The draw pipeline compiles in milliseconds, the
// depth order's compute pipelines in seconds on software GPUs (the first frames do without them).
import { composeWgsl } from '../../../shared/wgsl/compose.ts';
import mathWgsl from '../../../shared/wgsl/math.wgsl';
import projectionWgsl from '../../../shared/wgsl/projection.wgsl';
import shWgsl from '../../../shared/wgsl/sh.wgsl';
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
  math: mathWgsl,
  projection: projectionWgsl,
  sh: shWgsl,
  splat_layout: splatLayoutWgsl,
  splat_quad: splatQuadWgsl,
  frame_params: frameParamsWgsl,
};
const drawCache = new WeakMap<GPUDevice, Map<GPUTextureFormat, Promise<GPURenderPipeline>>>();
const orderCache = new WeakMap<GPUDevice, Promise<DepthOrderPipelines>>();

/** The splat draw (splat.wgsl) into `format` with premultiplied "over" blending. */
export function drawPipeline(device: GPUDevice, format: GPUTextureFormat): Promise<GPURenderPipeline> {
  let perFormat = drawCache.get(device);
  if (!perFormat) {
    perFormat = new Map();
    drawCache.set(device, perFormat);
  }
  let p = perFormat.get(format);
  if (!p) {
    const module = device.createShaderModule({
      label: 'gs-scene.splat',
      code: composeWgsl(splatWgsl, modules, layoutDefines),
    });
    const blend: GPUBlendComponent = { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' };
    p = device.createRenderPipelineAsync({
      label: 'gs-scene.splat',
      layout: 'auto',
      vertex: { module, entryPoint: 'vs' },
      fragment: { module, entryPoint: 'fs', targets: [{ format, blend: { color: blend, alpha: blend } }] },
      primitive: { topology: 'triangle-list' },
    });
    perFormat.set(format, p);
  }
  return p;
}

/** The depth order's three passes (depth-order.wgsl). */
export function depthOrderPipelines(device: GPUDevice): Promise<DepthOrderPipelines> {
  let p = orderCache.get(device);
  if (!p) {
    p = (async () => {
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
    })();
    orderCache.set(device, p);
  }
  return p;
}

/** Bind group entries for `buffers` at the given binding numbers. */
export function bindings(buffers: [number, GPUBuffer][]): GPUBindGroupEntry[] {
  return buffers.map(([binding, buffer]) => ({ binding, resource: { buffer } }));
}
