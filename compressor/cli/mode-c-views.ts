// `gs-compress compress scene.ply` (mode c) at full resolution: teacher views at --view-size (default
// 640x480) rendered once, training on --patch windows of them (compressor/train/patch-views.ts), an
// estimate printed after the first teacher view, and --time-limit turned into fewer iterations when the
// estimate says so plus a hard deadline the trainer honours (natural selection still ends at the budget).
import type { Vec3 } from '../../shared/math/camera.ts';
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import type { Rgb } from '../datasets/dataset.ts';
import type { GpuContext } from '../gpu/device.ts';
import { patchTeacherViews, type PatchSize, type PatchTeacherViews } from '../train/patch-views.ts';
import { estimateRefineSeconds, iterationsWithin } from '../train/time-estimate.ts';
import { CliError, EXIT } from './command.ts';

/** Full-resolution mode (c) defaults: CPU-emulated GPU / hardware GPU. */
export const MODE_C_DEFAULTS = {
  software: { viewSize: '640x480', patch: '320x240', views: 40 },
  hardware: { viewSize: '640x480', patch: '640x480', views: 128 },
};
/** Seconds kept back from --time-limit for evaluation, packing and writing (measured: well under a minute at 75k). */
export const FINISH_RESERVE_SECONDS = 60;

/** `WxH` -> size; a usage error naming the option otherwise. */
export function parseSize(text: string, option: string): PatchSize {
  const m = /^(\d+)x(\d+)$/.exec(text);
  const size = m ? { width: Number(m[1]), height: Number(m[2]) } : undefined;
  if (!size || size.width < 8 || size.height < 8 || size.width > 8192 || size.height > 8192)
    throw new CliError(
      `${option} expects WxH with sides in 8..8192, e.g. 640x480, got '${text}'`,
      EXIT.usage,
    );
  return size;
}

export interface ModeCPlan {
  views: PatchTeacherViews;
  iterations: number;
  /** performance.now() deadline for the trainer (with --time-limit). */
  deadline?: number;
}

/** Renders the teacher pool and plans the iterations; `say` prints the estimate and any cut. */
export async function planModeC(
  gpu: GpuContext,
  scene: GaussianScene,
  o: {
    viewSize: PatchSize;
    patch: PatchSize;
    views: number;
    iterations: number;
    budget: number;
    up: Vec3;
    background?: Rgb;
    seed: number;
    /** Seconds from `started` for the whole command, or undefined. */
    timeLimit?: number;
    started: number;
    say: (message: string) => void;
  },
): Promise<ModeCPlan> {
  const estimate = (iterations: number, secondsPerView: number) =>
    estimateRefineSeconds({
      iterations,
      count: scene.count,
      budget: o.budget,
      // A patch step costs about one full-view teacher render of the same count (time-estimate.ts).
      secondsPerIterationAtCount: secondsPerView,
    });
  const firstView = performance.now();
  const views = await patchTeacherViews(gpu, scene, {
    views: o.views,
    width: o.viewSize.width,
    height: o.viewSize.height,
    patch: o.patch,
    seed: o.seed,
    up: o.up,
    background: o.background,
    onView: (done, total) => {
      if (done !== 1) {
        if (done % 8 === 0 || done === total) o.say(`teacher: ${done}/${total} views rendered`);
        return;
      }
      const perView = (performance.now() - firstView) / 1000;
      const teacher = perView * total;
      const train = estimate(o.iterations, perView);
      o.say(
        `estimate: teacher ${total} views x ${perView.toFixed(1)} s = ${(teacher / 60).toFixed(1)} min, ` +
          `training ${o.iterations} iterations ~${(train / 60).toFixed(1)} min (count falling from ${scene.count.toLocaleString('en-US')} to ${o.budget.toLocaleString('en-US')}), ` +
          `total ~${((teacher + train + FINISH_RESERVE_SECONDS) / 60).toFixed(1)} min${o.timeLimit ? `; time limit ${(o.timeLimit / 60).toFixed(1)} min` : ''}`,
      );
    },
  });
  let iterations = o.iterations;
  let deadline: number | undefined;
  if (o.timeLimit !== undefined) {
    deadline = o.started + (o.timeLimit - FINISH_RESERVE_SECONDS) * 1000;
    const left = (deadline - performance.now()) / 1000;
    if (estimate(iterations, views.secondsPerView) > left) {
      iterations = iterationsWithin(left, {
        count: scene.count,
        budget: o.budget,
        secondsPerIterationAtCount: views.secondsPerView,
      });
      o.say(
        `time limit: ${iterations} iterations instead of ${o.iterations} (~${(left / 60).toFixed(1)} min left for training); the trainer stops at the limit and still keeps exactly the budget`,
      );
    }
  }
  return { views, iterations, deadline };
}
