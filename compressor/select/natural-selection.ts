// The natural-selection controller (docs/method.md; authors' train.py): decides, per iteration, whether the
// opacity regularization field applies and how strong it is, when to prune a < 0.001, when to cut to
// exactly B Gaussians, and when the opacity learning rate is scaled. Pure state machine: the trainer
// feeds it the current count and (when asked) the opacities, and executes the actions it returns.
import type { Schedule } from './schedule.ts';
import { kthLargest } from './rank.ts';

/** The field's target logit T: since |T| >> |mean(v)| it sets the field's strength. */
export const TARGET_LOGIT = -20;
/** Reference initial strength w (`opacity_reg_lr`). */
export const INITIAL_STRENGTH = 2e-4;
/** Opacity below which selection prunes from regStart + 1000 (reference iterations). */
export const SELECTION_PRUNE_OPACITY = 0.001;

export type FieldKind = 'prior-free' | 'finite-prior';

export interface FieldApplication {
  kind: FieldKind;
  /** The strength w to pass to the field kernel (finite-prior's factor 3 is applied by the kernel). */
  weight: number;
}

export interface AfterBackwardActions {
  /** Prune every Gaussian with opacity below this (permanently). */
  pruneBelowOpacity?: number;
  /** Keep exactly `budget` Gaussians sampled without replacement with probability ∝ opacity (sampleByOpacity). */
  sampleToBudget?: number;
  /** Multiply the opacity learning rate by this (4 at regStart, 1/4 later). */
  opacityLrFactor?: number;
}

export interface NaturalSelectionOptions {
  initialStrength?: number;
  /**
   * The controller's relative step: w x (1 + step) when the B-th ranked opacity is above 1.1 x goal,
   * x (1 - step) when below 0.9 x goal. Reference: 0.2 (x1.2 / x0.8).
   */
  controllerStep?: number;
  /** Opacity learning-rate factor from regStart until opacityLrRestoreDelay after the cut. Reference: 4. */
  opacityLrBoost?: number;
}

/** The reference controller step (x1.2 / x0.8). */
export const CONTROLLER_STEP = 0.2;
/**
 * The controller step when selection starts from a trained scene (refine: modes b and c). The student
 * starts equal to its targets, so rendering gradients are ~0 and every opacity first decays alike; the
 * x0.8 rule then cuts w 10-100x and x1.2 climbs back slowly, so the mass of Gaussians collapses late in
 * one go. A larger step climbs back sooner, and after the collapse it cuts w fast enough that the
 * survivors recover before the cut. Playbot mode (c), 48 teacher views (6 held out), 600 iterations, 15%:
 * step 0.2 -> 32.92 dB, 0.3 -> 33.64, 0.4 -> 33.35, 0.5 -> 33.67 (importance: 32.98). compressor/select/README.md.
 */
export const REFINE_CONTROLLER_STEP = 0.3;
/** The reference opacity learning-rate factor during selection. */
export const OPACITY_LR_BOOST = 4;
/**
 * Photos mode in a run shorter than the reference: x1.3 / x0.7 and an opacity rate x2 during selection.
 * A short run already multiplies every rate by its short-run scale (sqrt(30k / iterations), 7.9 at 480),
 * so with x4 a logit with no rendering gradient falls ~0.8 a step: the mass of Gaussians gives way within
 * ~16 iterations once w has climbed, faster than the controller can follow. Lego 200x200, 480 iterations,
 * 15%, paired runs from one dense snapshot: 60,000 dense: 29.77 -> 29.83 dB (seed 0), 29.70 -> 29.78
 * (seed 1); 100,000 dense: 30.30 -> 30.56 (opacity pruning 29.56, importance 29.81). compressor/select/README.md.
 */
export const SHORT_RUN_CONTROLLER_STEP = 0.3;
export const SHORT_RUN_OPACITY_LR_BOOST = 2;

export class NaturalSelection {
  /** Current field strength w (changed by the ×0.8 / ×1.2 rule). */
  strength: number;
  /** 0.8 × the B-th ranked opacity at the field's first application. */
  opacityMin: number | undefined;
  /** False once the exact-budget cut has happened (reference: prune_reg). */
  active = true;
  /** Iteration of the exact-budget cut. */
  endedAt: number | undefined;
  /** The B-th ranked opacity at the last controller update (diagnostics). */
  rankedOpacity: number | undefined;

  /** The controller's relative step (CONTROLLER_STEP unless given). */
  readonly controllerStep: number;
  /** The opacity learning-rate factor during selection (OPACITY_LR_BOOST unless given). */
  readonly opacityLrBoost: number;

  constructor(
    readonly schedule: Schedule,
    options: NaturalSelectionOptions = {},
  ) {
    this.strength = options.initialStrength ?? INITIAL_STRENGTH;
    this.controllerStep = options.controllerStep ?? CONTROLLER_STEP;
    this.opacityLrBoost = options.opacityLrBoost ?? OPACITY_LR_BOOST;
    if (!(this.controllerStep > 0 && this.controllerStep < 1))
      throw new Error(`natural selection: controllerStep must be in (0, 1), got ${this.controllerStep}`);
  }

  /** True when the field applies at `it` (before the backward): the trainer then must call `fieldAt`. */
  needsField(it: number): boolean {
    const s = this.schedule;
    return this.active && it >= s.regStart && it <= s.regEnd && (it - 1) % s.regInterval === 0;
  }

  /** True when `fieldAt(it, ...)` needs the current opacities (first application and controller updates). */
  needsOpacities(it: number): boolean {
    return (
      this.needsField(it) &&
      (this.opacityMin === undefined || (it - 1) % this.schedule.controllerInterval === 0)
    );
  }

  /**
   * The field to add to the opacity-logit gradient at `it`, or undefined. `opacities` (a = sigmoid(v),
   * length = current count) is required when `needsOpacities(it)`; it updates the strength controller.
   */
  fieldAt(it: number, opacities?: Float32Array): FieldApplication | undefined {
    if (!this.needsField(it)) return undefined;
    const s = this.schedule;
    if (this.needsOpacities(it)) {
      if (!opacities) throw new Error(`natural selection: opacities are needed at iteration ${it}`);
      const ranked = kthLargest(opacities, Math.min(s.budget, opacities.length));
      this.rankedOpacity = ranked;
      if (this.opacityMin === undefined) {
        this.opacityMin = 0.8 * ranked;
      } else if ((it - 1) % s.controllerInterval === 0) {
        const goal = this.goal(it);
        if (ranked < 0.9 * goal) this.strength *= 1 - this.controllerStep;
        else if (ranked > 1.1 * goal) this.strength *= 1 + this.controllerStep;
      }
    }
    return { kind: it < s.priorFreeEnd ? 'prior-free' : 'finite-prior', weight: this.strength };
  }

  /**
   * True at the field's phase boundaries (regStart: the field starts, the opacity rate goes x4;
   * priorFreeEnd: the prior-free field gives way to the finite prior, a different gradient per
   * Gaussian). The trainer then restarts the opacity logits' Adam state. The reference keeps it, but its
   * phases last 1,000-7,000 iterations, so Adam's second moment (a ~1,000-iteration memory) soon
   * reflects the new gradients; in a run of a few hundred iterations it never forgets the old ones, and
   * a field that became weaker per Gaussian (finite prior after prior-free) moves logits at a small
   * fraction of the rate: Gaussians with no rendering gradient stall above the pruning threshold.
   */
  restartsOpacityMomentsAt(it: number): boolean {
    const s = this.schedule;
    return this.active && (it === s.regStart || it === s.priorFreeEnd);
  }

  /** The controller's goal for the B-th ranked opacity: falls linearly from opacityMin to 0 at goalEnd. */
  goal(it: number): number {
    const s = this.schedule;
    const t = (it - s.regStart) / Math.max(1, s.goalEnd - s.regStart);
    return Math.max(0, (1 - t) * (this.opacityMin ?? 0));
  }

  /**
   * What to do after the backward at `it` (before the optimizer step), given the current count.
   * Order as in the reference: exact-budget cut when count < 1.05 B, else selection pruning, else the cut
   * at regEnd; then the learning-rate factors.
   */
  afterBackward(it: number, count: number): AfterBackwardActions {
    const s = this.schedule;
    const actions: AfterBackwardActions = {};
    if (this.active && it > s.regStart && count < 1.05 * s.budget) {
      this.finish(it, count, actions);
    }
    if (this.active && it >= s.regStart && it < s.regEnd) {
      if (it === s.regStart) actions.opacityLrFactor = this.opacityLrBoost;
      if (it >= s.selectionPruneFrom && it % s.selectionPruneInterval === 0)
        actions.pruneBelowOpacity = SELECTION_PRUNE_OPACITY;
    } else if (this.active && it === s.regEnd) {
      this.finish(it, count, actions);
    }
    if (this.endedAt !== undefined && it === this.endedAt + s.opacityLrRestoreDelay)
      actions.opacityLrFactor = 1 / this.opacityLrBoost;
    return actions;
  }

  private finish(it: number, count: number, actions: AfterBackwardActions): void {
    this.active = false;
    this.endedAt = it;
    if (count > this.schedule.budget) actions.sampleToBudget = this.schedule.budget;
  }
}
