// NeRF / Blender datasets: `transforms.json`, or `transforms_train.json` (+ `transforms_test.json`).
// Intrinsics from camera_angle_x (and camera_angle_y, or fl_x/fl_y/cx/cy where given, top level or per
// frame); per-frame `transform_matrix` is camera-to-world with OpenGL axes (converted to OpenCV
// world-to-camera); `file_path` relative to the JSON, with or without extension. RGBA images are
// composited on white by default (the Blender convention). Frames whose image is absent are skipped with
// one warning (instant-ngp's own datasets list more frames than they ship), as the reference tools do.
// Lens distortion `k1 k2 k3 p1 p2` (OpenCV model, top level or per frame) is removed by resampling each
// image to the pinhole camera with the same fl_x, fl_y, cx, cy (undistort.ts). A `points3d.ply` beside
// the transforms is the initial point cloud (as in 3DGS).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Camera } from '../../shared/math/camera.ts';
import { focalFromFov, viewFromOpenGLCameraToWorld } from '../../shared/math/camera.ts';
import type { Dataset, DatasetOptions, Rgb } from './dataset.ts';
import { cameraExtent, holdoutSplit } from './dataset.ts';
import { DatasetError } from './dataset-error.ts';
import { readImageSize } from './images.ts';
import { readPointCloudPly } from './point-cloud-ply.ts';
import { distortionShift, undistortImage, type Distortion } from './undistort.ts';
import { makeImages, scaleCamera, targetSize, type ViewSource } from './view-images.ts';

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.PNG', '.JPG', '.JPEG'];

interface Frame {
  jsonPath: string;
  index: number;
  file: string;
  matrix: number[][];
  intrinsics: Record<string, unknown>;
}

function readJson(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new DatasetError(path, 'cannot be read');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DatasetError(path, `malformed JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new DatasetError(path, 'malformed transforms: the top level is not an object');
  return json as Record<string, unknown>;
}

function readFrames(path: string): Frame[] {
  const json = readJson(path);
  if (!Array.isArray(json.frames) || json.frames.length === 0)
    throw new DatasetError(path, 'malformed transforms: no "frames" array');
  return json.frames.map((f: unknown, index: number): Frame => {
    if (typeof f !== 'object' || f === null)
      throw new DatasetError(path, `malformed transforms: frame ${index} is not an object`);
    const frame = f as Record<string, unknown>;
    if (typeof frame.file_path !== 'string')
      throw new DatasetError(path, `malformed transforms: frame ${index} has no "file_path"`);
    const m = frame.transform_matrix;
    const ok =
      Array.isArray(m) &&
      m.length >= 3 &&
      m.every(
        (row) =>
          Array.isArray(row) &&
          row.length === 4 &&
          row.every((x) => typeof x === 'number' && Number.isFinite(x)),
      );
    if (!ok)
      throw new DatasetError(
        path,
        `malformed transforms: frame ${index} ("${frame.file_path}") has no 4x4 numeric "transform_matrix"`,
      );
    const matrix = (m as number[][]).slice(0, 4);
    if (matrix.length === 3) matrix.push([0, 0, 0, 1]);
    return { jsonPath: path, index, file: frame.file_path, matrix, intrinsics: { ...json, ...frame } };
  });
}

/** The frame's image file, or undefined when it is absent (with or without an added extension). */
function findImage(frame: Frame): string | undefined {
  const base = resolve(dirname(frame.jsonPath), frame.file);
  if (extname(base) && existsSync(base) && statSync(base).isFile()) return base;
  for (const ext of IMAGE_EXTENSIONS) if (existsSync(base + ext)) return base + ext;
  return undefined;
}

/** The frames that have an image; a warning for those that do not; an error when none remain. */
function framesWithImages(
  frames: Frame[],
  path: string,
  warnings: string[],
): { frame: Frame; image: string }[] {
  const found = frames.map((frame) => ({ frame, image: findImage(frame) }));
  const kept = found.filter((f): f is { frame: Frame; image: string } => f.image !== undefined);
  const missing = found.filter((f) => f.image === undefined);
  if (kept.length === 0)
    throw new DatasetError(
      path,
      `no usable frames: none of the ${frames.length} images exists (first: "${frames[0].file}" relative to ${dirname(path)})`,
    );
  if (missing.length > 0)
    warnings.push(
      `${path}: ${missing.length} of ${frames.length} frames have no image and are skipped (first: "${missing[0].frame.file}")`,
    );
  return kept;
}

/** OpenCV-model lens distortion from k1 k2 k3 p1 p2 (absent: 0); undefined when all are zero. */
function frameDistortion(k: Record<string, unknown>): Distortion | undefined {
  const d = {
    model: 'OPENCV' as const,
    k1: num(k, 'k1') ?? 0,
    k2: num(k, 'k2') ?? 0,
    k3: num(k, 'k3') ?? 0,
    p1: num(k, 'p1') ?? 0,
    p2: num(k, 'p2') ?? 0,
  };
  return d.k1 || d.k2 || d.k3 || d.p1 || d.p2 ? d : undefined;
}

function num(o: Record<string, unknown>, key: string): number | undefined {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function frameCamera(frame: Frame, width: number, height: number, imagePath: string): Camera {
  const k = frame.intrinsics;
  const jw = num(k, 'w'),
    jh = num(k, 'h');
  if ((jw !== undefined && jw !== width) || (jh !== undefined && jh !== height)) {
    throw new DatasetError(
      imagePath,
      `image is ${width}x${height} but ${basename(frame.jsonPath)} says w=${jw} h=${jh}`,
    );
  }
  const angleX = num(k, 'camera_angle_x');
  const angleY = num(k, 'camera_angle_y');
  const fx = num(k, 'fl_x') ?? (angleX !== undefined ? focalFromFov(angleX, width) : undefined);
  if (fx === undefined)
    throw new DatasetError(
      frame.jsonPath,
      'malformed transforms: neither "camera_angle_x" nor "fl_x" is given',
    );
  const fy = num(k, 'fl_y') ?? (angleY !== undefined ? focalFromFov(angleY, height) : fx);
  return {
    width,
    height,
    fx,
    fy,
    cx: num(k, 'cx') ?? width / 2,
    cy: num(k, 'cy') ?? height / 2,
    viewMatrix: viewFromOpenGLCameraToWorld(frame.matrix),
  };
}

export function loadBlender(path: string, options: DatasetOptions): Dataset {
  const isFile = statSync(path).isFile();
  const root = isFile ? dirname(path) : path;
  let trainFrames: Frame[];
  let testFrames: Frame[] = [];
  if (isFile) trainFrames = readFrames(path);
  else if (existsSync(join(root, 'transforms.json'))) trainFrames = readFrames(join(root, 'transforms.json'));
  else {
    trainFrames = readFrames(join(root, 'transforms_train.json'));
    if (existsSync(join(root, 'transforms_test.json')))
      testFrames = readFrames(join(root, 'transforms_test.json'));
  }
  const warnings: string[] = [];
  const jsonOf = (list: Frame[]) => list[0]?.jsonPath ?? path;
  const train = framesWithImages(trainFrames, jsonOf(trainFrames), warnings);
  const test = testFrames.length > 0 ? framesWithImages(testFrames, jsonOf(testFrames), warnings) : [];
  trainFrames = train.map((f) => f.frame);
  testFrames = test.map((f) => f.frame);
  const frames = [...train, ...test];
  const background: Rgb = options.background ?? [1, 1, 1];
  const views: ViewSource[] = [];
  const cameras: Camera[] = [];
  let maxShift = 0;
  for (const { frame, image: imagePath } of frames) {
    const size = readImageSize(imagePath);
    const camera = frameCamera(frame, size.width, size.height, imagePath);
    const distortion = frameDistortion(frame.intrinsics);
    if (distortion) maxShift = Math.max(maxShift, distortionShift(camera, distortion));
    views.push({
      path: imagePath,
      width: size.width,
      height: size.height,
      undistort: distortion ? (rgb) => undistortImage(rgb, camera, distortion) : undefined,
    });
    const target = targetSize(size, options);
    cameras.push(scaleCamera(camera, target.width, target.height));
  }
  if (maxShift > 0)
    warnings.push(
      `lens distortion (k1 k2 k3 p1 p2) removed from the images: up to ${maxShift.toFixed(1)} px at full size`,
    );
  // With a separate test file, its frames are the test views; otherwise every 8th frame.
  const holdout = options.holdout ?? true;
  const split =
    testFrames.length > 0
      ? holdout
        ? { train: trainFrames.map((_, i) => i), test: testFrames.map((_, i) => trainFrames.length + i) }
        : { train: frames.map((_, i) => i), test: [] }
      : holdoutSplit(frames.length, holdout);
  const extent = cameraExtent(split.train.map((i) => cameras[i]));
  return {
    kind: 'blender',
    root,
    cameras,
    images: makeImages(views, background, options),
    names: views.map((v) => basename(v.path)),
    warnings,
    split,
    // 3DGS's NeRF-synthetic loader initialises from points3d.ply beside the transforms when there is one.
    pointCloud: existsSync(join(root, 'points3d.ply'))
      ? readPointCloudPly(join(root, 'points3d.ply'))
      : undefined,
    sceneExtent: extent.radius,
    sceneCenter: extent.center,
    background,
  };
}
