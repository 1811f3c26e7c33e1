// Photos mode's dense phase (docs/method.md step 1, the authors' Improved-GS densifier): AbsGS statistics
// accumulated on the GPU, then on the schedule's iterations (compressor/select/schedule.ts) the early
// prune (a < 0.02), densification towards the count target with pruning (a < 0.005), the 20% quantile
// prunes and the 3DGS opacity reset. The edits themselves are densify.ts's CPU functions.
import type { Camera } from '../../../shared/math/camera.ts';
import {
  accumulatesDensifyStats,
  densifyCountTarget,
  isDensifyStep,
  isOpacityReset,
  phaseAt,
} from '../../select/schedule.ts';
import { composeEdits, densifyAndPrune, pruneBelowOpacity, pruneLowestFraction } from '../densify.ts';
import { DensifyStatsPass } from '../densify-stats.ts';
import type { GpuScene } from '../loop/gpu-scene.ts';
import type { EditPlan, SceneEdit, TrainContext, TrainStrategy } from './strategy.ts';

/** Opacity below which the early prune removes Gaussians (reference, at 1/100 of the run). */
const EARLY_PRUNE_OPACITY = 0.02;
/** Opacity below which densification steps prune (reference, until just before selection). */
const DENSIFY_PRUNE_OPACITY = 0.005;
/** Fraction of the least opaque Gaussians the quantile prunes drop (reference only_prune(0.2)). */
const PERCENT_PRUNE_FRACTION = 0.2;

export class DensifyStrategy implements TrainStrategy {
  readonly name = 'densify';
  private readonly stats: DensifyStatsPass;

  constructor(
    private readonly ctx: TrainContext,
    initialCount: number,
  ) {
    this.stats = new DensifyStatsPass(ctx.device, initialCount);
  }

  phase(it: number): string {
    return phaseAt(this.ctx.schedule, it);
  }

  encode(encoder: GPUCommandEncoder, it: number, _gs: GpuScene, camera: Camera): void {
    if (accumulatesDensifyStats(this.ctx.schedule, it))
      this.stats.encode(encoder, this.ctx.rasterizer.splatGrads, camera.width, camera.height);
  }

  async afterStep(it: number): Promise<EditPlan | undefined> {
    const s = this.ctx.schedule;
    const edits: SceneEdit[] = [];
    if (it === s.earlyPruneAt) edits.push((e) => pruneBelowOpacity(e, EARLY_PRUNE_OPACITY));
    if (isDensifyStep(s, it)) {
      const stats = await this.stats.read();
      edits.push((e) =>
        composeEdits(
          e,
          densifyAndPrune(e.scene, stats, {
            countTarget: densifyCountTarget(s, it),
            late: it > s.densifyLateFrom,
            budget: s.budget,
            pruneBelowOpacity: it < s.densifyPruneUntil ? DENSIFY_PRUNE_OPACITY : undefined,
            seed: it,
          }),
        ),
      );
    }
    if (s.percentPruneAt.includes(it) && it < s.densifyUntil)
      edits.push((e) => composeEdits(e, pruneLowestFraction(e.scene, PERCENT_PRUNE_FRACTION)));
    const resetOpacity = isOpacityReset(s, it);
    return edits.length > 0 || resetOpacity ? { edits, resetOpacity } : undefined;
  }

  /** The statistics restart, at the new count, after every edit (as the reference). */
  afterEdits(gs: GpuScene): void {
    this.stats.reset(gs.count);
  }

  destroy(): void {
    this.stats.destroy();
  }
}
