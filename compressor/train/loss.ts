// The training loss on the GPU: L = (1 − λ)·L1 + λ·(1 − SSIM), λ = 0.2 (3DGS), with dL/dimage.
// Three passes, each walking image lines (one invocation per row or column and channel) with the 11-tap
// windows in registers (loss-taps.wgsl), so each value is loaded once per pass rather than once per tap:
// moments blurred along x -> blurred along y + SSIM + partials + partials blurred along y -> partials
// blurred along x + gradient (the separable blur's adjoint is the same blur, in either axis order).
// The scalar [loss, L1, SSIM] is reduced from per-line sums only when read (it is for display).
// Reference: ../eval/loss-reference.ts (float64).
import momentsSource from './loss-moments.wgsl';
import ssimSource from './loss-ssim.wgsl';
import gradSource from './loss-grad.wgsl';
import reduceSource from './loss-reduce.wgsl';
import paramsSource from './loss-params.wgsl';
import tapsSource from './loss-taps.wgsl';
import { BindGroupCache } from '../render/bind-group-cache.ts';
import { composeWgsl } from '../../shared/wgsl/compose.ts';
import { computePipeline, oncePerDevice } from '../../shared/gpu/pipeline-cache.ts';
import { createStorage, readFloats } from './gpu-buffers.ts';

interface Pipelines {
  moments: GPUComputePipeline;
  ssim: GPUComputePipeline;
  grad: GPUComputePipeline;
  reduce: GPUComputePipeline;
}
const pipelines = oncePerDevice((device): Pipelines => {
  const make = (code: string, label: string) =>
    computePipeline(device, label, composeWgsl(code, { loss_params: paramsSource, loss_taps: tapsSource }));
  return {
    moments: make(momentsSource, 'Loss.moments'),
    ssim: make(ssimSource, 'Loss.ssim'),
    grad: make(gradSource, 'Loss.grad'),
    reduce: make(reduceSource, 'Loss.reduce'),
  };
});

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

const _WORKGROUP = 256;
/** Invocations per workgroup of the line-walking stages (loss-taps.wgsl LINE_WORKGROUP). */
const LINE_WORKGROUP = 16;

/**
 * GPU loss for one image pair per call. Owns its temporaries; encode at most once per submit (the
 * uniforms are rewritten per call). read() gives [loss, l1, ssim] of the last encoded pair.
 */
export class ImageLoss {
  /** [loss, mean L1, mean SSIM], reduced by read(). */
  private readonly result: GPUBuffer;
  private readonly moments: GPUBuffer;
  private readonly momentsXY: GPUBuffer;
  private readonly partials: GPUBuffer;
  private readonly lineSums: GPUBuffer;
  private readonly uniform: GPUBuffer;
  private readonly ssimWeight: number;
  private readonly groups: BindGroupCache;
  private size: [number, number] = [0, 0];
  /** An encode whose scalar loss has not been reduced into `result` yet. */
  private pending = false;

  constructor(
    private readonly device: GPUDevice,
    private readonly options: ImageLossOptions,
  ) {
    const values = options.maxPixels * 3;
    this.moments = createStorage(device, values * 4, 'Loss.moments');
    this.momentsXY = createStorage(device, values, 'Loss.momentsXY');
    this.partials = createStorage(device, values * 4, 'Loss.partials');
    // Per column and channel (width <= maxPixels).
    this.lineSums = createStorage(device, options.maxPixels * 3 * 2, 'Loss.lineSums');
    this.result = createStorage(device, 4, 'Loss.result');
    this.uniform = device.createBuffer({
      label: 'Loss.params',
      size: 32,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.ssimWeight = options.ssimWeight ?? 0.2;
    this.groups = new BindGroupCache(device);
  }

  /**
   * image, target: [height, width, 3] f32; grad: [height, width, 3] f32, overwritten with dL/dimage.
   */
  encode(
    encoder: GPUCommandEncoder,
    image: GPUBuffer,
    target: GPUBuffer,
    grad: GPUBuffer,
    width: number,
    height: number,
  ): void {
    const pixels = width * height;
    if (pixels > this.options.maxPixels)
      throw new RangeError(`ImageLoss: ${width}x${height} exceeds maxPixels ${this.options.maxPixels}`);
    if (this.size[0] !== width || this.size[1] !== height) {
      const data = new ArrayBuffer(32);
      new Uint32Array(data, 0, 4).set([width, height, 3, 0]);
      new Float32Array(data, 16, 2).set([this.ssimWeight, 1 / (pixels * 3)]);
      this.device.queue.writeBuffer(this.uniform, 0, data);
      this.size = [width, height];
    }
    const p = pipelines(this.device);
    const pass = encoder.beginComputePass({ label: 'ImageLoss' });
    const run = (pipeline: GPUComputePipeline, buffers: GPUBuffer[], lines: number) => {
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, this.groups.get(pipeline, buffers));
      pass.dispatchWorkgroups(Math.ceil(lines / LINE_WORKGROUP));
    };
    const u = this.uniform;
    run(p.moments, [u, image, target, this.moments, this.momentsXY], height * 3);
    run(p.ssim, [u, image, target, this.moments, this.momentsXY, this.partials, this.lineSums], width * 3);
    run(p.grad, [u, image, target, this.partials, grad], height * 3);
    pass.end();
    this.pending = true;
  }

  /** Reads [loss, l1, ssim] of the last encoded pair (a GPU->CPU sync: do it only for display, e.g. every 10 iterations). */
  async read(): Promise<LossValues> {
    if (this.pending) {
      // The reduction runs here rather than every iteration: the line sums stay until the next encode.
      const encoder = this.device.createCommandEncoder({ label: 'ImageLoss.reduce' });
      const pass = encoder.beginComputePass({ label: 'ImageLoss.reduce' });
      const reduce = pipelines(this.device).reduce;
      pass.setPipeline(reduce);
      pass.setBindGroup(0, this.groups.get(reduce, [this.uniform, this.lineSums, this.result]));
      pass.dispatchWorkgroups(1);
      pass.end();
      this.device.queue.submit([encoder.finish()]);
      this.pending = false;
    }
    const [loss, l1, ssim] = await readFloats(this.device, this.result, 3);
    return { loss, l1, ssim };
  }

  destroy(): void {
    for (const b of [this.moments, this.momentsXY, this.partials, this.lineSums, this.result, this.uniform])
      b.destroy();
  }
}
