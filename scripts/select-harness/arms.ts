// Paired comparisons of selection strategies ("arms") for bench:select: one phase up to the selection
// start (trained once, or resumed from a snapshot of an earlier run), then every arm from that same state
// with the same view sequence, iterations and fine-tuning:
// - 'natural-selection': the product's strategy (the opacity field, the controller, pruning, the cut);
// - 'dense': no selection (the quality reference, at the dense count);
// - 'opacity' / 'importance': one-shot pruning baselines at the selection start (pruning-baselines.ts).
// Traces give per-iteration diagnostics of the arms (count, loss, controller state).
import { GpuScene, type TrainingSnapshot } from '../../compressor/train/loop/gpu-scene.ts';
import {
  NaturalSelectionStrategy,
  type ControllerOverrides,
} from '../../compressor/train/strategies/natural-selection-strategy.ts';
import {
  plainStrategy,
  type TrainContext,
  type TrainStrategy,
} from '../../compressor/train/strategies/strategy.ts';
import {
  plannedIterations,
  TrainError,
  Trainer,
  type RunInfo,
  type SelectionResult,
  type TrainConfig,
} from '../../compressor/train/trainer.ts';
import { ImportancePruning, opacityPruning } from './pruning-baselines.ts';

export type Arm = 'natural-selection' | 'dense' | 'opacity' | 'importance';
export const ALL_ARMS: readonly Arm[] = ['dense', 'opacity', 'importance', 'natural-selection'];

export interface ArmsConfig extends TrainConfig {
  /** Default: natural selection alone. */
  arms?: readonly Arm[];
  /** Start the arms from this selection-start state (given to `onSelectionStart` by an earlier run of the same config). */
  resume?: TrainingSnapshot;
  /** Receives the state (parameters and optimizer moments) at the selection start. */
  onSelectionStart?: (snapshot: TrainingSnapshot) => void | Promise<void>;
  /** Per-iteration diagnostics of the arms after the selection start. */
  trace?: (event: TraceEvent) => void;
  /** Natural-selection controller settings over the product's defaults. */
  selection?: ControllerOverrides;
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

export interface ArmsResult extends RunInfo {
  /** One result per arm, in the order asked (each result's `strategy` is its arm). */
  arms: SelectionResult[];
}

function strategyOf(arm: Arm, ctx: TrainContext, budget: number, c: ArmsConfig): TrainStrategy {
  if (arm === 'natural-selection') return new NaturalSelectionStrategy(ctx, budget, c.selection);
  if (arm === 'opacity') return opacityPruning(budget);
  if (arm === 'importance') return new ImportancePruning(ctx, budget);
  return plainStrategy('dense', 'train');
}

/** Trains up to the selection start once, then each arm from there; one result per arm. */
export async function trainArms(c: ArmsConfig): Promise<ArmsResult> {
  const arms = c.arms ?? ['natural-selection'];
  if (arms.length === 0) throw new TrainError('no arm to train');
  const trainer = new Trainer(c);
  trainer.count.total = plannedIterations(c.mode, c.iterations, arms.length);
  const { device } = c.gpu;
  try {
    const start = c.resume
      ? trainer.selectionStart(GpuScene.restore(device, c.resume))
      : await trainer.toSelectionStart();
    const snapshot = arms.length > 1 || c.onSelectionStart ? await start.gs.snapshot() : undefined;
    if (c.onSelectionStart) await c.onSelectionStart(snapshot!);
    const results: SelectionResult[] = [];
    for (const [k, arm] of arms.entries()) {
      const gs = k === 0 ? start.gs : GpuScene.restore(device, snapshot!);
      const strategy = strategyOf(arm, trainer.ctx, start.budget, c);
      const trace = c.trace;
      const result = await trainer.select(start, strategy, {
        gs,
        progressLabel: arms.length > 1 ? (phase) => `${arm}:${phase}` : undefined,
        onIteration: trace
          ? (e) =>
              trace({
                arm,
                ...e,
                ...(strategy instanceof NaturalSelectionStrategy
                  ? strategy.diagnostics(e.iteration + trainer.first - 1)
                  : {}),
              })
          : undefined,
      });
      results.push(result);
      gs.destroy();
    }
    return { arms: results, ...trainer.info(start.seconds) };
  } finally {
    trainer.destroy();
  }
}
