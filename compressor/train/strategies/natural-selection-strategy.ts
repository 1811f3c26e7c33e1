// Natural selection to an exact budget (docs/method.md; compressor/select/natural-selection.ts is the
// controller): the opacity field added to the opacity-logit gradient before the optimizer step, the
// opacity Adam restarts at the field's phase boundaries, selection pruning (a < 0.001) and the
// exact-budget cut, and the opacity learning-rate boost while selecting.
import { selectGaussians, sigmoid } from '../../../shared/scene/gaussian-scene.ts';
import {
  CONTROLLER_STEP,
  INITIAL_STRENGTH,
  NaturalSelection,
  REFINE_CONTROLLER_STEP,
  SHORT_RUN_CONTROLLER_STEP,
  SHORT_RUN_OPACITY_LR_BOOST,
  type FieldApplication,
  type NaturalSelectionOptions,
} from '../../select/natural-selection.ts';
import { OpacityFieldPass, opacityFieldMean } from '../../select/opacity-field.ts';
import { sampleByOpacity } from '../../select/sampling.ts';
import { makeSchedule, phaseAt, REFERENCE, REFERENCE_ITERATIONS } from '../../select/schedule.ts';
import { pruneBelowOpacity, type EditResult } from '../densify.ts';
import type { GpuScene } from '../loop/gpu-scene.ts';
import type { EditPlan, SceneEdit, TrainContext, TrainStrategy } from './strategy.ts';

/** Controller settings over the defaults below (experiments: the benchmark harness). */
export type ControllerOverrides = Omit<NaturalSelectionOptions, 'initialStrength'>;

export class NaturalSelectionStrategy implements TrainStrategy {
  readonly name = 'natural-selection';
  readonly controller: NaturalSelection;
  opacityLrFactor = 1;
  private readonly field: OpacityFieldPass;
  private pending: { field: FieldApplication; mean?: number } | undefined;

  /** `budget`: the exact final count B. */
  constructor(
    private readonly ctx: TrainContext,
    budget: number,
    overrides: ControllerOverrides = {},
  ) {
    const s = ctx.schedule;
    // The reference adds the field once per 50 rendering gradients (summed between optimizer steps):
    // under Adam, who survives is decided by the field's pressure PER RENDERING GRADIENT, w / 50. A run
    // whose period is shorter (floored at 1 iteration) applies w x period / 50 each time, the same
    // balance; the controller adapts w from there.
    const initialStrength = (INITIAL_STRENGTH * s.regInterval) / REFERENCE.regInterval;
    // From a trained scene (refine) the controller steps x1.3 / x0.7 instead of x1.2 / x0.8
    // (REFINE_CONTROLLER_STEP: measured on playbot, mode c); photos runs shorter than the reference do too,
    // with the opacity rate x2 instead of x4 during selection (SHORT_RUN_*: measured on Lego).
    const defaults: NaturalSelectionOptions =
      ctx.mode === 'refine'
        ? { controllerStep: REFINE_CONTROLLER_STEP }
        : s.iterations < REFERENCE_ITERATIONS
          ? { controllerStep: SHORT_RUN_CONTROLLER_STEP, opacityLrBoost: SHORT_RUN_OPACITY_LR_BOOST }
          : { controllerStep: CONTROLLER_STEP };
    this.controller = new NaturalSelection(makeSchedule({ iterations: s.iterations, budget }), {
      ...defaults,
      ...overrides,
      initialStrength,
    });
    this.field = new OpacityFieldPass(ctx.device);
  }

  get endedAt(): number | undefined {
    return this.controller.endedAt;
  }

  phase(it: number): string {
    const ns = this.controller;
    return phaseAt(this.ctx.schedule, it, ns.active ? undefined : ns.endedAt);
  }

  /** The field needs the current opacities at its first application and on controller updates. */
  async beforeStep(it: number, gs: GpuScene): Promise<void> {
    this.pending = undefined;
    const ns = this.controller;
    if (!ns.needsField(it)) return;
    const split = gs.partCount > 1;
    const logits = ns.needsOpacities(it) || split ? await gs.readOpacityLogits() : undefined;
    const opacities = ns.needsOpacities(it) ? Float32Array.from(logits!, sigmoid) : undefined;
    const field = ns.fieldAt(it, opacities);
    // In parts, the field's mean over every Gaussian is taken here instead of by one GPU pass.
    if (field) this.pending = { field, mean: split ? opacityFieldMean(logits!, field) : undefined };
  }

  encode(encoder: GPUCommandEncoder, it: number, gs: GpuScene): void {
    const p = this.pending;
    if (p && p.mean === undefined) {
      this.field.encode(encoder, gs.params, gs.grads, gs.count, p.field, gs.layout.offsets.opacities);
    } else if (p && p.mean !== undefined) {
      this.field.encodeParts(encoder, gs.opacitySections, gs.count, p.field, p.mean);
    }
    if (this.controller.restartsOpacityMomentsAt(it)) gs.restartMoments(encoder, 'opacities');
  }

  async afterStep(it: number, gs: GpuScene): Promise<EditPlan | undefined> {
    const n = gs.count;
    const a = this.controller.afterBackward(it, n);
    if (a.opacityLrFactor) this.opacityLrFactor *= a.opacityLrFactor;
    const seed = this.ctx.seed + it;
    const cutTo =
      (target: number): SceneEdit =>
      (e: EditResult) => {
        const keep = sampleByOpacity(e.scene.opacityLogits, target, seed);
        return {
          scene: selectGaussians(e.scene, keep),
          sourceIndex: Uint32Array.from(keep, (i) => e.sourceIndex[i]),
        };
      };
    if (a.sampleToBudget !== undefined) return { edits: [cutTo(a.sampleToBudget)] };
    if (a.pruneBelowOpacity === undefined) return undefined;
    const threshold = a.pruneBelowOpacity;
    // Cheap check first: skip the download when nobody is below the threshold.
    const logits = await gs.readOpacityLogits();
    let survivors = 0;
    for (const v of logits) if (!(sigmoid(v) < threshold)) survivors++;
    const budget = this.controller.schedule.budget;
    // A short run's fast decay can take one prune from above 1.05 B to below B: cut to exactly B
    // instead (the controller then ends selection at the next iteration, count = B).
    if (survivors < budget && n > budget) return { edits: [cutTo(budget)] };
    if (survivors < n) return { edits: [(e) => pruneBelowOpacity(e, threshold)] };
    return undefined;
  }

  /** Controller state for traces: field strength w, the B-th ranked opacity, the goal at `it`. */
  diagnostics(it: number): { strength: number; rankedOpacity?: number; goal: number } {
    const ns = this.controller;
    return { strength: ns.strength, rankedOpacity: ns.rankedOpacity, goal: ns.goal(it) };
  }

  destroy(): void {
    this.field.destroy();
  }
}
