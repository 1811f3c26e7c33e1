// The training + natural-selection pipeline (compressor/train/README.md, docs/method.md): photos -> dense
// training with densification -> natural selection to an exact budget -> fine-tune, every phase boundary
// a fraction of the run (compressor/select/schedule.ts), all on the GPU. `trainScene(config)` is the
// product's one call; `Trainer` exposes its two phases (up to the selection start, then selection and
// fine-tuning with a strategy) for tools that start several selections from one dense phase.
import { selectGaussians, sigmoid, type GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { evaluateViews, type Evaluation } from '../eval/evaluate.ts';
import { GaussianRasterizer } from '../render/gaussian-rasterizer.ts';
import { mulberry32, sampleByOpacity } from '../select/sampling.ts';
import type { Schedule } from '../select/schedule.ts';
import { createStorage } from './gpu-buffers.ts';
import { GpuScene } from './loop/gpu-scene.ts';
import {
  runIterations,
  type IterationCount,
  type IterationHooks,
  type LoopRun,
} from './loop/run-iterations.ts';
import { ImageLoss } from './loss.ts';
import type { LearningRateConfig } from './lr.ts';
import { DensifyStrategy } from './strategies/densify-strategy.ts';
import { NaturalSelectionStrategy } from './strategies/natural-selection-strategy.ts';
import { plainStrategy, type TrainContext, type TrainStrategy } from './strategies/strategy.ts';
import {
  budgetAt,
  plannedIterations,
  resolveConfig,
  type ResolvedConfig,
  type TrainConfig,
} from './train-config.ts';

export {
  plannedIterations,
  TrainError,
  type Budget,
  type TrainConfig,
  type TrainMode,
} from './train-config.ts';

/** One selection run's outcome: the scene after selection and fine-tuning. */
export interface SelectionResult {
  /** The strategy's name ('natural-selection', ...). */
  strategy: string;
  scene: GaussianScene;
  /** Per-Gaussian importance for the .gsz order (the strategy's, default opacity). */
  importance: Float32Array;
  budget: number;
  counts: { initial: number; selectionStart: number; final: number };
  /** Iteration of the run where the exact-budget cut happened (natural selection). */
  selectionEndedAt?: number;
  /** Iteration of the run before which the time limit (config.deadline) stopped it, if it did. */
  stoppedAt?: number;
  evaluation?: Evaluation;
  /** Wall seconds per phase of this selection run (the phase before it: TrainResult.sharedSeconds). */
  seconds: Record<string, number>;
}

/** The phase before selection: its wall seconds and the schedule the run follows. */
export interface RunInfo {
  /** Wall seconds of the phase(s) before selection (densify / train / warm-up). */
  sharedSeconds: Record<string, number>;
  /** The schedule the run followed (its iteration numbers are the run's own, 1-based). */
  schedule: Schedule;
  /** The run's iterations map to [firstIteration, schedule.iterations] of the schedule. */
  firstIteration: number;
  iterations: number;
}

export interface TrainResult extends SelectionResult, RunInfo {}

/** Where selection starts: the trained Gaussians, the final budget B and the counts so far. */
export interface SelectionStart {
  gs: GpuScene;
  budget: number;
  initialCount: number;
  seconds: Record<string, number>;
}

/** Trains, selects to the budget and fine-tunes (natural selection); the product's training call. */
export async function trainScene(config: TrainConfig): Promise<TrainResult> {
  const trainer = new Trainer(config);
  try {
    const start = await trainer.toSelectionStart();
    const result = await trainer.select(start, new NaturalSelectionStrategy(trainer.ctx, start.budget));
    start.gs.destroy();
    return { ...result, ...trainer.info(start.seconds) };
  } finally {
    trainer.destroy();
  }
}

export class Trainer implements LoopRun {
  readonly config: TrainConfig;
  readonly resolved: ResolvedConfig;
  /** The GPU resources, views and schedule every phase and strategy shares. */
  readonly ctx: TrainContext;
  readonly rates: LearningRateConfig;
  readonly first: number;
  readonly count: IterationCount;
  private random: () => number;
  private stack: number[] = [];

  /** Validates `config` (TrainError) and creates the GPU resources every phase shares. */
  constructor(config: TrainConfig) {
    this.config = config;
    this.resolved = resolveConfig(config);
    const { device } = config.gpu;
    // Densification grows the scene towards 3B: say before starting when that many do not fit.
    if (config.mode === 'photos') {
      const most = Math.max(this.resolved.initial.count, 3 * this.resolved.schedule.budget);
      GaussianRasterizer.assertFits(device, most, 'training (densification count target)');
    }
    const maxPixels = Math.max(...config.views.cameras.map((c) => c.width * c.height));
    this.ctx = {
      device,
      rasterizer: new GaussianRasterizer(device),
      loss: new ImageLoss(device, { maxPixels }),
      dLdImage: createStorage(device, maxPixels * 3, 'Train.dLdImage'),
      views: config.views,
      schedule: this.resolved.schedule,
      mode: config.mode,
      maxDegree: this.resolved.maxDegree,
      seed: this.resolved.seed,
    };
    this.rates = this.resolved.rates;
    this.first = this.resolved.first;
    this.random = mulberry32(this.resolved.seed);
    this.count = {
      done: 0,
      total: plannedIterations(config.mode, config.iterations),
      started: performance.now(),
      estimated: false,
    };
  }

  /** 3DGS picks views from a shuffled stack, refilled when empty. */
  nextView(): number {
    if (this.stack.length === 0) {
      this.stack = [...this.config.views.split.train];
      for (let i = this.stack.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        [this.stack[i], this.stack[j]] = [this.stack[j], this.stack[i]];
      }
    }
    return this.stack.pop()!;
  }

  /** Dense training with densification (photos) or the warm-up (refine), up to the selection start. */
  async toSelectionStart(): Promise<SelectionStart> {
    const { initial } = this.resolved;
    const gs = new GpuScene(this.ctx.device, initial);
    const strategy =
      this.config.mode === 'photos'
        ? new DensifyStrategy(this.ctx, initial.count)
        : plainStrategy('warm-up', 'warm-up');
    const seconds: Record<string, number> = {};
    try {
      await runIterations(this, gs, strategy, this.first, this.resolved.schedule.regStart - 1, seconds);
    } finally {
      strategy.destroy?.();
    }
    return this.selectionStart(gs, seconds);
  }

  /** The selection start from Gaussians already trained to it (`gs`: restored from a snapshot). */
  selectionStart(gs: GpuScene, seconds: Record<string, number> = {}): SelectionStart {
    const budget = budgetAt(this.config.budget, gs.count);
    const s = this.resolved.schedule;
    this.config.log?.(
      `selection start (iteration ${s.regStart - this.first + 1} of ${this.config.iterations}): ${gs.count.toLocaleString('en-US')} Gaussians, budget ${budget.toLocaleString('en-US')}`,
    );
    return { gs, budget, initialCount: this.resolved.initial.count, seconds };
  }

  /**
   * Selection and fine-tuning of `gs` (default: start.gs) with `strategy`, then the held-out evaluation.
   * Every call sees the same view sequence from here on: runs from one start differ only in how they select.
   */
  async select(
    start: SelectionStart,
    strategy: TrainStrategy,
    options: IterationHooks & { gs?: GpuScene } = {},
  ): Promise<SelectionResult> {
    const { ctx, config: o } = this;
    const s = this.resolved.schedule;
    const gs = options.gs ?? start.gs;
    const atStart = gs.count;
    // Before, runs from one start shared one view stream, so a run's views depended on its place in the
    // list; on Lego natural selection alone vs fourth of four, same start and seed: 30.68 vs 30.23 dB.
    this.random = mulberry32((this.resolved.seed + 0x9e3779b9) >>> 0);
    this.stack = [];
    const seconds: Record<string, number> = {};
    try {
      const t0 = performance.now();
      const edit = await strategy.begin?.(gs);
      if (edit) {
        gs.replace(edit.scene, edit.sourceIndex);
        seconds.prune = (performance.now() - t0) / 1000;
      }
      const stoppedAt = await runIterations(this, gs, strategy, s.regStart, s.iterations, seconds, options);
      if (stoppedAt !== undefined && gs.count > start.budget) {
        // Stopped by the time limit before the exact-budget cut: the cut the schedule ends selection with.
        const all = await gs.download();
        const keep = sampleByOpacity(all.opacityLogits, start.budget, this.resolved.seed + stoppedAt);
        gs.replace(selectGaussians(all, keep), keep);
        o.log?.(
          `time limit: cut to exactly ${start.budget.toLocaleString('en-US')} Gaussians by opacity sampling`,
        );
      }
      const scene = await gs.download();
      let evaluation: Evaluation | undefined;
      if (o.evaluate !== false && o.views.split.test.length > 0) {
        const t1 = performance.now();
        evaluation = await evaluateViews(
          ctx.device,
          ctx.rasterizer,
          { ...gs.paramSource, antialiased: scene.antialiased },
          o.views,
          o.views.split.test,
        );
        seconds.evaluate = (performance.now() - t1) / 1000;
      }
      o.gpu.check();
      return {
        strategy: strategy.name,
        scene,
        importance: strategy.importance?.(scene) ?? Float32Array.from(scene.opacityLogits, sigmoid),
        budget: start.budget,
        counts: { initial: start.initialCount, selectionStart: atStart, final: scene.count },
        selectionEndedAt: strategy.endedAt === undefined ? undefined : strategy.endedAt - this.first + 1,
        stoppedAt: stoppedAt === undefined ? undefined : stoppedAt - this.first + 1,
        evaluation,
        seconds,
      };
    } finally {
      strategy.destroy?.();
    }
  }

  /** The run's schedule facts, with the seconds of the phase before selection. */
  info(sharedSeconds: Record<string, number>): RunInfo {
    return {
      sharedSeconds,
      schedule: this.resolved.schedule,
      firstIteration: this.first,
      iterations: this.config.iterations,
    };
  }

  destroy(): void {
    this.ctx.rasterizer.destroy();
    this.ctx.loss.destroy();
    this.ctx.dLdImage.destroy();
  }
}
