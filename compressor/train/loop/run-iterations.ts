// The iteration loop: per iteration the learning rates and SH degree of the schedule, one view's forward,
// loss, backward and (on the schedule's steps) the optimizer step (train-step.ts), the strategy's passes
// before the step and its edits after it (download, edit on the CPU, upload), progress and timing.
import type { ShDegree } from '../../../shared/scene/gaussian-scene.ts';
import { optimizerStepsAt, REFERENCE_ITERATIONS, shDegreeAt, type Schedule } from '../../select/schedule.ts';
import { iterationBackground } from '../background.ts';
import { resetOpacity, type EditResult } from '../densify.ts';
import { learningRates, type LearningRateConfig } from '../lr.ts';
import type { EditPlan, TrainContext, TrainStrategy } from '../strategies/strategy.ts';
import type { TrainConfig } from '../train-config.ts';
import type { GpuScene } from './gpu-scene.ts';
import { TrainStep } from './train-step.ts';

/** Opacity cap of the 3DGS opacity reset. */
const RESET_OPACITY = 0.05;

/** Iterations done across a trainer's phases (progress, the one-time estimate). */
export interface IterationCount {
  done: number;
  /** What the estimate divides by: plannedIterations of the whole run. */
  total: number;
  started: number;
  estimated: boolean;
}

/** What the loop reads from its trainer. */
export interface LoopRun {
  config: TrainConfig;
  ctx: TrainContext;
  rates: LearningRateConfig;
  /** The run's first schedule iteration (the run's iteration k is schedule iteration first + k - 1). */
  first: number;
  nextView(): number;
  count: IterationCount;
}

export interface IterationEvent {
  /** Iteration of the run (1-based). */
  iteration: number;
  count: number;
  loss?: number;
}

export interface IterationHooks {
  /** The progress display's phase label (default: the strategy's phase name). */
  progressLabel?: (phase: string) => string;
  /** After every iteration, with the loss read back each time (a GPU->CPU sync: diagnostics only). */
  onIteration?: (event: IterationEvent) => void;
}

/**
 * Runs schedule iterations [from, to] (inclusive) of `strategy` on `gs`; adds wall seconds per phase.
 * Returns the schedule iteration the time limit (config.deadline) stopped it before, if it did.
 */
export async function runIterations(
  run: LoopRun,
  gs: GpuScene,
  strategy: TrainStrategy,
  from: number,
  to: number,
  seconds: Record<string, number>,
  hooks: IterationHooks = {},
): Promise<number | undefined> {
  const { ctx, config: o } = run;
  const s = ctx.schedule;
  const step = new TrainStep(ctx.device, {
    rasterizer: ctx.rasterizer,
    loss: ctx.loss,
    dLdImage: ctx.dLdImage,
  });
  let lastLoss: number | undefined;
  for (let it = from; it <= to; it++) {
    const t0 = performance.now();
    if (o.deadline !== undefined && t0 >= o.deadline) {
      o.log?.(`time limit reached before iteration ${it - run.first + 1} of ${o.iterations}`);
      o.gpu.check();
      return it;
    }
    const phase = strategy.phase(it);
    const lrs = learningRates(
      it,
      s.iterations,
      o.views.sceneExtent,
      strategy.opacityLrFactor ?? 1,
      run.rates,
    );
    // During selection the opacity rate is the reference's x4 times the short-run scale, like every other
    // rate. (Capping it at max(x4, short-run scale) was tried: Lego 200x200, 480 iterations, 15%: 22.05 dB
    // against 24.94 dB stacked; the demo scene at 300 iterations: 21.4 against 25.6 dB.)
    const degree = (o.mode === 'photos' ? shDegreeAt(s, it, ctx.maxDegree) : ctx.maxDegree) as ShDegree;
    await strategy.beforeStep?.(it, gs);
    const view = run.nextView();
    // The whole view, or what the views serve for it this iteration (a patch: patch-views.ts).
    const { camera, target } = o.views.sample?.(view, it) ?? {
      camera: o.views.cameras[view],
      target: o.views.target(view),
    };
    // Forward, loss, backward added to gs.grads (train-step.ts), the strategy's passes, then the step
    // before this iteration's edits (the reference edits first, leaving new rows unstepped once;
    // stepping first keeps every iteration's gradient and changes nothing measurable).
    await step.run({
      gs,
      camera,
      target,
      background: o.views.randomBackground ? iterationBackground(ctx.seed, it) : o.views.background,
      shDegree: degree,
      lrs,
      step: stepsAt(s, it),
      extra: (encoder) => strategy.encode?.(encoder, it, gs, camera),
    });

    const plan = await strategy.afterStep?.(it, gs);
    if (plan) await applyPlan(ctx.device, gs, plan, strategy);

    if (it % 10 === 0 || it === to || hooks.onIteration) lastLoss = (await ctx.loss.read()).loss;
    hooks.onIteration?.({ iteration: it - run.first + 1, count: gs.count, loss: lastLoss });
    seconds[phase] = (seconds[phase] ?? 0) + (performance.now() - t0) / 1000;
    const c = run.count;
    c.done++;
    o.progress?.update({
      phase: hooks.progressLabel?.(phase) ?? phase,
      iteration: c.done,
      gaussians: gs.count,
      loss: lastLoss,
    });
    if (!c.estimated && c.done === 8) {
      c.estimated = true;
      const perIteration = (performance.now() - c.started) / 1000 / c.done;
      o.log?.(
        `~${perIteration.toFixed(2)} s/iteration so far: estimated ${((perIteration * c.total) / 60).toFixed(1)} min for ${c.total} iterations (grows with the Gaussian count)`,
      );
    }
  }
  o.gpu.check();
  return undefined;
}

/** Applies one iteration's edits to one download of the scene, then the opacity reset. */
async function applyPlan(
  device: GPUDevice,
  gs: GpuScene,
  plan: EditPlan,
  strategy: TrainStrategy,
): Promise<void> {
  if (plan.edits.length === 0 && !plan.resetOpacity) return;
  const scene = await gs.download();
  let edit: EditResult = { scene, sourceIndex: Uint32Array.from({ length: gs.count }, (_, i) => i) };
  for (const f of plan.edits) edit = await f(edit);
  if (plan.edits.length > 0) gs.replace(edit.scene, edit.sourceIndex);
  if (plan.resetOpacity) {
    resetOpacity(edit.scene, RESET_OPACITY);
    gs.writeScene(edit.scene);
    const encoder = device.createCommandEncoder({ label: 'Train.opacityReset' });
    gs.clearMoments(encoder, 'opacities');
    device.queue.submit([encoder.finish()]);
  }
  if (plan.edits.length > 0) strategy.afterEdits?.(gs);
}

/**
 * optimizerStepsAt with the fine-tuning batches (5, then 20 views a step) scaled by run length for runs
 * shorter than the reference (at least 1): unscaled, a 300-iteration run would take 2-3 steps in its
 * whole fine-tuning phase.
 */
function stepsAt(s: Schedule, it: number): boolean {
  if (s.iterations >= REFERENCE_ITERATIONS) return optimizerStepsAt(s, it);
  if (it >= s.iterations) return false;
  const scale = s.iterations / REFERENCE_ITERATIONS;
  const batch =
    it <= s.accumulate5From ? 1 : Math.max(1, Math.round((it <= s.accumulate20From ? 5 : 20) * scale));
  return it % batch === 0;
}
