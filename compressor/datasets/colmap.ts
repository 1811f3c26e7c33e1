// COLMAP projects: <root>/sparse/0 (or <root>/sparse) with cameras, images, points3D in text (.txt)
// or binary (.bin) form, and the photos in <root>/images. Quaternions (qw qx qy qz) and translations
// are WORLD-TO-CAMERA with OpenCV axes, exactly our viewMatrix convention. Views are sorted by image
// name (as 3DGS) before the every-8th holdout. PINHOLE / SIMPLE_PINHOLE load as they are;
// SIMPLE_RADIAL / RADIAL / OPENCV are undistorted to a pinhole with the same intrinsics.
import { existsSync, statSync } from 'node:fs';
import { join, resolve, basename } from 'node:path';
import type { Camera } from '../../shared/math/camera.ts';
import type { Dataset, DatasetOptions, Rgb } from './dataset.ts';
import { cameraExtent, holdoutSplit } from './dataset.ts';
import { DatasetError } from './dataset-error.ts';
import { readImageSize } from './images.ts';
import { undistortImage, type Distortion } from './undistort.ts';
import { COLMAP_MODELS, type ColmapCamera, findColmapSparse, readColmapModel } from './colmap-model.ts';
import { makeImages, scaleCamera, targetSize, type ViewSource } from './view-images.ts';

/** World-to-camera column-major matrix from COLMAP's (qw, qx, qy, qz) and t. */
export function viewFromColmap(
  q: [number, number, number, number],
  t: [number, number, number],
): Float32Array {
  const l = Math.hypot(...q) || 1;
  const [w, x, y, z] = q.map((v) => v / l);
  const r = [
    [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
    [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
    [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
  ];
  const m = new Float32Array(16);
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) m[col * 4 + row] = r[row][col];
    m[12 + row] = t[row];
  }
  m[15] = 1;
  return m;
}

interface Intrinsics {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  distortion?: Distortion;
}

function intrinsics(camera: ColmapCamera, file: string, undistort: boolean): Intrinsics {
  const p = camera.params;
  const expected = COLMAP_MODELS.find((m) => m.name === camera.model)?.params;
  if (expected !== undefined && p.length !== expected)
    throw new DatasetError(
      file,
      `camera ${camera.id} (${camera.model}) has ${p.length} parameters, expected ${expected}`,
    );
  const distorted = (d: Distortion, k: Omit<Intrinsics, 'distortion'>): Intrinsics => {
    if (!undistort)
      throw new DatasetError(
        file,
        `camera ${camera.id} uses the distorted model ${camera.model} and undistortion is off: undistort the images first (colmap image_undistorter)`,
      );
    return { ...k, distortion: d };
  };
  switch (camera.model) {
    case 'SIMPLE_PINHOLE':
      return { fx: p[0], fy: p[0], cx: p[1], cy: p[2] };
    case 'PINHOLE':
      return { fx: p[0], fy: p[1], cx: p[2], cy: p[3] };
    case 'SIMPLE_RADIAL':
      return distorted(
        { model: 'SIMPLE_RADIAL', k1: p[3], k2: 0, p1: 0, p2: 0 },
        { fx: p[0], fy: p[0], cx: p[1], cy: p[2] },
      );
    case 'RADIAL':
      return distorted(
        { model: 'RADIAL', k1: p[3], k2: p[4], p1: 0, p2: 0 },
        { fx: p[0], fy: p[0], cx: p[1], cy: p[2] },
      );
    case 'OPENCV':
      return distorted(
        { model: 'OPENCV', k1: p[4], k2: p[5], p1: p[6], p2: p[7] },
        { fx: p[0], fy: p[1], cx: p[2], cy: p[3] },
      );
    default:
      throw new DatasetError(
        file,
        `camera ${camera.id} uses the unsupported model ${camera.model} (supported: PINHOLE, SIMPLE_PINHOLE, SIMPLE_RADIAL, RADIAL, OPENCV); undistort with colmap image_undistorter`,
      );
  }
}

export function loadColmap(path: string, options: DatasetOptions): Dataset {
  const sparse = findColmapSparse(path);
  if (!sparse) throw new DatasetError(path, 'no COLMAP sparse model (sparse/0/cameras.bin|txt)');
  // root: the folder holding images/ (two levels above sparse/0, one above sparse/)
  const candidates = [path, resolve(sparse, '..'), resolve(sparse, '..', '..')];
  const imagesDir = options.imagesDir ?? 'images';
  const root = candidates.find(
    (c) => existsSync(join(c, imagesDir)) && statSync(join(c, imagesDir)).isDirectory(),
  );
  if (!root) throw new DatasetError(path, `no "${imagesDir}" folder beside the sparse model`);
  const model = readColmapModel(sparse);
  const cameraFile = join(sparse, existsSync(join(sparse, 'cameras.bin')) ? 'cameras.bin' : 'cameras.txt');
  const imageFile = join(sparse, existsSync(join(sparse, 'images.bin')) ? 'images.bin' : 'images.txt');
  if (model.images.length === 0) throw new DatasetError(imageFile, 'no registered images');
  const images = [...model.images].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const background: Rgb = options.background ?? [0, 0, 0];
  const views: ViewSource[] = [];
  const cameras: Camera[] = [];
  for (const image of images) {
    const camera = model.cameras.get(image.cameraId);
    if (!camera)
      throw new DatasetError(
        imageFile,
        `image "${image.name}" refers to camera ${image.cameraId}, which ${basename(cameraFile)} does not define`,
      );
    const k = intrinsics(camera, cameraFile, options.undistort ?? true);
    const imagePath = join(root, imagesDir, image.name);
    if (!existsSync(imagePath))
      throw new DatasetError(
        imagePath,
        `registered image "${image.name}" is missing from ${join(root, imagesDir)}`,
      );
    const size = readImageSize(imagePath);
    if (size.width !== camera.width || size.height !== camera.height) {
      throw new DatasetError(
        imagePath,
        `image is ${size.width}x${size.height} but camera ${camera.id} is ${camera.width}x${camera.height}`,
      );
    }
    const pinhole = { width: camera.width, height: camera.height, fx: k.fx, fy: k.fy, cx: k.cx, cy: k.cy };
    const distortion = k.distortion;
    views.push({
      path: imagePath,
      width: camera.width,
      height: camera.height,
      undistort: distortion ? (rgb) => undistortImage(rgb, pinhole, distortion) : undefined,
    });
    const full: Camera = { ...pinhole, viewMatrix: viewFromColmap(image.q, image.t) };
    const target = targetSize(camera, options);
    cameras.push(scaleCamera(full, target.width, target.height));
  }
  const split = holdoutSplit(images.length, options.holdout ?? true);
  const extent = cameraExtent(split.train.map((i) => cameras[i]));
  return {
    kind: 'colmap',
    root,
    cameras,
    images: makeImages(views, background, options),
    names: images.map((i) => i.name),
    split,
    pointCloud: model.points,
    sceneExtent: extent.radius,
    sceneCenter: extent.center,
    background,
  };
}
