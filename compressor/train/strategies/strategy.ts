// How a training strategy plugs into the loop (as gsplat's DefaultStrategy / MCMCStrategy): the loop
// (loop/run-iterations.ts) renders, back-propagates and steps; a strategy adds GPU passes before the
// optimizer step and decides the edits after it (densify, prune, the exact-budget cut), and the loop
// knows nothing of its internals. Strategies here: DensifyStrategy (photos' dense phase),
// NaturalSelectionStrategy (selection to the budget), and plainStrategy (training without edits).
import type { Camera } from '../../../shared/math/camera.ts';
import type { GaussianScene, ShDegree } from '../../../shared/scene/gaussian-scene.ts';
import type { GaussianRasterizer } from '../../render/gaussian-rasterizer.ts';
import type { Schedule } from '../../select/schedule.ts';
import type { EditResult } from '../densify.ts';
import type { ImageLoss } from '../loss.ts';
import type { GpuScene } from '../loop/gpu-scene.ts';
import type { TrainingViews } from '../loop/views.ts';
import type { TrainMode } from '../train-config.ts';

/** What every strategy of one run may use: the run's GPU resources, views and schedule. */
export interface TrainContext {
  device: GPUDevice;
  rasterizer: GaussianRasterizer;
  loss: ImageLoss;
  /** dL/dimage of the last view (maxPixels·3 floats). */
  dLdImage: GPUBuffer;
  views: TrainingViews;
  schedule: Schedule;
  mode: TrainMode;
  /** Highest SH degree trained. */
  maxDegree: ShDegree;
  seed: number;
}

/** One CPU edit of the scene; `e.sourceIndex` maps its rows back to the rows before the iteration's edits. */
export type SceneEdit = (e: EditResult) => EditResult | Promise<EditResult>;

/** The edits after one iteration, applied in order to one download of the scene. */
export interface EditPlan {
  edits: SceneEdit[];
  /** Cap every opacity at 0.05 and zero the opacity moments (3DGS reset), after the edits. */
  resetOpacity?: boolean;
}

export interface TrainStrategy {
  /** Names the strategy in results and reports ('natural-selection', 'densify', ...). */
  readonly name: string;
  /** Multiplies the opacity learning rate (natural selection's boost during selection). 1 when absent. */
  readonly opacityLrFactor?: number;
  /** Iteration where selection ended (the exact-budget cut), once it has. */
  readonly endedAt?: number;
  /** Phase name of iteration `it` (progress display, seconds per phase). */
  phase(it: number): string;
  /** Once, before the strategy's first iteration: a one-shot edit (a pruning baseline) or nothing. */
  begin?(gs: GpuScene): Promise<EditResult | undefined>;
  /** Before iteration `it`'s GPU work: CPU-side reads it needs (natural selection's opacities). */
  beforeStep?(it: number, gs: GpuScene): Promise<void>;
  /** Passes after the gradient sum and before the optimizer step (field, statistics, moment resets). */
  encode?(encoder: GPUCommandEncoder, it: number, gs: GpuScene, camera: Camera): void;
  /** After iteration `it`'s step: the edits to apply, if any. */
  afterStep?(it: number, gs: GpuScene): Promise<EditPlan | undefined>;
  /** After an iteration's edits were applied (`gs` holds the new rows). */
  afterEdits?(gs: GpuScene): void;
  /** Per-Gaussian importance of the final scene for the .gsz order. Default: its opacities. */
  importance?(scene: GaussianScene): Float32Array | undefined;
  destroy?(): void;
}

/** Training with no edits: refine's warm-up, or a quality reference without selection. */
export function plainStrategy(name: string, phase: string): TrainStrategy {
  return { name, phase: () => phase };
}
