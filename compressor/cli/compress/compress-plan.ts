// `gs-compress compress` step 2 of 3 (parse -> plan -> execute): what will run, once the GPU is known:
// the training mode and iterations, how the photos load or the teacher renders, the densification
// target, and the iterations the run performs in all (the progress total).
import { resolutionOptions, type DatasetOptions } from '../../datasets/dataset.ts';
import { getGpu, type GpuContext } from '../../gpu/device.ts';
import { plannedIterations, type TrainMode } from '../../train/trainer.ts';
import { CliError, EXIT } from '../command.ts';
import type { CompressRequest } from './compress-request.ts';
import type { PatchSize } from '../../train/patch-views.ts';
import { MODE_C_DEFAULTS, parseSize } from '../mode-c-views.ts';

/** Defaults for a CPU-emulated GPU (SwiftShader): a 128x128, 50-view dataset trains in a few minutes. */
export const SOFTWARE_DEFAULTS = {
  iterations: 300,
  resolution: 128,
  initPoints: 3000,
  denseTarget: 12_000,
  teacherViews: 32,
  teacherTrainViews: 96,
};
/** Defaults on a hardware GPU: the reference schedule. */
export const HARDWARE_DEFAULTS = {
  iterations: 30_000,
  resolution: -1,
  initPoints: 100_000,
  denseTarget: 1_000_000,
  teacherViews: 128,
  teacherTrainViews: 0,
};

export interface CompressPlan {
  request: CompressRequest;
  gpu: GpuContext;
  trainMode: TrainMode;
  iterations: number;
  /** Modes (a, b): the dataset to load and how (a width cap, or --resolution's downscale or width). */
  photos?: {
    datasetPath: string;
    load: Pick<DatasetOptions, 'downscale' | 'targetWidth' | 'maxWidth'>;
    /** Mode (a) without a point cloud: random initial points. */
    initPoints: number;
  };
  /** Mode (c): teacher renders of size x size, `views` (every 8th held out) + `trainViews` for training only. */
  teacher?: { size: number; views: number; trainViews: number };
  /** Mode (c) without --resolution: patches of full-size teacher views (mode-c-views.ts). */
  patchTeacher?: { viewSize: PatchSize; patch: PatchSize; views: number };
  /** performance.now() after which training stops (--time-limit; mode c refines it from its estimate). */
  deadline?: number;
  /** Photos mode with a fraction budget: densification's count target. */
  denseTarget?: number;
  /** Iterations the run performs in all (progress total). */
  totalIterations: number;
}

/** Acquires the GPU and fills in the device's defaults (SOFTWARE_DEFAULTS on a CPU-emulated GPU). */
export async function planCompress(request: CompressRequest): Promise<CompressPlan> {
  let gpu: GpuContext;
  try {
    gpu = await getGpu();
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const defaults = gpu.software ? SOFTWARE_DEFAULTS : HARDWARE_DEFAULTS;
  const iterations = request.iterations ?? defaults.iterations;
  const resolution = request.resolution ?? defaults.resolution;
  const trainMode: TrainMode = request.mode === 'a' ? 'photos' : 'refine';
  const plan: CompressPlan = {
    request,
    gpu,
    trainMode,
    iterations,
    totalIterations: plannedIterations(trainMode, iterations),
  };
  if (request.mode === 'a' || request.mode === 'b') {
    let load: Pick<DatasetOptions, 'downscale' | 'targetWidth' | 'maxWidth'>;
    try {
      // Without --resolution: images wider than the default width are scaled down to it.
      load =
        request.resolution === undefined
          ? { maxWidth: resolution > 0 ? resolution : 1600 }
          : resolutionOptions(resolution);
    } catch (error) {
      throw new CliError((error as Error).message, EXIT.usage);
    }
    plan.photos = {
      datasetPath: request.mode === 'a' ? request.inputPath : request.imagesPath!,
      load,
      initPoints: request.initPoints ?? defaults.initPoints,
    };
  } else if (request.resolution === undefined) {
    const d = gpu.software ? MODE_C_DEFAULTS.software : MODE_C_DEFAULTS.hardware;
    plan.patchTeacher = {
      viewSize: request.viewSize ?? parseSize(d.viewSize, '--view-size'),
      patch: request.patch ?? parseSize(d.patch, '--patch'),
      views: request.views ?? d.views,
    };
  } else {
    plan.teacher = {
      size: resolution > 0 ? resolution : 512,
      views: request.views ?? defaults.teacherViews,
      trainViews: request.trainViews ?? defaults.teacherTrainViews,
    };
  }
  if (request.timeLimit !== undefined) plan.deadline = request.started + request.timeLimit * 1000;
  if ('fraction' in request.budget && trainMode === 'photos')
    plan.denseTarget = request.denseTarget ?? defaults.denseTarget;
  return plan;
}
