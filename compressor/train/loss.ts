// The training loss on the GPU: L = (1 − λ)·L1 + λ·(1 − SSIM), λ = 0.2 (3DGS), with dL/dimage.
// Stages (one WGSL file each): moments blurred along x -> blur along y + SSIM + partials -> partials
// blurred along x -> blurred along y + gradient (the blur's adjoint is the same blur); and a reduction
// to [loss, L1, SSIM] for display. Four passes instead of seven: each blur pass reads its input in the
// form the previous stage left it (moments are computed inside the first blur, the gradient inside the
// last), which on a CPU-emulated GPU (SwiftShader) also means fewer invocations and buffer round trips.
// Reference: loss-reference.ts (float64).
import momentsSource from './loss-moments.wgsl';
import blurSource from './loss-blur.wgsl';
import ssimSource from './loss-ssim.wgsl';
import gradSource from './loss-grad.wgsl';
import reduceSource from './loss-reduce.wgsl';
import paramsSource from './loss-params.wgsl';
import tapsSource from './loss-taps.wgsl';
import { BindGroupCache } from '../render/bind-group-cache.ts';
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
      device.createComputePipeline({ label, layout: 'auto', compute: { module: device.createShaderModule({ label, code: composeWgsl(code, { loss_params: paramsSource, loss_taps: tapsSource }) }), entryPoint: 'main' } });
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
/** Rows one invocation of loss-ssim.wgsl handles (its RUN). */
const SSIM_RUN = 8;

/**
 * GPU loss for one image pair per call. Owns its temporaries; encode at most once per submit (the
 * uniforms are rewritten per call). `result` holds [loss, l1, ssim] after the submit.
 */
export class ImageLoss {
  /** [loss, mean L1, mean SSIM] of the last encoded pair. */
  readonly result: GPUBuffer;
  private readonly momentsA: GPUBuffer;
  private readonly momentsXY: GPUBuffer;
  private readonly partialsA: GPUBuffer;
  private readonly partialsB: GPUBuffer;
  private readonly pixelSums: GPUBuffer;
  private readonly uniform: GPUBuffer;
  private readonly ssimWeight: number;
  private readonly groups: BindGroupCache;
  private size: [number, number] = [0, 0];

  constructor(
    private readonly device: GPUDevice,
    private readonly options: ImageLossOptions,
  ) {
    const values = options.maxPixels * 3;
    this.momentsA = createStorage(device, values * 4, 'Loss.moments');
    this.momentsXY = createStorage(device, values, 'Loss.momentsXY');
    this.partialsA = createStorage(device, values * 4, 'Loss.partialsA');
    this.partialsB = createStorage(device, values * 4, 'Loss.partialsB');
    this.pixelSums = createStorage(device, options.maxPixels * 2, 'Loss.pixelSums');
    this.result = createStorage(device, 4, 'Loss.result');
    this.uniform = device.createBuffer({ label: 'Loss.params', size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.ssimWeight = options.ssimWeight ?? 0.2;
    this.groups = new BindGroupCache(device);
  }

  /**
   * image, target: [height, width, 3] f32; grad: [height, width, 3] f32, overwritten with dL/dimage.
   */
  encode(encoder: GPUCommandEncoder, image: GPUBuffer, target: GPUBuffer, grad: GPUBuffer, width: number, height: number): void {
    const pixels = width * height;
    if (pixels > this.options.maxPixels) throw new RangeError(`ImageLoss: ${width}x${height} exceeds maxPixels ${this.options.maxPixels}`);
    if (this.size[0] !== width || this.size[1] !== height) {
      const data = new ArrayBuffer(32);
      new Uint32Array(data, 0, 4).set([width, height, 3, 0]);
      new Float32Array(data, 16, 2).set([this.ssimWeight, 1 / (pixels * 3)]);
      this.device.queue.writeBuffer(this.uniform, 0, data);
      this.size = [width, height];
    }
    const p = pipelines(this.device);
    const pass = encoder.beginComputePass({ label: 'ImageLoss' });
    const run = (pipeline: GPUComputePipeline, buffers: GPUBuffer[], elements: number) => {
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, this.groups.get(pipeline, buffers));
      const groups = Math.ceil(elements / WORKGROUP);
      if (groups <= 65535) pass.dispatchWorkgroups(groups);
      else pass.dispatchWorkgroups(65535, Math.ceil(groups / 65535));
    };
    const u = this.uniform;
    run(p.moments, [u, image, target, this.momentsA, this.momentsXY], pixels * 3);
    run(p.ssim, [u, image, target, this.momentsA, this.momentsXY, this.partialsA, this.pixelSums], width * Math.ceil(height / SSIM_RUN));
    run(p.blur, [u, this.partialsA, this.partialsB], pixels * 3);
    run(p.grad, [u, image, target, this.partialsB, grad], pixels * 3);
    run(p.reduce, [u, this.pixelSums, this.result], WORKGROUP);
    pass.end();
  }

  /** Reads [loss, l1, ssim] (a GPU->CPU sync: do it only for display, e.g. every 10 iterations). */
  async read(): Promise<LossValues> {
    const [loss, l1, ssim] = await readFloats(this.device, this.result, 3);
    return { loss, l1, ssim };
  }

  destroy(): void {
    for (const b of [this.momentsA, this.momentsXY, this.partialsA, this.partialsB, this.pixelSums, this.result, this.uniform]) b.destroy();
  }
}
