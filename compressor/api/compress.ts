// `compress()` of the Node API: the CLI's full pipeline (compress command) as a function. Photos or a
// trained scene -> training with natural selection to a budget -> .gsz bytes, with a progress callback
// and an AbortSignal instead of the CLI's bar and Ctrl-C. It composes the same parts as the command
// (loadDataset / readScene, teacherViews, trainScene, encodeGsz) with the command's defaults.
import { existsSync } from 'node:fs';
import type { GaussianScene, ShDegree } from '../../shared/scene/gaussian-scene.ts';
import { HARDWARE_DEFAULTS, SOFTWARE_DEFAULTS } from '../cli/compress/compress-plan.ts';
import { isPhotoDataset } from '../cli/compress/compress-request.ts';
import { loadDataset } from '../datasets/load-dataset.ts';
import { getGpu } from '../gpu/device.ts';
import { readScene } from '../io/read-scene.ts';
import { encodeGsz } from '../pack/gsz-encoder.ts';
import { randomPointCloud, sceneFromPoints } from '../train/init-scene.ts';
import { TrainingProgress, type ProgressUpdate } from '../train/progress.ts';
import { teacherViews } from '../train/teacher.ts';
import { plannedIterations, trainScene, type Budget, type TrainMode } from '../train/trainer.ts';
import { datasetViews, type TrainingViews } from '../train/loop/views.ts';

export interface CompressProgress extends ProgressUpdate {
  /** Iterations planned for the whole run (`iteration` counts up to it). */
  total: number;
}

export interface CompressOptions {
  /** Gaussians to keep: a fraction in (0, 1] of the count at selection start, or a count. Default 0.15. */
  budget?: number;
  /** For a trained scene: a photo dataset folder to refine against (otherwise its own orbit renders). */
  images?: string;
  /** Training iterations (default: 300 on a CPU-emulated GPU, 30,000 on a GPU). */
  iterations?: number;
  /** Photos: images wider than this are scaled down (default 128 on a CPU-emulated GPU, 1600 on a GPU);
   *  a trained scene alone: the orbit renders' size (default 128 / 512). */
  resolution?: number;
  /** Highest SH degree trained and packed (default 3, or the input's). */
  shDegree?: ShDegree;
  /** View order and sampling seed (default 0). */
  seed?: number;
  /** Called as training advances (phase, iteration, Gaussian count, loss). */
  onProgress?: (progress: CompressProgress) => void;
  /** Phase summaries and notes, as the CLI prints them. */
  onLog?: (message: string) => void;
  /** Aborts the run (between iterations): `compress` rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface CompressResult {
  /** The .gsz file's bytes. */
  gsz: Uint8Array;
  /** The final scene (as packed, before quantization). */
  scene: GaussianScene;
  /** Gaussians at the start, at selection start and at the end. */
  counts: { initial: number; selectionStart: number; final: number };
  /** Held-out PSNR (dB) against the photos or the input's renders, when there were held-out views. */
  psnr?: number;
}

/** Reports each update to the callback (never draws) and stops the run when the signal aborts. */
class CallbackProgress extends TrainingProgress {
  constructor(
    private readonly iterations: number,
    private readonly callbacks: Pick<CompressOptions, 'onProgress' | 'onLog' | 'signal'>,
  ) {
    super({ total: iterations, mode: 'quiet' });
  }

  override update(run: ProgressUpdate): void {
    this.callbacks.signal?.throwIfAborted();
    this.callbacks.onProgress?.({ ...run, total: this.iterations });
  }

  override log(message: string): void {
    this.callbacks.onLog?.(message);
  }
}

/**
 * Trains (a photo dataset folder: NeRF/Blender `transforms*.json` or COLMAP) or refines (a trained scene
 * file, with or without `images`) a Gaussian scene with natural selection to `budget` Gaussians, then
 * packs it to .gsz. Needs a GPU (WebGPU through Dawn; a CPU-emulated one works, slowly).
 * @example
 * const { gsz } = await compress('scene.ply', { budget: 100_000, onProgress: (p) => console.log(p.iteration) });
 */
export async function compress(input: string, options: CompressOptions = {}): Promise<CompressResult> {
  const { signal } = options;
  signal?.throwIfAborted();
  if (!existsSync(input)) throw new Error(`${input}: does not exist`);
  const budgetValue = options.budget ?? 0.15;
  if (!(budgetValue > 0) || (budgetValue > 1 && !Number.isInteger(budgetValue)))
    throw new RangeError(`budget: expected a fraction in (0, 1] or an integer count, got ${budgetValue}`);
  const budget: Budget = budgetValue <= 1 ? { fraction: budgetValue } : { count: budgetValue };
  const gpu = await getGpu();
  const defaults = gpu.software ? SOFTWARE_DEFAULTS : HARDWARE_DEFAULTS;
  const iterations = options.iterations ?? defaults.iterations;
  const seed = options.seed ?? 0;
  const photos = isPhotoDataset(input);
  const mode: TrainMode = photos ? 'photos' : 'refine';

  let views: TrainingViews;
  let initial: GaussianScene;
  if (photos || options.images) {
    const maxWidth = options.resolution ?? (defaults.resolution > 0 ? defaults.resolution : 1600);
    const dataset = loadDataset(photos ? input : options.images!, { maxWidth });
    views = datasetViews(gpu.device, dataset);
    initial = photos
      ? sceneFromPoints(
          dataset.pointCloud ?? randomPointCloud(defaults.initPoints, 1.3, seed),
          options.shDegree ?? 3,
        )
      : await readScene(input);
  } else {
    initial = await readScene(input);
    const size = options.resolution ?? (defaults.resolution > 0 ? defaults.resolution : 512);
    views = await teacherViews(gpu, initial, {
      views: defaults.teacherViews,
      trainViews: defaults.teacherTrainViews,
      width: size,
      height: size,
    });
  }
  try {
    signal?.throwIfAborted();
    const progress = new CallbackProgress(plannedIterations(mode, iterations), options);
    const final = await trainScene({
      gpu,
      views,
      initial,
      mode,
      iterations,
      budget,
      shDegree: options.shDegree,
      denseTarget: 'fraction' in budget && photos ? defaults.denseTarget : undefined,
      seed,
      progress,
      log: (message) => options.onLog?.(message),
    });

    const gsz = await encodeGsz(final.scene, {
      importance: final.importance,
      shDegree: options.shDegree ?? final.scene.shDegree,
    });
    return { gsz, scene: final.scene, counts: final.counts, psnr: final.evaluation?.psnr };
  } finally {
    views.destroy();
  }
}
