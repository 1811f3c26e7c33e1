// What a training run is asked for (TrainConfig: every optional field documents its default) and what
// follows from it before any GPU work: validation, the schedule, learning rates, SH degree and budget.
//
// Modes:
// - 'photos' (a): Gaussians from points, the full schedule (densify to ~3B, select, fine-tune).
// - 'refine' (b: photos + a trained scene; c: teacher renders of a trained scene, teacher.ts): the run
//   maps onto the reference iterations 14,000..30,000 of 30,000: a short warm-up, selection from the
//   reference's 15,000, fine-tuning after; no densification (the input is already dense).
import { capShDegree, type GaussianScene, type ShDegree } from '../../shared/scene/gaussian-scene.ts';
import type { GpuContext } from '../gpu/device.ts';
import { makeSchedule, REFERENCE_ITERATIONS, type Schedule } from '../select/schedule.ts';
import { REFERENCE_RATES, type LearningRateConfig } from './lr.ts';
import type { TrainingProgress } from './progress.ts';
import type { TrainingViews } from './loop/views.ts';

/** The final number of Gaussians: a count, or a fraction of the count at the selection start. */
export type Budget = { count: number } | { fraction: number };

export type TrainMode = 'photos' | 'refine';

export interface TrainConfig {
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
  /** View order and sampling seed. Default 0. */
  seed?: number;
  /** Learning rates before short-run scaling. Default: the reference's (lr.ts REFERENCE_RATES). */
  rates?: LearningRateConfig;
  /**
   * Learning-rate multiplier. The reference rates are tuned for 30,000 iterations; a short CPU run moves
   * its parameters too little with them. Default (short-run scaling): sqrt(30,000 / iterations), in [1, 8].
   */
  lrScale?: number;
  /** Score held-out views (views.split.test) at the end. Default true. */
  evaluate?: boolean;
  progress?: TrainingProgress;
  /** Messages (phase summaries, the time estimate). */
  log?: (message: string) => void;
  /**
   * Time limit: `performance.now()` milliseconds after which no iteration starts. Selection still ends at
   * exactly the budget (Trainer.select's closing cut by opacity sampling).
   */
  deadline?: number;
}

export class TrainError extends Error {
  override name = 'TrainError';
}

/** What the run follows from its configuration. */
export interface ResolvedConfig {
  /** The initial Gaussians at the trained SH degree. */
  initial: GaussianScene;
  maxDegree: ShDegree;
  /** The schedule in virtual iterations: the run performs [first, schedule.iterations]. */
  schedule: Schedule;
  first: number;
  rates: LearningRateConfig;
  seed: number;
}

/** Photos mode: the whole reference schedule. Refine: reference 14,000..30,000 (warm-up 1/16 of the run). */
const REFINE_FROM = 14_000;

function virtualIterations(mode: TrainMode, iterations: number): number {
  return mode === 'photos'
    ? iterations
    : Math.round((iterations * REFERENCE_ITERATIONS) / (REFERENCE_ITERATIONS - REFINE_FROM));
}

/**
 * Iterations a run performs in all (progress totals): the phase before selection once, the selection
 * phase once per selection run (1 for trainScene; the benchmark harness runs several from one start).
 */
export function plannedIterations(mode: TrainMode, iterations: number, selectionRuns = 1): number {
  const s = makeSchedule({ iterations: virtualIterations(mode, iterations), budget: 1 });
  const first = s.iterations - iterations + 1;
  return s.regStart - first + selectionRuns * (s.iterations - s.regStart + 1);
}

/** Validates `c` and derives the schedule, rates and SH degree (throws TrainError). */
export function resolveConfig(c: TrainConfig): ResolvedConfig {
  if (!Number.isInteger(c.iterations) || c.iterations < 16)
    throw new TrainError(`iterations must be an integer >= 16, got ${c.iterations}`);
  if (c.views.split.train.length === 0) throw new TrainError('no training views');
  if (c.initial.count === 0) throw new TrainError('the initial scene has no Gaussians');
  const maxDegree = Math.min(c.shDegree ?? 3, c.mode === 'refine' ? c.initial.shDegree : 3) as ShDegree;
  const initial = capShDegree(c.initial, maxDegree);
  if (initial.shDegree !== maxDegree)
    throw new TrainError(
      `photos mode needs initial Gaussians of SH degree ${maxDegree}, got ${initial.shDegree}`,
    );

  const virtual = virtualIterations(c.mode, c.iterations);
  const first = virtual - c.iterations + 1;
  const countBudget = 'count' in c.budget ? c.budget.count : undefined;
  if (countBudget !== undefined && !(Number.isInteger(countBudget) && countBudget >= 1))
    throw new TrainError(`budget must be a positive integer count, got ${countBudget}`);
  if ('fraction' in c.budget && !(c.budget.fraction > 0 && c.budget.fraction <= 1))
    throw new TrainError(`budget fraction must be in (0, 1], got ${c.budget.fraction}`);
  // Densification's count target is 3B at the end (reference); with a fraction budget B is not known yet.
  const denseTarget = c.denseTarget ?? (countBudget !== undefined ? 3 * countBudget : 3 * initial.count);
  const schedule = makeSchedule({ iterations: virtual, budget: Math.max(1, Math.ceil(denseTarget / 3)) });

  const lrScale = c.lrScale ?? Math.min(8, Math.max(1, Math.sqrt(REFERENCE_ITERATIONS / c.iterations)));
  const base = c.rates ?? REFERENCE_RATES;
  const rates: LearningRateConfig = {
    positionInit: base.positionInit * lrScale,
    positionFinal: base.positionFinal * lrScale,
    shDC: base.shDC * lrScale,
    shRest: base.shRest * lrScale,
    opacity: base.opacity * lrScale,
    scale: base.scale * lrScale,
    rotation: base.rotation * lrScale,
  };
  return { initial, maxDegree, schedule, first, rates, seed: c.seed ?? 0 };
}

/** The budget B in Gaussians once the count at the selection start is known. */
export function budgetAt(budget: Budget, countAtStart: number): number {
  return 'count' in budget ? budget.count : Math.max(1, Math.round(budget.fraction * countAtStart));
}
