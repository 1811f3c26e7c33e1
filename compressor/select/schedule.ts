// The training schedule of natural selection (docs/method.md), with every phase boundary stored as a FRACTION
// of the reference 30,000-iteration run, so a short run (e.g. 2,000 iterations on a CPU) keeps the
// proportions. Iterations are 1-based like the reference (`for it in 1..=iterations`).
//
// Periods (densify every 100, regularize every 50, ...) scale the same way, with a floor of 1.
// The optimizer's gradient-accumulation counts in fine-tuning (5 and 20 views a step) are batch sizes,
// not durations: they are NOT scaled (a 2,000-iteration run still sums 5 then 20 views a step).

/** The reference run length every fraction below is taken from. */
export const REFERENCE_ITERATIONS = 30_000;

/** The reference schedule in reference iterations (train.py / arguments of the authors' GNS repository). */
export const REFERENCE = {
  densifyFrom: 500,
  densifyUntil: 15_000,
  densifyInterval: 100,
  /** Count target reaches 3B here: sqrt((it - 500) / (15,000 - 500 - 500)). */
  densifyTargetEnd: 14_500,
  /** After this the grad threshold is /1.5 while under the count target. */
  densifyLateFrom: 14_500,
  /** Densification steps prune a < 0.005 only before this. */
  densifyPruneUntil: 14_900,
  earlyPruneAt: 300,
  opacityResetInterval: 3_000,
  percentPruneAt: [3_300, 6_300] as const,
  regStart: 15_000,
  regEnd: 23_000,
  regInterval: 50,
  priorFreeLength: 1_000,
  controllerInterval: 100,
  /** The controller's goal reaches 0 at regEnd - this. */
  goalEndBeforeRegEnd: 1_000,
  selectionPruneInterval: 50,
  /** Selection pruning (a < 0.001) starts at regStart + this. */
  selectionPruneDelay: 1_000,
  /** The opacity LR x4 is undone this long after selection ends. */
  opacityLrRestoreDelay: 1_000,
  accumulate5From: 20_000,
  accumulate20From: 24_000,
  shDegreeInterval: 1_000,
} as const;

export interface ScheduleOptions {
  iterations: number;
  /** Final number of Gaussians B. */
  budget: number;
}

/** The schedule of one run, every boundary in this run's iterations (1-based, inclusive where the reference is). */
export interface Schedule {
  iterations: number;
  budget: number;
  densifyFrom: number;
  densifyUntil: number;
  densifyInterval: number;
  densifyTargetEnd: number;
  densifyLateFrom: number;
  densifyPruneUntil: number;
  earlyPruneAt: number;
  opacityResetInterval: number;
  percentPruneAt: number[];
  regStart: number;
  regEnd: number;
  regInterval: number;
  priorFreeEnd: number; // first iteration of the finite-prior field
  controllerInterval: number;
  goalEnd: number; // iteration where the controller's goal reaches 0
  selectionPruneInterval: number;
  selectionPruneFrom: number;
  opacityLrRestoreDelay: number;
  accumulate5From: number;
  accumulate20From: number;
  shDegreeInterval: number;
}

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

/** Builds the schedule of a run of `iterations`, scaling the reference boundaries and periods. */
export function makeSchedule({ iterations, budget }: ScheduleOptions): Schedule {
  if (!Number.isInteger(iterations) || iterations < 10)
    throw new ScheduleError(`iterations must be an integer >= 10, got ${iterations}`);
  if (!Number.isInteger(budget) || budget < 1)
    throw new ScheduleError(`budget must be a positive integer, got ${budget}`);
  const s = iterations / REFERENCE_ITERATIONS;
  const at = (ref: number) => Math.round(ref * s);
  const every = (ref: number) => Math.max(1, Math.round(ref * s));
  const regStart = at(REFERENCE.regStart);
  const regInterval = every(REFERENCE.regInterval);
  return {
    iterations,
    budget,
    densifyFrom: at(REFERENCE.densifyFrom),
    densifyUntil: at(REFERENCE.densifyUntil),
    densifyInterval: every(REFERENCE.densifyInterval),
    densifyTargetEnd: at(REFERENCE.densifyTargetEnd),
    densifyLateFrom: at(REFERENCE.densifyLateFrom),
    densifyPruneUntil: at(REFERENCE.densifyPruneUntil),
    earlyPruneAt: at(REFERENCE.earlyPruneAt),
    opacityResetInterval: every(REFERENCE.opacityResetInterval),
    percentPruneAt: REFERENCE.percentPruneAt.map(at),
    regStart,
    regEnd: at(REFERENCE.regEnd),
    regInterval,
    priorFreeEnd: regStart + every(REFERENCE.priorFreeLength),
    // The controller runs on field applications ((it - 1) % 100 == 0 inside (it - 1) % 50 == 0): every
    // second one. Scaling 100 on its own would make the two periods coprime after rounding.
    controllerInterval: regInterval * (REFERENCE.controllerInterval / REFERENCE.regInterval),
    goalEnd: at(REFERENCE.regEnd - REFERENCE.goalEndBeforeRegEnd),
    selectionPruneInterval: every(REFERENCE.selectionPruneInterval),
    selectionPruneFrom: regStart + every(REFERENCE.selectionPruneDelay),
    opacityLrRestoreDelay: every(REFERENCE.opacityLrRestoreDelay),
    accumulate5From: at(REFERENCE.accumulate5From),
    accumulate20From: at(REFERENCE.accumulate20From),
    shDegreeInterval: every(REFERENCE.shDegreeInterval),
  };
}

export type Phase = 'densify' | 'train' | 'selection' | 'fine-tune';

/** Display name of the phase at `it` (selection may end early: pass `selectionEndedAt` once it has). */
export function phaseAt(s: Schedule, it: number, selectionEndedAt?: number): Phase {
  if (it < s.densifyUntil) return 'densify';
  if (it < s.regStart) return 'train';
  if (selectionEndedAt === undefined ? it <= s.regEnd : it <= selectionEndedAt) return 'selection';
  return 'fine-tune';
}

/** Densification happens at `it` (reference: densify_from < it < densify_until, it % interval == 0). */
export function isDensifyStep(s: Schedule, it: number): boolean {
  return it > s.densifyFrom && it < s.densifyUntil && it % s.densifyInterval === 0;
}

/** Screen-space gradient statistics are accumulated at `it` (same open window as densification). */
export function accumulatesDensifyStats(s: Schedule, it: number): boolean {
  return it > s.densifyFrom && it < s.densifyUntil;
}

/** Opacity reset to min(a, 0.05) at `it` (inside the densification window, every 3,000 reference its). */
export function isOpacityReset(s: Schedule, it: number): boolean {
  return it > s.densifyFrom && it < s.densifyUntil && it % s.opacityResetInterval === 0;
}

/** Running count target of densification at a densify step: sqrt((it - from) / (targetEnd - from)) * 3B, capped at 3B. */
export function densifyCountTarget(s: Schedule, it: number): number {
  const rate = (it - s.densifyFrom) / Math.max(1, s.densifyTargetEnd - s.densifyFrom);
  return Math.floor(Math.sqrt(Math.min(1, Math.max(0, rate))) * 3 * s.budget);
}

/**
 * How many views' gradients the optimizer sums before stepping at `it`: 1 up to accumulate5From, then 5,
 * then 20 (reference: step when it % 5 == 0 / it % 20 == 0). Returns whether to step at `it`.
 */
export function optimizerStepsAt(s: Schedule, it: number): boolean {
  if (it >= s.iterations) return false; // the reference never steps at the last iteration
  if (it <= s.accumulate5From) return true;
  if (it <= s.accumulate20From) return it % 5 === 0;
  return it % 20 === 0;
}

/** Active SH degree at `it` (one band more every shDegreeInterval, up to `max`). */
export function shDegreeAt(s: Schedule, it: number, max: number): number {
  return Math.min(max, Math.floor(it / s.shDegreeInterval));
}
