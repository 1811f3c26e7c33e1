// Mode (c), a trained scene and no photos: the input scene is the teacher. Its renders from cameras
// sampled around it are the training targets of a student initialised from the same Gaussians, which
// then goes through natural selection and fine-tuning like a photo-trained scene.
//
// Cameras (documented choice):
// - Orbit views: elevations spread over [-30°, 75°] around the world up (the capture's up, default -Y
//   as INRIA/COLMAP scenes), azimuths on the golden angle, each framing the 2nd-98th percentile box of
//   the centres (robust to floaters) at the given field of view. Objects and small scenes are seen from
//   every side they were captured from; below -30° is rarely captured and mostly shows floaters.
// - Inside-out views, for large scenes (rooms, unbounded captures, whose content surrounds the capture
//   point): a third of the views are placed near the robust centre (within a quarter of the robust
//   radius) looking outwards along Fibonacci-sphere directions with a 90° field of view. "Large" (auto):
//   the 0.5-99.5th percentile box is over 4x the 10-90th percentile box, i.e. much of the scene is far
//   from its core, which orbit views would only see from behind.
// Every 8th view (index % 8 == 0) is held out for evaluation, like the photo datasets.
// Training-only views (`trainViews`): the teacher can be rendered from any camera, so the student need not
// fit a few fixed views. A second camera set, offset by half a step in elevation and azimuth (never on a
// held-out camera), is appended to the training split; the held-out views stay those of `views`.
import { lookAt, focalFromFov, type Camera, type Vec3 } from '../../shared/math/camera.ts';
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import type { GpuContext } from '../gpu/device.ts';
import { cameraExtent, holdoutSplit, type Rgb } from '../datasets/dataset.ts';
import { GaussianRasterizer } from '../render/gaussian-rasterizer.ts';
import { uploadChunks } from '../render/param-chunks.ts';
import { DEFAULT_UP, orbitCamera, robustBounds } from '../render/default-camera.ts';
import { createStorage, readFloats } from './gpu-buffers.ts';
import type { TrainingViews } from './loop/views.ts';

export interface TeacherOptions {
  /** Number of views (train + held out). Default 64. */
  views?: number;
  /** Extra views used for training only (a second, offset camera set). Default 0. */
  trainViews?: number;
  width: number;
  height: number;
  /** Horizontal field of view of orbit views, degrees. Default 50. */
  fovDegrees?: number;
  up?: Vec3;
  /** Add inside-out views: true, false, or 'auto' (default) by the spread test above. */
  insideOut?: boolean | 'auto';
  background?: Rgb;
  /** Called after each view is rendered (the CLI's progress: minutes on a CPU-emulated GPU). */
  onView?: (done: number, total: number) => void;
}

export interface TeacherViews extends TrainingViews {
  insideOut: boolean;
}

/** True when the scene's outer Gaussians lie far beyond its core (rooms, unbounded captures). */
export function looksLarge(scene: GaussianScene): boolean {
  const outer = robustBounds(scene.positions, scene.count, 0.005, 0.995).radius;
  const core = robustBounds(scene.positions, scene.count, 0.1, 0.9).radius;
  return outer > 4 * core;
}

/** The teacher's cameras (see the file comment). */
export function teacherCameras(
  scene: GaussianScene,
  o: TeacherOptions,
): { cameras: Camera[]; insideOut: boolean } {
  const total = o.views ?? 64;
  if (!Number.isInteger(total) || total < 2)
    throw new RangeError(`teacher views must be an integer >= 2, got ${total}`);
  const insideOut = o.insideOut === 'auto' || o.insideOut === undefined ? looksLarge(scene) : o.insideOut;
  return { cameras: cameraSet(scene, o, total, insideOut, 0), insideOut };
}

/** The training-only cameras (`trainViews`): the same distribution as teacherCameras, offset by half a step. */
export function teacherTrainCameras(scene: GaussianScene, o: TeacherOptions, insideOut: boolean): Camera[] {
  const total = o.trainViews ?? 0;
  if (!Number.isInteger(total) || total < 0)
    throw new RangeError(`teacher training views must be an integer >= 0, got ${total}`);
  return total === 0 ? [] : cameraSet(scene, o, total, insideOut, 0.5);
}

/** `total` cameras; `phase` in [0, 1) shifts every elevation, azimuth and direction by that part of a step. */
function cameraSet(
  scene: GaussianScene,
  o: TeacherOptions,
  total: number,
  insideOut: boolean,
  phase: number,
): Camera[] {
  const inner = insideOut ? Math.floor(total / 3) : 0;
  const orbit = total - inner;
  const bounds = robustBounds(scene.positions, scene.count);
  const up = o.up ?? DEFAULT_UP;
  const golden = 180 * (3 - Math.sqrt(5)); // degrees
  const cameras: Camera[] = [];
  for (let i = 0; i < orbit; i++) {
    const t = orbit === 1 ? 0.5 : phase === 0 ? i / (orbit - 1) : (i + phase) / orbit;
    cameras.push(
      orbitCamera(bounds, {
        width: o.width,
        height: o.height,
        fovDegrees: o.fovDegrees ?? 50,
        up,
        elevationDegrees: -30 + 105 * t,
        azimuthDegrees: (i + phase) * golden,
      }),
    );
  }
  const fx = focalFromFov(Math.PI / 2, o.width);
  for (let i = 0; i < inner; i++) {
    // Fibonacci sphere directions; eyes jittered deterministically inside the core.
    const z = 1 - (2 * (i + 0.5)) / inner;
    const r = Math.sqrt(1 - z * z);
    const phi = ((i + phase) * golden * Math.PI) / 180;
    const dir: Vec3 = [r * Math.cos(phi), z, r * Math.sin(phi)];
    const jitter = 0.25 * bounds.radius;
    const eye: Vec3 = [0, 1, 2].map(
      (a) => bounds.centre[a] + jitter * Math.sin(7.1 * (i + 1) * (a + 1)),
    ) as Vec3;
    const target: Vec3 = [eye[0] + dir[0], eye[1] + dir[1], eye[2] + dir[2]];
    const d = Math.abs(dir[0] * up[0] + dir[1] * up[1] + dir[2] * up[2]) / Math.hypot(...up);
    const camUp: Vec3 = d > 0.95 ? [1, 0, 0] : up;
    cameras.push({
      width: o.width,
      height: o.height,
      fx,
      fy: fx,
      cx: o.width / 2,
      cy: o.height / 2,
      viewMatrix: lookAt(eye, target, camUp),
    });
  }
  // Interleave so every 8th (held-out) view samples both kinds.
  return interleave(cameras.slice(0, orbit), cameras.slice(orbit));
}

function interleave(a: Camera[], b: Camera[]): Camera[] {
  if (b.length === 0) return a;
  const out: Camera[] = [];
  const ratio = a.length / b.length;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    out.push(a[i]);
    while (j < b.length && (j + 1) * ratio <= i + 1) out.push(b[j++]);
  }
  while (j < b.length) out.push(b[j++]);
  return out;
}

/** What renderTeacherTargets returns: per camera, the GPU target, its CPU copy and its alpha. */
export interface TeacherTargets {
  targets: GPUBuffer[];
  /** [H, W, 3] in [0, 1]. */
  images: Float32Array[];
  /** [H, W] accumulated opacity. */
  alphas: Float32Array[];
}

/**
 * Renders the teacher from each camera once: targets on the GPU (clamped to [0, 1] like a photo, as the
 * evaluation clamps renders), copies and alpha on the CPU. Parameters go up in chunks under the binding
 * limit (a whole 6M SH3 scene is over 1 GiB packed).
 */
export async function renderTeacherTargets(
  gpu: GpuContext,
  scene: GaussianScene,
  cameras: readonly Camera[],
  background: Rgb,
  onView?: (done: number, total: number) => void,
): Promise<TeacherTargets> {
  const { device } = gpu;
  GaussianRasterizer.assertFits(device, scene.count, 'teacher views');
  const chunks = uploadChunks(device, scene, 'Teacher.params');
  const rasterizer = new GaussianRasterizer(device);
  const result: TeacherTargets = { targets: [], images: [], alphas: [] };
  try {
    for (const camera of cameras) {
      const out = await rasterizer.forward({ chunks, camera, background, antialiased: scene.antialiased });
      const pixels = camera.width * camera.height;
      const image = Float32Array.from(await readFloats(device, out.image, pixels * 3), (v) =>
        v < 0 ? 0 : Math.min(v, 1),
      );
      result.images.push(image);
      result.alphas.push(await readFloats(device, out.alpha, pixels));
      result.targets.push(createStorage(device, image, 'Teacher.target'));
      onView?.(result.images.length, cameras.length);
    }
    gpu.check();
  } finally {
    rasterizer.destroy();
    for (const chunk of chunks) chunk.buffer.destroy();
  }
  return result;
}

/** Renders the teacher from every camera once; targets stay on the GPU, copies on the CPU for evaluation. */
export async function teacherViews(
  gpu: GpuContext,
  scene: GaussianScene,
  o: TeacherOptions,
): Promise<TeacherViews> {
  const { cameras: evaluated, insideOut } = teacherCameras(scene, o);
  const extra = teacherTrainCameras(scene, o, insideOut);
  const cameras = [...evaluated, ...extra];
  const split = holdoutSplit(evaluated.length);
  for (let i = evaluated.length; i < cameras.length; i++) split.train.push(i);
  const background = o.background ?? [0, 0, 0];
  const { targets, images } = await renderTeacherTargets(gpu, scene, cameras, background, o.onView);
  return {
    cameras,
    split,
    background,
    // The evaluated set alone: training-only views (same distribution) leave the learning rates as they were.
    sceneExtent: cameraExtent(evaluated).radius,
    image: (i) => images[i],
    target: (i) => targets[i],
    destroy: () => {
      for (const t of targets) t.destroy();
    },
    insideOut,
  };
}
