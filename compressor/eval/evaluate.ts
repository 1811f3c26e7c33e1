// Held-out evaluation of a GPU-resident scene: renders each view with the rasterizer, reads it back and
// scores it against the view's target (photos, or teacher renders in mode c).
import type { Camera } from '../../shared/math/camera.ts';
import type { Rgb } from '../datasets/dataset.ts';
import type { GaussianRasterizer, ParamSource } from '../render/gaussian-rasterizer.ts';
import { readBuffer } from '../render/gpu-buffers.ts';
import { clamp01, psnr, ssim } from './metrics.ts';
import { scenePsnr } from './scene-psnr.ts';

export interface Evaluation {
  /** Mean over views (PSNR averaged in dB, as 3DGS reports it). */
  psnr: number;
  ssim: number;
  views: number;
  perView: { index: number; psnr: number; ssim: number }[];
}

/** What evaluation reads of a set of views (the trainer's TrainingViews, train/loop/views.ts, is one). */
export interface EvalViews {
  cameras: Camera[];
  /** Background of the renders. */
  background: Rgb;
  /** [H, W, 3] target of view `index` on the CPU. */
  image(index: number): Float32Array;
  /** [H, W] 1 where the target shows the scene: PSNR is then over these pixels (mode c's teacher). */
  sceneMask?(index: number): Uint8Array;
}

/** The packed parameters (one buffer or chunks) and whether they render antialiased. */
export type RenderSource = ParamSource & { antialiased: boolean };

/** Renders view `index` of `views` and returns the clamped [H, W, 3] image. */
export async function renderView(
  device: GPUDevice,
  rasterizer: GaussianRasterizer,
  source: RenderSource,
  views: EvalViews,
  index: number,
): Promise<Float32Array> {
  const camera = views.cameras[index];
  const out = await rasterizer.forward({
    ...source,
    camera,
    background: views.background,
    antialiased: source.antialiased,
  });
  return clamp01(new Float32Array(await readBuffer(device, out.image, camera.width * camera.height * 12)));
}

export async function evaluateViews(
  device: GPUDevice,
  rasterizer: GaussianRasterizer,
  source: RenderSource,
  views: EvalViews,
  indices: number[],
): Promise<Evaluation> {
  const perView: Evaluation['perView'] = [];
  for (const index of indices) {
    const camera = views.cameras[index];
    const image = await renderView(device, rasterizer, source, views, index);
    const target = views.image(index);
    perView.push({
      index,
      // Views that know their scene pixels (mode c's teacher) are scored over those.
      psnr: views.sceneMask ? scenePsnr(image, target, views.sceneMask(index)) : psnr(image, target),
      ssim: ssim(image, target, camera.width, camera.height),
    });
  }
  const mean = (f: (v: Evaluation['perView'][number]) => number) =>
    perView.length ? perView.reduce((s, v) => s + f(v), 0) / perView.length : NaN;
  return { psnr: mean((v) => v.psnr), ssim: mean((v) => v.ssim), views: perView.length, perView };
}
