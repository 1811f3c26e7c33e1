// The GPU depth order of one scene (depth-order.wgsl): a counting sort of the drawn splats' 16-bit
// log-depth keys into `order`, with the indirect draw arguments in `counters`. Two passes over the
// splats and one 65,536-key scan: fewer dispatches than a radix sort, and no per-splat keys or
// ping-pong buffers (4 bytes per splat in all: the order).
import { bindings, type DepthOrderPipelines } from './pipelines.ts';

const WORKGROUP = 256;
const MAX_GROUPS_X = 65535;
const KEYS = 65536;
/** Draw arguments (4 u32) then the histogram. */
export const COUNTERS_BYTES = 4 * (4 + KEYS);

/** The buffers the passes read and write (owned by the renderer). */
export interface DepthOrderBuffers {
  camera: GPUBuffer;
  frame: GPUBuffer;
  splats: GPUBuffer;
  counters: GPUBuffer;
  order: GPUBuffer;
}

export class DepthOrder {
  private readonly countGroup: GPUBindGroup;
  private readonly scanGroup: GPUBindGroup;
  private readonly scatterGroup: GPUBindGroup;

  constructor(
    device: GPUDevice,
    private readonly pipes: DepthOrderPipelines,
    b: DepthOrderBuffers,
  ) {
    const group = (pipeline: GPUComputePipeline, label: string, entries: [number, GPUBuffer][]) =>
      device.createBindGroup({
        label: `gs-scene.depthOrder.${label}`,
        layout: pipeline.getBindGroupLayout(0),
        entries: bindings(entries),
      });
    const splatInputs: [number, GPUBuffer][] = [
      [0, b.camera],
      [1, b.frame],
      [2, b.splats],
      [3, b.counters],
    ];
    this.countGroup = group(pipes.count, 'count', splatInputs);
    this.scanGroup = group(pipes.scan, 'scan', [[3, b.counters]]);
    this.scatterGroup = group(pipes.scatter, 'scatter', [...splatInputs, [4, b.order]]);
  }

  /** Orders `count` splats (the counters buffer must be cleared before, in the same encoder). */
  encode(encoder: GPUCommandEncoder, count: number): void {
    const pass = encoder.beginComputePass({ label: 'gs-scene.depthOrder' });
    const groups = Math.ceil(count / WORKGROUP);
    const x = Math.min(groups, MAX_GROUPS_X);
    const y = Math.ceil(groups / MAX_GROUPS_X);
    if (count > 0) {
      pass.setPipeline(this.pipes.count);
      pass.setBindGroup(0, this.countGroup);
      pass.dispatchWorkgroups(x, y);
    }
    pass.setPipeline(this.pipes.scan);
    pass.setBindGroup(0, this.scanGroup);
    pass.dispatchWorkgroups(1);
    if (count > 0) {
      pass.setPipeline(this.pipes.scatter);
      pass.setBindGroup(0, this.scatterGroup);
      pass.dispatchWorkgroups(x, y);
    }
    pass.end();
  }
}
