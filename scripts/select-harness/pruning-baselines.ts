// The one-shot pruning baselines natural selection is compared with (compressor/select/baselines.ts) as
// training strategies: at the selection start keep the B most opaque Gaussians, or the top B by
// LightGaussian's importance (accumulated blending weight x volume^0.1), then fine-tune like the others.
import { selectGaussians, type GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { SPLAT_GRAD, SPLAT_GRAD_STRIDE } from '../../compressor/render/gaussian-rasterizer.ts';
import { readBuffer } from '../../compressor/render/gpu-buffers.ts';
import {
  lightGaussianImportance,
  topByLightGaussianImportance,
  topByOpacity,
} from '../../compressor/select/baselines.ts';
import type { EditResult } from '../../compressor/train/densify.ts';
import type { GpuScene } from '../../compressor/train/loop/gpu-scene.ts';
import type { TrainContext, TrainStrategy } from '../../compressor/train/strategies/strategy.ts';

/** Keeps the `budget` most opaque Gaussians at the selection start. */
export function opacityPruning(budget: number): TrainStrategy {
  return {
    name: 'opacity',
    phase: () => 'fine-tune',
    async begin(gs: GpuScene): Promise<EditResult> {
      const scene = await gs.download();
      const keep = topByOpacity(scene.opacityLogits, budget);
      return { scene: selectGaussians(scene, keep), sourceIndex: keep };
    },
  };
}

/** Keeps the top `budget` by LightGaussian's importance; the .gsz order follows that score too. */
export class ImportancePruning implements TrainStrategy {
  readonly name = 'importance';
  private scores: Float32Array | undefined;

  constructor(
    private readonly ctx: TrainContext,
    private readonly budget: number,
  ) {}

  phase(): string {
    return 'fine-tune';
  }

  async begin(gs: GpuScene): Promise<EditResult> {
    const scene = await gs.download();
    const weights = await blendingWeights(this.ctx, gs);
    const keep = topByLightGaussianImportance(weights, scene.logScales, this.budget);
    const scores = lightGaussianImportance(weights, scene.logScales);
    this.scores = Float32Array.from(keep, (i) => scores[i]);
    return { scene: selectGaussians(scene, keep), sourceIndex: keep };
  }

  /** LightGaussian's score of the survivors (their order in the .gsz). */
  importance(_scene: GaussianScene): Float32Array | undefined {
    return this.scores;
  }
}

/** LightGaussian's hit weight: sum over every training view of each Gaussian's blending weight. */
async function blendingWeights(ctx: TrainContext, gs: GpuScene): Promise<Float32Array> {
  const n = gs.count;
  const total = new Float32Array(n);
  for (const view of ctx.views.split.train) {
    const camera = ctx.views.cameras[view];
    const out = await ctx.rasterizer.forward({
      ...gs.paramSource,
      camera,
      background: ctx.views.background,
      shDegree: ctx.maxDegree,
      antialiased: gs.antialiased,
    });
    const encoder = ctx.device.createCommandEncoder({ label: 'Train.blendingWeights' });
    // Any dL/dimage works: the weight sums are a by-product of the backward's compositing walk.
    ctx.loss.encode(encoder, out.image, ctx.views.target(view), ctx.dLdImage, camera.width, camera.height);
    ctx.rasterizer.encodeBackward(encoder, { vImage: ctx.dLdImage, grads: gs.viewGrads });
    ctx.device.queue.submit([encoder.finish()]);
    const splat = new Float32Array(
      await readBuffer(ctx.device, ctx.rasterizer.splatGrads, n * SPLAT_GRAD_STRIDE * 4),
    );
    for (let i = 0; i < n; i++) total[i] += splat[i * SPLAT_GRAD_STRIDE + SPLAT_GRAD.weight];
  }
  return total;
}
