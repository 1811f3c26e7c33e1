// The training loss on the GPU: L = (1 − λ)·L1 + λ·(1 − SSIM), λ = 0.2 (3DGS), with dL/dimage.
// Stages (one WGSL file each): moments -> blur x -> blur y -> SSIM + partials -> blur x -> blur y
// (adjoint of the blur) -> gradient; and a reduction to [loss, L1, SSIM] for display.
// Reference: loss-reference.ts (float64).
import momentsSource from './loss-moments.wgsl';
import blurSource from './loss-blur.wgsl';
import ssimSource from './loss-ssim.wgsl';
import gradSource from './loss-grad.wgsl';
import reduceSource from './loss-reduce.wgsl';
import paramsSource from './loss-params.wgsl';
import { composeWgsl } from '../../shared/wgsl/compose.ts';
import { createStorage, readFloats } from './gpu-buffers.ts';

interface Pipelines {
  moments: GPUComputePipeline;
  blur: GPUComputePipeline;
  ssim: GPUComputePipeline;
  grad: GPUComputePipeline;
  reduce: GPUComputePipeline;
}
const cache = new WeakMap<GPUDevice, Pipelines>();
function pipelines(device: GPUDevice): Pipelines {
  let p = cache.get(device);
  if (!p) {
    const make = (code: string, label: string) =>
      device.createComputePipeline({ label, layout: 'auto', compute: { module: device.createShaderModule({ label, code: composeWgsl(code, { loss_params: paramsSource }) }), entryPoint: 'main' } });
    p = {
      moments: make(momentsSource, 'Loss.moments'),
      blur: make(blurSource, 'Loss.blur'),
      ssim: make(ssimSource, 'Loss.ssim'),
      grad: make(gradSource, 'Loss.grad'),
      reduce: make(reduceSource, 'Loss.reduce'),
    };
    cache.set(device, p);
  }
  return p;
}

export interface LossValues {
  loss: number;
  l1: number;
  ssim: number;
}

export interface ImageLossOptions {
  /** Largest image (pixels) this instance will see; temporaries are sized for it. */
  maxPixels: number;
  /** λ of the D-SSIM term (3DGS: 0.2). */
  ssimWeight?: number;
}

const WORKGROUP = 256;

/**
 * GPU loss for one image pair per call. Owns its temporaries; encode at most once per submit (the
 * uniforms are rewritten per call). `result` holds [loss, l1, ssim] after the submit.
 */
export class ImageLoss {
  /** [loss, mean L1, mean SSIM] of the last encoded pair. */
  readonly result: GPUBuffer;
  private readonly momentsA: GPUBuffer;
  private readonly momentsB: GPUBuffer;
  private readonly pixelSums: GPUBuffer;
  /** Uniforms: [main, blur x 15, blur y 15, blur x 9, blur y 9]. */
  private readonly uniforms: GPUBuffer[];
  private readonly ssimWeight: number;

  constructor(
    private readonly device: GPUDevice,
    private readonly options: ImageLossOptions,
  ) {
    const values = options.maxPixels * 3;
    this.momentsA = createStorage(device, values * 5, 'Loss.momentsA');
    this.momentsB = createStorage(device, values * 5, 'Loss.momentsB');
    this.pixelSums = createStorage(device, options.maxPixels * 2, 'Loss.pixelSums');
    this.result = createStorage(device, 4, 'Loss.result');
    this.uniforms = Array.from({ length: 5 }, (_, i) =>
      device.createBuffer({ label: `Loss.params${i}`, size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }));
    this.ssimWeight = options.ssimWeight ?? 0.2;
  }

  /**
   * image, target: [height, width, 3] f32; grad: [height, width, 3] f32, overwritten with dL/dimage.
   */
  encode(encoder: GPUCommandEncoder, image: GPUBuffer, target: GPUBuffer, grad: GPUBuffer, width: number, height: number): void {
    const pixels = width * height;
    if (pixels > this.options.maxPixels) throw new RangeError(`ImageLoss: ${width}x${height} exceeds maxPixels ${this.options.maxPixels}`);
    const write = (u: GPUBuffer, channels: number, axis: number) => {
      const data = new ArrayBuffer(32);
      new Uint32Array(data, 0, 4).set([width, height, channels, axis]);
      new Float32Array(data, 16, 2).set([this.ssimWeight, 1 / (pixels * 3)]);
      this.device.queue.writeBuffer(u, 0, data);
    };
    const [main, bx15, by15, bx9, by9] = this.uniforms;
    write(main, 3, 0);
    write(bx15, 15, 0);
    write(by15, 15, 1);
    write(bx9, 9, 0);
    write(by9, 9, 1);
    const p = pipelines(this.device);
    const pass = encoder.beginComputePass({ label: 'ImageLoss' });
    const run = (pipeline: GPUComputePipeline, buffers: GPUBuffer[], elements: number) => {
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, this.device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
      }));
      const groups = Math.ceil(elements / WORKGROUP);
      if (groups <= 65535) pass.dispatchWorkgroups(groups);
      else pass.dispatchWorkgroups(65535, Math.ceil(groups / 65535));
    };
    const { momentsA: a, momentsB: b } = this;
    run(p.moments, [main, image, target, a], pixels * 3);
    run(p.blur, [bx15, a, b], pixels * 15);
    run(p.blur, [by15, b, a], pixels * 15);
    run(p.ssim, [main, image, target, a, b, this.pixelSums], pixels); // partials -> b ([pixels, 9])
    run(p.blur, [bx9, b, a], pixels * 9);
    run(p.blur, [by9, a, b], pixels * 9);
    run(p.grad, [main, image, target, b, grad], pixels * 3);
    pass.setPipeline(p.reduce);
    pass.setBindGroup(0, this.device.createBindGroup({
      layout: p.reduce.getBindGroupLayout(0),
      entries: [main, this.pixelSums, this.result].map((buffer, binding) => ({ binding, resource: { buffer } })),
    }));
    pass.dispatchWorkgroups(1);
    pass.end();
  }

  /** Reads [loss, l1, ssim] (a GPU->CPU sync: do it only for display, e.g. every 10 iterations). */
  async read(): Promise<LossValues> {
    const [loss, l1, ssim] = await readFloats(this.device, this.result, 3);
    return { loss, l1, ssim };
  }

  destroy(): void {
    for (const b of [this.momentsA, this.momentsB, this.pixelSums, this.result, ...this.uniforms]) b.destroy();
  }
}
