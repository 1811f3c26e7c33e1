// One training iteration's GPU work on one view: forward -> loss + dL/dimage -> backward (added to the
// gradient sum) -> (caller's extra passes: opacity field, densify statistics) -> Adam. Used by
// run-iterations.ts and by scripts/bench-train-step.ts (which also runs it stage by stage, synced, to time
// each stage).
import type { Camera } from '../../../shared/math/camera.ts';
import type { ShDegree } from '../../../shared/scene/gaussian-scene.ts';
import type { GaussianRasterizer } from '../../render/gaussian-rasterizer.ts';
import { settle } from '../../gpu/gpu-wait.ts';
import { createStorage } from '../gpu-buffers.ts';
import { ImageLoss } from '../loss.ts';
import type { GpuScene } from './gpu-scene.ts';

export interface StepInputs {
  gs: GpuScene;
  camera: Camera;
  /** [H, W, 3] f32 target image. */
  target: GPUBuffer;
  background: readonly [number, number, number];
  shDegree: ShDegree;
  /** Section name -> learning rate (PackedAdam). */
  lrs: Record<string, number>;
  /** Take an optimizer step on the summed gradient after this view. */
  step: boolean;
  /** Extra passes after the gradient sum and before the step (opacity field, densify statistics, moment resets). */
  extra?: (encoder: GPUCommandEncoder) => void;
}

/** What a step runs on: the rasterizer, the loss and its dL/dimage buffer (maxPixels·3 floats). */
export interface StepResources {
  rasterizer: GaussianRasterizer;
  loss: ImageLoss;
  dLdImage: GPUBuffer;
}

export class TrainStep {
  readonly rasterizer: GaussianRasterizer;
  readonly loss: ImageLoss;
  private readonly dLdImage: GPUBuffer;
  private readonly owned: boolean;

  /** Uses `resources` (not destroyed by destroy()), or creates a loss and dL/dimage for `maxPixels`. */
  constructor(
    private readonly device: GPUDevice,
    resources: StepResources | { rasterizer: GaussianRasterizer; maxPixels: number },
  ) {
    this.rasterizer = resources.rasterizer;
    this.owned = !('loss' in resources);
    if ('loss' in resources) {
      this.loss = resources.loss;
      this.dLdImage = resources.dLdImage;
    } else {
      this.loss = new ImageLoss(device, { maxPixels: resources.maxPixels });
      this.dLdImage = createStorage(device, resources.maxPixels * 3, 'Train.dLdImage');
    }
  }

  /** Encodes and submits one iteration (resolves once submitted, not when done). */
  async run(s: StepInputs): Promise<void> {
    const { gs, camera } = s;
    const out = await this.rasterizer.forward({
      ...gs.paramSource,
      camera,
      background: s.background,
      shDegree: s.shDegree,
      antialiased: gs.antialiased,
    });
    const encoder = this.device.createCommandEncoder({ label: 'Train.iteration' });
    this.loss.encode(encoder, out.image, s.target, this.dLdImage, camera.width, camera.height);
    // The backward adds this view's gradient to the sum the optimizer steps on.
    this.rasterizer.encodeBackward(encoder, { vImage: this.dLdImage, grads: gs.gradSums, accumulate: true });
    s.extra?.(encoder);
    if (s.step) gs.encodeStep(encoder, s.lrs);
    this.device.queue.submit([encoder.finish()]);
  }

  /** Reads [loss, l1, ssim] of the last iteration (a GPU->CPU sync). */
  async readLoss(): Promise<number> {
    return (await this.loss.read()).loss;
  }

  /** The same iteration with a queue sync after each stage: wall milliseconds per stage (benchmarks). */
  async runTimed(s: StepInputs & { readLoss?: boolean }): Promise<Map<string, number>> {
    const { gs, camera } = s;
    const ms = new Map<string, number>();
    const queue = this.device.queue;
    let t = performance.now();
    const lap = async (label: string) => {
      await settle(queue.onSubmittedWorkDone());
      const now = performance.now();
      ms.set(label, (ms.get(label) ?? 0) + now - t);
      t = now;
    };
    const stage = async (label: string, encode: (encoder: GPUCommandEncoder) => void) => {
      const encoder = this.device.createCommandEncoder({ label: `Train.${label}` });
      encode(encoder);
      queue.submit([encoder.finish()]);
      await lap(label);
    };
    const out = await this.rasterizer.forward({
      ...gs.paramSource,
      camera,
      background: s.background,
      shDegree: s.shDegree,
      antialiased: gs.antialiased,
    });
    await lap('forward');
    await stage('loss', (e) =>
      this.loss.encode(e, out.image, s.target, this.dLdImage, camera.width, camera.height),
    );
    await stage('backward', (e) =>
      this.rasterizer.encodeBackward(e, { vImage: this.dLdImage, grads: gs.gradSums, accumulate: true }),
    );
    if (s.extra) await stage('extra', s.extra);
    if (s.step) await stage('adam', (e) => gs.encodeStep(e, s.lrs));
    if (s.readLoss) {
      await this.readLoss();
      await lap('loss readback');
    }
    return ms;
  }

  destroy(): void {
    if (!this.owned) return;
    this.loss.destroy();
    this.dLdImage.destroy();
  }
}
