// Mode (c) at full resolution: the teacher (the input scene) is rendered once per view at the evaluation
// size (e.g. 640x480), and every training iteration fits a random patch of one of those views: a camera
// whose image is a window of the full view (same focal length, principal point shifted) against the
// matching crop of the teacher's render. Why: on a CPU-emulated GPU an iteration of a 500k scene costs
// ~4-6 s of per-Gaussian work (projection, depth sort, projection backward, Adam) whatever the image
// size, while a 640x480 teacher render costs ~10 s: a pool of full-size renders, cropped for free, beats
// rendering the teacher again per iteration, and a patch keeps the raster share small (measured numbers:
// compressor/train/README.md "Mode (c) at scale"). The held-out views are scored whole, over scene pixels.
import type { Camera } from '../../shared/math/camera.ts';
import { mulberry32 } from '../../shared/math/random.ts';
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import type { GpuContext } from '../gpu/device.ts';
import { cameraExtent, holdoutSplit } from '../datasets/dataset.ts';
import { createStorage } from './gpu-buffers.ts';
import type { TrainingSample } from './loop/views.ts';
import { renderTeacherTargets, teacherCameras, type TeacherOptions, type TeacherViews } from './teacher.ts';

/** A teacher pixel counts as scene (not background) from this alpha on: it changes the 8-bit colour. */
export const SCENE_ALPHA = 1 / 255;

export interface PatchSize {
  width: number;
  height: number;
}

export interface PatchTeacherOptions extends TeacherOptions {
  /** Training patch size in pixels (clamped to the view size). */
  patch: PatchSize;
  /** Patch placement seed. */
  seed?: number;
}

/** The camera whose image is the window [x0, x0 + width) x [y0, y0 + height) of `camera`'s image. */
export function patchCamera(camera: Camera, x0: number, y0: number, width: number, height: number): Camera {
  if (
    !(Number.isInteger(x0) && Number.isInteger(y0) && x0 >= 0 && y0 >= 0) ||
    x0 + width > camera.width ||
    y0 + height > camera.height
  )
    throw new RangeError(
      `patch ${width}x${height} at (${x0}, ${y0}) is outside the ${camera.width}x${camera.height} view`,
    );
  const outer = camera.frame ?? { x0: 0, y0: 0, width: camera.width, height: camera.height };
  return {
    ...camera,
    width,
    height,
    cx: camera.cx - x0,
    cy: camera.cy - y0,
    frame: { x0: outer.x0 + x0, y0: outer.y0 + y0, width: outer.width, height: outer.height },
  };
}

/** The [height, width, channels] window of an [H, imageWidth, channels] image (CPU reference of the GPU crop). */
export function cropImage(
  image: Float32Array,
  imageWidth: number,
  x0: number,
  y0: number,
  width: number,
  height: number,
  channels = 3,
): Float32Array {
  const out = new Float32Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * imageWidth + x0) * channels;
    out.set(image.subarray(from, from + width * channels), y * width * channels);
  }
  return out;
}

/** Random patch origins, reproducible from (seed, iteration). */
export function patchOrigin(
  view: { width: number; height: number },
  patch: PatchSize,
  seed: number,
  iteration: number,
): { x0: number; y0: number } {
  const random = mulberry32((seed * 0x9e3779b1 + iteration * 0x85ebca6b) >>> 0);
  return {
    x0: Math.floor(random() * (view.width - patch.width + 1)),
    y0: Math.floor(random() * (view.height - patch.height + 1)),
  };
}

export interface PatchTeacherViews extends TeacherViews {
  patch: PatchSize;
  /** Seconds the teacher spent per full view (the CLI's estimate). */
  secondsPerView: number;
}

/**
 * Renders the teacher once per camera at full size (targets and alpha kept on the CPU, targets on the
 * GPU) and serves training patches of them through `sample` (a GPU crop, no render).
 */
export async function patchTeacherViews(
  gpu: GpuContext,
  scene: GaussianScene,
  o: PatchTeacherOptions,
): Promise<PatchTeacherViews> {
  const { device } = gpu;
  const { cameras, insideOut } = teacherCameras(scene, o);
  const split = holdoutSplit(cameras.length);
  const background = o.background ?? [0, 0, 0];
  const patch = { width: Math.min(o.patch.width, o.width), height: Math.min(o.patch.height, o.height) };
  if (
    !(Number.isInteger(patch.width) && Number.isInteger(patch.height) && patch.width > 0 && patch.height > 0)
  )
    throw new RangeError(`patch size must be positive integers, got ${o.patch.width}x${o.patch.height}`);
  const started = performance.now();
  const rendered = await renderTeacherTargets(gpu, scene, cameras, background, o.onView);
  const { targets, images } = rendered;
  const masks = rendered.alphas.map((alpha) => Uint8Array.from(alpha, (a) => (a >= SCENE_ALPHA ? 1 : 0)));
  const secondsPerView = (performance.now() - started) / 1000 / cameras.length;
  const crop = createStorage(device, patch.width * patch.height * 3, 'Teacher.patch');
  const seed = o.seed ?? 0;
  return {
    cameras,
    split,
    background,
    sceneExtent: cameraExtent(cameras).radius,
    image: (i) => images[i],
    target: (i) => targets[i],
    sceneMask: (i) => masks[i],
    sample(index: number, iteration: number): TrainingSample {
      const view = cameras[index];
      const { x0, y0 } = patchOrigin(view, patch, seed, iteration);
      // Row copies on the queue: ordered after the previous iteration's use of the same crop buffer.
      const encoder = device.createCommandEncoder({ label: 'Teacher.cropPatch' });
      const row = patch.width * 12;
      for (let y = 0; y < patch.height; y++)
        encoder.copyBufferToBuffer(targets[index], ((y0 + y) * view.width + x0) * 12, crop, y * row, row);
      device.queue.submit([encoder.finish()]);
      return { camera: patchCamera(view, x0, y0, patch.width, patch.height), target: crop };
    },
    destroy: () => {
      for (const t of targets) t.destroy();
      crop.destroy();
    },
    insideOut,
    patch,
    secondsPerView,
  };
}
