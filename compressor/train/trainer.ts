// The training + natural-selection loop (compressor/train/README.md, docs/method.md):
// photos -> dense training with densification -> natural selection to an exact budget -> fine-tune,
// every phase boundary a fraction of the run (compressor/select/schedule.ts), all on the GPU.
//
// Modes:
// - 'photos' (a): Gaussians from points, the full schedule (densify to ~3B, select, fine-tune).
// - 'refine' (b: photos + a trained scene; c: teacher renders of a trained scene, teacher.ts): the run
//   maps onto the reference iterations 14,000..30,000 of 30,000: a short warm-up, selection from the
//   reference's 15,000, fine-tuning after; no densification (the input is already dense).
//
// Arms share everything up to the selection start (the dense phase runs once and is snapshotted), then
// each runs the same remaining iterations with the same fine-tuning schedule:
// - 'natural-selection': the opacity field, the controller, pruning, the exact-budget cut;
// - 'dense': no selection (the quality reference, at the dense count);
// - 'opacity': one-shot pruning to the B most opaque Gaussians at the selection start;
// - 'importance': one-shot LightGaussian pruning (accumulated blending weight x volume^0.1) there.
import {
  capShDegree,
  selectGaussians,
  sigmoid,
  type GaussianScene,
  type ShDegree,
} from '../../shared/scene/gaussian-scene.ts';
import type { GpuContext } from '../gpu/device.ts';
import { GaussianRasterizer, SPLAT_GRAD, SPLAT_GRAD_STRIDE } from '../render/gaussian-rasterizer.ts';
import { readBuffer } from '../render/gpu-buffers.ts';
import { topByLightGaussianImportance, topByOpacity, lightGaussianImportance } from '../select/baselines.ts';
import {
  CONTROLLER_STEP,
  INITIAL_STRENGTH,
  NaturalSelection,
  REFINE_CONTROLLER_STEP,
  SHORT_RUN_CONTROLLER_STEP,
  SHORT_RUN_OPACITY_LR_BOOST,
  type NaturalSelectionOptions,
} from '../select/natural-selection.ts';
import { OpacityFieldPass } from '../select/opacity-field.ts';
import { mulberry32, sampleByOpacity } from '../select/sampling.ts';
import {
  accumulatesDensifyStats,
  densifyCountTarget,
  isDensifyStep,
  isOpacityReset,
  makeSchedule,
  optimizerStepsAt,
  phaseAt,
  shDegreeAt,
  REFERENCE,
  REFERENCE_ITERATIONS,
  type Schedule,
} from '../select/schedule.ts';
import { evaluateViews, type Evaluation } from '../eval/evaluate.ts';
import {
  densifyAndPrune,
  pruneBelowOpacity,
  pruneLowestFraction,
  resetOpacity,
  type EditResult,
} from './densify.ts';
import { iterationBackground } from './background.ts';
import { DensifyStatsPass } from './densify-stats.ts';
import { createStorage } from './gpu-buffers.ts';
import { ImageLoss } from './loss.ts';
import { learningRates, REFERENCE_RATES, type LearningRateConfig } from './lr.ts';
import { NEW_ROW } from './new-row.ts';
import type { TrainingProgress } from './progress.ts';
import { GpuScene, type TrainingSnapshot } from './loop/gpu-scene.ts';
import { TrainStep } from './loop/train-step.ts';
import type { TrainingViews } from './loop/views.ts';

export type Arm = 'natural-selection' | 'dense' | 'opacity' | 'importance';
export const ALL_ARMS: readonly Arm[] = ['dense', 'opacity', 'importance', 'natural-selection'];

/** The final number of Gaussians: a count, or a fraction of the count at the selection start. */
export type Budget = { count: number } | { fraction: number };

export type TrainMode = 'photos' | 'refine';

export interface TrainOptions {
  gpu: GpuContext;
  views: TrainingViews;
  /** Mode 'photos': the initial Gaussians (init-scene.ts); 'refine': the trained input scene. */
  initial: GaussianScene;
  mode: TrainMode;
  iterations: number;
  budget: Budget;
  /** Photos mode with a fraction budget: densification's count target ramps to this (count budgets: 3B, as the reference). */
  denseTarget?: number;
  /** Highest SH degree trained (photos: one band more every 1/30 of the run, as 3DGS). Default 3. */
  shDegree?: ShDegree;
  arms?: readonly Arm[];
  seed?: number;
  rates?: LearningRateConfig;
  /**
   * Learning-rate multiplier. The reference rates are tuned for 30,000 iterations; a short CPU run moves
   * its parameters too little with them. Default (short-run scaling): sqrt(30,000 / iterations), in [1, 8].
   */
  lrScale?: number;
  /** Score held-out views (views.split.test) at the end of each arm. Default true. */
  evaluate?: boolean;
  progress?: TrainingProgress;
  /** Messages (phase summaries, the time estimate). */
  log?: (message: string) => void;
  /**
   * Start the arms from this state at the selection start instead of running the shared phase (a
   * snapshot given to `onSelectionStart` by an earlier run of the same options): cheap experiments.
   */
  resume?: TrainingSnapshot;
  /** Receives the shared phase's final state (parameters and optimizer moments) at the selection start. */
  onSelectionStart?: (snapshot: TrainingSnapshot) => void | Promise<void>;
  /** Per-iteration diagnostics of the arms after the selection start (count, loss, controller state). */
  trace?: (event: TraceEvent) => void;
  /**
   * Time limit: `performance.now()` milliseconds after which no iteration starts. Natural selection still
   * ends at exactly the budget (the closing cut by opacity sampling); the limit covers the whole run, arms
   * one after another.
   */
  deadline?: number;
  /** Natural-selection controller settings (experiments; defaults: the reference's, see runArm). */
  selection?: Omit<NaturalSelectionOptions, 'initialStrength'>;
}

export interface TraceEvent {
  arm: Arm;
  /** Iteration of the run (1-based). */
  iteration: number;
  count: number;
  loss?: number;
  /** Natural selection: field strength w, the B-th ranked opacity and the controller's goal (when read). */
  strength?: number;
  rankedOpacity?: number;
  goal?: number;
}

export interface ArmResult {
  arm: Arm;
  scene: GaussianScene;
  /** Per-Gaussian importance for the .gsz order: selection score (opacity) or LightGaussian's score. */
  importance: Float32Array;
  budget: number;
  counts: { initial: number; selectionStart: number; final: number };
  /** Iteration where the exact-budget cut happened (natural selection). */
  selectionEndedAt?: number;
  /** Iteration (of the run, 1-based) where the time limit stopped this arm, if it did. */
  stoppedAt?: number;
  evaluation?: Evaluation;
  /** Wall seconds per phase of this arm (the shared phase is in TrainResult.sharedSeconds). */
  seconds: Record<string, number>;
}

export interface TrainResult {
  arms: ArmResult[];
  /** Wall seconds of the shared phase(s) before selection (densify / train / warm-up). */
  sharedSeconds: Record<string, number>;
  /** The schedule the run followed (its iteration numbers are the run's own, 1-based). */
  schedule: Schedule;
  /** The run's iterations map to [firstIteration, schedule.iterations] of the schedule. */
  firstIteration: number;
  iterations: number;
}

export class TrainError extends Error {
  override name = 'TrainError';
}

/** Photos mode: the whole reference schedule. Refine: reference 14,000..30,000 (warm-up 1/16 of the run). */
const REFINE_FROM = 14_000;

interface Context {
  o: TrainOptions;
  device: GPUDevice;
  rasterizer: GaussianRasterizer;
  loss: ImageLoss;
  dLdImage: GPUBuffer;
  field: OpacityFieldPass;
  s: Schedule;
  rates: LearningRateConfig;
  first: number;
  maxDegree: ShDegree;
  nextView: () => number;
  done: number;
  total: number;
  started: number;
  estimated: boolean;
}

interface ArmState {
  arm: Arm;
  gs: GpuScene;
  ns?: NaturalSelection;
  stats?: DensifyStatsPass;
  opacityFactor: number;
  seconds: Record<string, number>;
  lastLoss?: number;
  /** Schedule iteration where the time limit stopped the arm. */
  stoppedAt?: number;
}

function virtualIterations(mode: TrainMode, iterations: number): number {
  return mode === 'photos'
    ? iterations
    : Math.round((iterations * REFERENCE_ITERATIONS) / (REFERENCE_ITERATIONS - REFINE_FROM));
}

/** Iterations a run performs in all: the shared phase once, the rest once per arm (progress totals). */
export function plannedIterations(mode: TrainMode, iterations: number, arms: number): number {
  const s = makeSchedule({ iterations: virtualIterations(mode, iterations), budget: 1 });
  const first = s.iterations - iterations + 1;
  return s.regStart - first + arms * (s.iterations - s.regStart + 1);
}

/** Trains, selects and fine-tunes; returns one result per arm (default: natural selection only). */
export async function trainScene(options: TrainOptions): Promise<TrainResult> {
  const o = options;
  const arms = o.arms ?? ['natural-selection'];
  if (arms.length === 0) throw new TrainError('no arm to train');
  if (!Number.isInteger(o.iterations) || o.iterations < 16)
    throw new TrainError(`iterations must be an integer >= 16, got ${o.iterations}`);
  if (o.views.split.train.length === 0) throw new TrainError('no training views');
  if (o.initial.count === 0) throw new TrainError('the initial scene has no Gaussians');
  const maxDegree = Math.min(o.shDegree ?? 3, o.mode === 'refine' ? o.initial.shDegree : 3) as ShDegree;
  const initial = capShDegree(o.initial, maxDegree);
  if (initial.shDegree !== maxDegree)
    throw new TrainError(
      `photos mode needs initial Gaussians of SH degree ${maxDegree}, got ${initial.shDegree}`,
    );

  const virtual = virtualIterations(o.mode, o.iterations);
  const first = virtual - o.iterations + 1;
  const countBudget = 'count' in o.budget ? o.budget.count : undefined;
  if (countBudget !== undefined && !(Number.isInteger(countBudget) && countBudget >= 1))
    throw new TrainError(`budget must be a positive integer count, got ${countBudget}`);
  if ('fraction' in o.budget && !(o.budget.fraction > 0 && o.budget.fraction <= 1))
    throw new TrainError(`budget fraction must be in (0, 1], got ${o.budget.fraction}`);
  // Densification's count target is 3B at the end (reference); with a fraction budget B is not known yet.
  const denseTarget = o.denseTarget ?? (countBudget !== undefined ? 3 * countBudget : 3 * initial.count);
  const s = makeSchedule({ iterations: virtual, budget: Math.max(1, Math.ceil(denseTarget / 3)) });

  const lrScale = o.lrScale ?? Math.min(8, Math.max(1, Math.sqrt(REFERENCE_ITERATIONS / o.iterations)));
  const base = o.rates ?? REFERENCE_RATES;
  const rates: LearningRateConfig = {
    positionInit: base.positionInit * lrScale,
    positionFinal: base.positionFinal * lrScale,
    shDC: base.shDC * lrScale,
    shRest: base.shRest * lrScale,
    opacity: base.opacity * lrScale,
    scale: base.scale * lrScale,
    rotation: base.rotation * lrScale,
  };
  const { device } = o.gpu;
  const maxPixels = Math.max(...o.views.cameras.map((c) => c.width * c.height));
  let random = mulberry32(o.seed ?? 0);
  let stack: number[] = [];
  const ctx: Context = {
    o,
    device,
    rasterizer: new GaussianRasterizer(device),
    loss: new ImageLoss(device, { maxPixels }),
    dLdImage: createStorage(device, maxPixels * 3, 'Train.dLdImage'),
    field: new OpacityFieldPass(device),
    s,
    first,
    maxDegree,
    rates,
    // 3DGS picks views from a shuffled stack, refilled when empty.
    nextView: () => {
      if (stack.length === 0) {
        stack = [...o.views.split.train];
        for (let i = stack.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [stack[i], stack[j]] = [stack[j], stack[i]];
        }
      }
      return stack.pop()!;
    },
    done: 0,
    total: s.regStart - first + arms.length * (virtual - s.regStart + 1),
    started: performance.now(),
    estimated: false,
  };
  try {
    // Shared phase: dense training (photos) or warm-up (refine), up to the selection start.
    const shared: ArmState = {
      arm: 'dense',
      gs: o.resume ? GpuScene.restore(device, o.resume) : new GpuScene(device, initial),
      opacityFactor: 1,
      seconds: {},
    };
    if (!o.resume) {
      if (o.mode === 'photos') shared.stats = new DensifyStatsPass(device, initial.count);
      await runIterations(ctx, shared, first, s.regStart - 1);
      shared.stats?.destroy();
      shared.stats = undefined;
    }
    const atStart = shared.gs.count;
    const budget =
      countBudget ?? Math.max(1, Math.round((o.budget as { fraction: number }).fraction * atStart));
    o.log?.(
      `selection start (iteration ${s.regStart - first + 1} of ${o.iterations}): ${atStart.toLocaleString('en-US')} Gaussians, budget ${budget.toLocaleString('en-US')}`,
    );
    const snapshot: TrainingSnapshot | undefined =
      arms.length > 1 || o.onSelectionStart ? await shared.gs.snapshot() : undefined;
    if (o.onSelectionStart) await o.onSelectionStart(snapshot!);
    const results: ArmResult[] = [];
    for (const [k, arm] of arms.entries()) {
      const gs = k === 0 ? shared.gs : GpuScene.restore(device, snapshot!);
      // Every arm sees the same view sequence after the selection start (a paired comparison: the arms
      // differ only in how they select), and a run resumed from a snapshot sees the one a full run does.
      // Before, the arms shared one stream, so an arm's views depended on its place in the list; on Lego
      // natural selection alone vs fourth of four arms, same snapshot and seed: 30.68 vs 30.23 dB.
      random = mulberry32(((o.seed ?? 0) + 0x9e3779b9) >>> 0);
      stack = [];
      const state: ArmState = { arm, gs, opacityFactor: 1, seconds: {} };
      results.push(await runArm(ctx, state, budget, initial.count, atStart));
      gs.destroy();
    }
    return {
      arms: results,
      sharedSeconds: shared.seconds,
      schedule: s,
      firstIteration: first,
      iterations: o.iterations,
    };
  } finally {
    ctx.rasterizer.destroy();
    ctx.loss.destroy();
    ctx.dLdImage.destroy();
    ctx.field.destroy();
  }
}

async function runArm(
  ctx: Context,
  state: ArmState,
  budget: number,
  initialCount: number,
  atStart: number,
): Promise<ArmResult> {
  const { s, o } = ctx;
  let importance: Float32Array | undefined;
  const t0 = performance.now();
  if (state.arm === 'natural-selection') {
    // The reference adds the field once per 50 rendering gradients (summed between optimizer steps):
    // under Adam, who survives is decided by the field's pressure PER RENDERING GRADIENT, w / 50. A run
    // whose period is shorter (floored at 1 iteration) applies w x period / 50 each time, the same
    // balance; the controller adapts w from there.
    const initialStrength = (INITIAL_STRENGTH * s.regInterval) / REFERENCE.regInterval;
    // From a trained scene (refine) the controller steps x1.3 / x0.7 instead of x1.2 / x0.8
    // (REFINE_CONTROLLER_STEP: measured on playbot, mode c); photos runs shorter than the reference do too,
    // with the opacity rate x2 instead of x4 during selection (SHORT_RUN_*: measured on Lego).
    const defaults: NaturalSelectionOptions =
      o.mode === 'refine'
        ? { controllerStep: REFINE_CONTROLLER_STEP }
        : s.iterations < REFERENCE_ITERATIONS
          ? { controllerStep: SHORT_RUN_CONTROLLER_STEP, opacityLrBoost: SHORT_RUN_OPACITY_LR_BOOST }
          : { controllerStep: CONTROLLER_STEP };
    state.ns = new NaturalSelection(makeSchedule({ iterations: s.iterations, budget }), {
      ...defaults,
      ...o.selection,
      initialStrength,
    });
  } else if (state.arm === 'opacity' || state.arm === 'importance') {
    const scene = await state.gs.download();
    let keep: Uint32Array;
    if (state.arm === 'opacity') {
      keep = topByOpacity(scene.opacityLogits, budget);
    } else {
      const weights = await blendingWeights(ctx, state.gs);
      keep = topByLightGaussianImportance(weights, scene.logScales, budget);
      const scores = lightGaussianImportance(weights, scene.logScales);
      importance = Float32Array.from(keep, (i) => scores[i]);
    }
    applyEdit(state.gs, { scene: selectGaussians(scene, keep), sourceIndex: keep });
    addSeconds(state.seconds, 'prune', t0);
  }
  await runIterations(ctx, state, s.regStart, s.iterations);
  if (state.gs.count > budget && state.arm !== 'dense') {
    // Stopped by the time limit before the exact-budget cut: the cut the schedule would make at its end.
    const cut = await cutToBudget(state.gs, budget, (o.seed ?? 0) + (state.stoppedAt ?? s.iterations));
    applyEdit(state.gs, cut);
    if (state.ns) {
      state.ns.active = false;
      state.ns.endedAt = state.stoppedAt ?? s.iterations;
    }
    o.log?.(
      `${state.arm}: time limit: cut to exactly ${budget.toLocaleString('en-US')} Gaussians by opacity sampling`,
    );
  }
  const scene = await state.gs.download();
  let evaluation: Evaluation | undefined;
  if (o.evaluate !== false && o.views.split.test.length > 0) {
    const t1 = performance.now();
    evaluation = await evaluateViews(
      ctx.device,
      ctx.rasterizer,
      { gaussians: state.gs.params, layout: state.gs.layout, antialiased: scene.antialiased },
      o.views,
      o.views.split.test,
    );
    addSeconds(state.seconds, 'evaluate', t1);
  }
  o.gpu.check();
  return {
    arm: state.arm,
    scene,
    // Selection's own score is opacity; the importance arm keeps LightGaussian's score of its survivors.
    importance: importance ?? Float32Array.from(scene.opacityLogits, sigmoid),
    budget,
    counts: { initial: initialCount, selectionStart: atStart, final: scene.count },
    selectionEndedAt: state.ns?.endedAt === undefined ? undefined : state.ns.endedAt - ctx.first + 1,
    stoppedAt: state.stoppedAt === undefined ? undefined : state.stoppedAt - ctx.first + 1,
    evaluation,
    seconds: state.seconds,
  };
}

/** LightGaussian's hit weight: sum over every training view of each Gaussian's blending weight. */
async function blendingWeights(ctx: Context, gs: GpuScene): Promise<Float32Array> {
  const n = gs.count;
  const total = new Float32Array(n);
  for (const view of ctx.o.views.split.train) {
    const camera = ctx.o.views.cameras[view];
    const out = await ctx.rasterizer.forward({
      gaussians: gs.params,
      layout: gs.layout,
      camera,
      background: ctx.o.views.background,
      shDegree: ctx.maxDegree,
      antialiased: gs.antialiased,
    });
    const encoder = ctx.device.createCommandEncoder({ label: 'Train.blendingWeights' });
    // Any dL/dimage works: the weight sums are a by-product of the backward's compositing walk.
    ctx.loss.encode(encoder, out.image, ctx.o.views.target(view), ctx.dLdImage, camera.width, camera.height);
    ctx.rasterizer.encodeBackward(encoder, { vImage: ctx.dLdImage, grads: gs.viewGrads });
    ctx.device.queue.submit([encoder.finish()]);
    const splat = new Float32Array(
      await readBuffer(ctx.device, ctx.rasterizer.splatGrads, n * SPLAT_GRAD_STRIDE * 4),
    );
    for (let i = 0; i < n; i++) total[i] += splat[i * SPLAT_GRAD_STRIDE + SPLAT_GRAD.weight];
  }
  return total;
}

function addSeconds(seconds: Record<string, number>, phase: string, since: number): void {
  seconds[phase] = (seconds[phase] ?? 0) + (performance.now() - since) / 1000;
}

/** Runs schedule iterations [from, to] (inclusive) on one arm. */
async function runIterations(ctx: Context, st: ArmState, from: number, to: number): Promise<void> {
  const { s, o, device, rasterizer } = ctx;
  const photos = o.mode === 'photos';
  const step = new TrainStep(device, { rasterizer, loss: ctx.loss, dLdImage: ctx.dLdImage });
  for (let it = from; it <= to; it++) {
    const t0 = performance.now();
    if (o.deadline !== undefined && t0 >= o.deadline) {
      st.stoppedAt = it;
      o.log?.(`${st.arm}: time limit reached before iteration ${it - ctx.first + 1} of ${o.iterations}`);
      break;
    }
    const phase = phaseName(ctx, st, it);
    const gs = st.gs;
    const n = gs.count;
    const lrs = learningRates(it, s.iterations, o.views.sceneExtent, st.opacityFactor, ctx.rates);
    // During selection the opacity rate is the reference's x4 times the short-run scale, like every other
    // rate. (Capping it at max(x4, short-run scale) was tried: Lego 200x200, 480 iterations, 15%: 22.05 dB
    // against 24.94 dB stacked; the demo scene at 300 iterations: 21.4 against 25.6 dB.)
    const degree = (photos ? shDegreeAt(s, it, ctx.maxDegree) : ctx.maxDegree) as ShDegree;

    // The field needs the current opacities at its first application and on controller updates.
    let field: ReturnType<NaturalSelection['fieldAt']> | undefined;
    if (st.ns?.needsField(it)) {
      const opacities = st.ns.needsOpacities(it)
        ? Float32Array.from(await gs.readOpacityLogits(), sigmoid)
        : undefined;
      field = st.ns.fieldAt(it, opacities);
    }
    const view = ctx.nextView();
    const { camera, target } = o.views.sample?.(view, it) ?? {
      camera: o.views.cameras[view],
      target: o.views.target(view),
    };
    // Forward, loss, backward added to gs.grads (loop/train-step.ts), the extra passes, then the step
    // before this iteration's edits (the reference edits first, leaving new rows unstepped once;
    // stepping first keeps every iteration's gradient and changes nothing measurable).
    await step.run({
      gs,
      camera,
      target,
      background: o.views.randomBackground ? iterationBackground(o.seed ?? 0, it) : o.views.background,
      shDegree: degree,
      lrs,
      step: stepsAt(s, it),
      extra: (encoder) => {
        if (field) ctx.field.encode(encoder, gs.params, gs.grads, n, field, gs.layout.offsets.opacities);
        if (st.stats && accumulatesDensifyStats(s, it))
          st.stats.encode(encoder, rasterizer.splatGrads, camera.width, camera.height);
        if (st.ns?.restartsOpacityMomentsAt(it)) {
          gs.adam.resetSection(encoder, 'opacities');
          gs.adam.steps.set('opacities', 0);
        }
      },
    });

    await applyEdits(ctx, st, it);

    if (it % 10 === 0 || it === to || (o.trace && it >= s.regStart))
      st.lastLoss = (await ctx.loss.read()).loss;
    if (o.trace && it >= s.regStart) {
      o.trace({
        arm: st.arm,
        iteration: it - ctx.first + 1,
        count: gs.count,
        loss: st.lastLoss,
        ...(st.ns
          ? { strength: st.ns.strength, rankedOpacity: st.ns.rankedOpacity, goal: st.ns.goal(it) }
          : {}),
      });
    }
    addSeconds(st.seconds, phase, t0);
    ctx.done++;
    o.progress?.update({
      phase: o.arms && o.arms.length > 1 && it >= s.regStart ? `${st.arm}:${phase}` : phase,
      iteration: ctx.done,
      gaussians: gs.count,
      loss: st.lastLoss,
    });
    if (!ctx.estimated && ctx.done === 8) {
      ctx.estimated = true;
      const perIteration = (performance.now() - ctx.started) / 1000 / ctx.done;
      o.log?.(
        `~${perIteration.toFixed(2)} s/iteration so far: estimated ${((perIteration * ctx.total) / 60).toFixed(1)} min for ${ctx.total} iterations (grows with the Gaussian count)`,
      );
    }
  }
  o.gpu.check();
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

function phaseName(ctx: Context, st: ArmState, it: number): string {
  const { s } = ctx;
  if (it < s.regStart) return ctx.o.mode === 'photos' ? phaseAt(s, it) : 'warm-up';
  if (st.arm === 'natural-selection') return phaseAt(s, it, st.ns?.active ? undefined : st.ns?.endedAt);
  return st.arm === 'dense' ? 'train' : 'fine-tune';
}

/** Densification and natural-selection edits after iteration `it` (download, edit on the CPU, upload). */
async function applyEdits(ctx: Context, st: ArmState, it: number): Promise<void> {
  const { s } = ctx;
  const n = st.gs.count;
  const edits: ((e: EditResult) => Promise<EditResult> | EditResult)[] = [];
  let reset = false;
  if (st.stats) {
    if (it === s.earlyPruneAt) edits.push((e) => pruneBelowOpacity(e, 0.02));
    if (isDensifyStep(s, it)) {
      const stats = await st.stats.read();
      edits.push((e) => {
        const d = densifyAndPrune(e.scene, stats, {
          countTarget: densifyCountTarget(s, it),
          late: it > s.densifyLateFrom,
          budget: s.budget,
          pruneBelowOpacity: it < s.densifyPruneUntil ? 0.005 : undefined,
          seed: it,
        });
        return compose(e, d);
      });
    }
    if (isOpacityReset(s, it)) reset = true;
    if (s.percentPruneAt.includes(it) && it < s.densifyUntil)
      edits.push((e) => compose(e, pruneLowestFraction(e.scene, 0.2)));
  }
  if (st.ns) {
    const a = st.ns.afterBackward(it, n);
    if (a.opacityLrFactor) st.opacityFactor *= a.opacityLrFactor;
    if (a.sampleToBudget !== undefined) {
      const target = a.sampleToBudget;
      edits.push((e) => {
        const keep = sampleByOpacity(e.scene.opacityLogits, target, (ctx.o.seed ?? 0) + it);
        return {
          scene: selectGaussians(e.scene, keep),
          sourceIndex: Uint32Array.from(keep, (i) => e.sourceIndex[i]),
        };
      });
    } else if (a.pruneBelowOpacity !== undefined) {
      const threshold = a.pruneBelowOpacity;
      // Cheap check first: skip the download when nobody is below the threshold.
      const logits = await st.gs.readOpacityLogits();
      let survivors = 0;
      for (const v of logits) if (!(sigmoid(v) < threshold)) survivors++;
      const budget = st.ns.schedule.budget;
      if (survivors < budget && n > budget) {
        // A short run's fast decay can take one prune from above 1.05 B to below B: cut to exactly B
        // instead (the controller then ends selection at the next iteration, count = B).
        edits.push((e) => {
          const keep = sampleByOpacity(e.scene.opacityLogits, budget, (ctx.o.seed ?? 0) + it);
          return {
            scene: selectGaussians(e.scene, keep),
            sourceIndex: Uint32Array.from(keep, (i) => e.sourceIndex[i]),
          };
        });
      } else if (survivors < n) edits.push((e) => pruneBelowOpacity(e, threshold));
    }
  }
  if (edits.length === 0 && !reset) return;
  const scene = await st.gs.download();
  let edit: EditResult = { scene, sourceIndex: Uint32Array.from({ length: n }, (_, i) => i) };
  for (const f of edits) edit = await f(edit);
  if (edits.length > 0) applyEdit(st.gs, edit);
  if (reset) {
    resetOpacity(edit.scene, 0.05);
    st.gs.writeScene(edit.scene);
    const encoder = ctx.device.createCommandEncoder({ label: 'Train.opacityReset' });
    st.gs.adam.resetSection(encoder, 'opacities');
    ctx.device.queue.submit([encoder.finish()]);
  }
  if (st.stats && (edits.length > 0 || isDensifyStep(s, it))) st.stats.reset(st.gs.count);
}

/** Exactly `budget` Gaussians sampled without replacement by opacity (the schedule's closing cut). */
async function cutToBudget(gs: GpuScene, budget: number, seed: number): Promise<EditResult> {
  const scene = await gs.download();
  const keep = sampleByOpacity(scene.opacityLogits, budget, seed);
  return { scene: selectGaussians(scene, keep), sourceIndex: keep };
}

function applyEdit(gs: GpuScene, edit: EditResult): void {
  gs.replace(edit.scene, edit.sourceIndex);
}

/** `next` was computed on `prev.scene`: map its source rows back to the rows before `prev`. */
function compose(prev: EditResult, next: EditResult): EditResult {
  return {
    scene: next.scene,
    sourceIndex: Uint32Array.from(next.sourceIndex, (i) => (i === NEW_ROW ? NEW_ROW : prev.sourceIndex[i])),
  };
}
