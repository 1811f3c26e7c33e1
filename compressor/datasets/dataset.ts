// Multi-view training data: cameras (shared/math/camera.ts: world-to-camera, OpenCV axes), images
// ([H, W, 3] RGB float32 in [0, 1], composited on a background), the train/test split, an optional
// COLMAP point cloud for initialisation, and the scene extent 3DGS scales position learning rates by.
// This file is what every loader shares (the types and the split/extent helpers); load-dataset.ts picks
// the loader (blender.ts, colmap.ts).
import type { Camera, Vec3 } from '../../shared/math/camera.ts';
import { cameraPosition } from '../../shared/math/camera.ts';

export type Rgb = [number, number, number];

export interface DatasetOptions {
  /** Background for RGBA images; default white for Blender scenes, black for COLMAP (as 3DGS). */
  background?: Rgb;
  /** Integer downscale factor (area average), like 3DGS `--resolution 2|4|8`. */
  downscale?: number;
  /** Alternatively, a target width in pixels (height keeps the aspect ratio). */
  targetWidth?: number;
  /** Without downscale/targetWidth: images wider than this are scaled to it (3DGS: 1600). */
  maxWidth?: number;
  /** Hold out every 8th view (index % 8 == 0) for testing; default true. */
  holdout?: boolean;
  /**
   * 'eager' (default) decodes every image at load: W·H·3·4 bytes each (lego at 800x800: 7.7 MB a view,
   * 770 MB for 100). 'lazy' decodes on each `images.get(i)` and keeps nothing.
   */
  imageLoading?: 'eager' | 'lazy';
  /** COLMAP: folder of images relative to the project root (default 'images'). */
  imagesDir?: string;
  /** COLMAP: undistort SIMPLE_RADIAL / RADIAL / OPENCV cameras (default true); false rejects them. */
  undistort?: boolean;
}

/** Decoded images: `get(i)` returns [H, W, 3] RGB float32 matching cameras[i]. */
export interface DatasetImages {
  readonly count: number;
  /**
   * True when the photos have no transparent pixel (every image checked when eager, the first when lazy):
   * training then varies the background per iteration so the scene becomes opaque where the photos are.
   */
  readonly opaque: boolean;
  get(index: number): Float32Array;
}

export interface PointCloud {
  count: number;
  positions: Float32Array; // [N, 3]
  colors: Float32Array; // [N, 3] RGB in [0, 1]
}

export interface Dataset {
  kind: 'blender' | 'colmap';
  /** The folder the dataset was loaded from. */
  root: string;
  cameras: Camera[];
  images: DatasetImages;
  /** Image names (file names relative to their folder), one per camera. */
  names: string[];
  split: { train: number[]; test: number[] };
  pointCloud?: PointCloud;
  /** 3DGS `cameras_extent`: 1.1 × the largest distance of a training camera centre from their mean. */
  sceneExtent: number;
  /** Mean of the training camera centres. */
  sceneCenter: Vec3;
  background: Rgb;
  /** Things the loader worked around (skipped frames, removed lens distortion): one line each, for the user. */
  warnings?: string[];
}

/**
 * Dataset options from a 3DGS-style `--resolution` value: 1, 2, 4, 8 are downscale factors, any other
 * positive value a target width, and -1 (the default) caps the width at 1600 pixels.
 */
export function resolutionOptions(
  resolution = -1,
): Pick<DatasetOptions, 'downscale' | 'targetWidth' | 'maxWidth'> {
  if (resolution === -1) return { maxWidth: 1600 };
  if ([1, 2, 4, 8].includes(resolution)) return { downscale: resolution };
  if (Number.isInteger(resolution) && resolution > 0) return { targetWidth: resolution };
  throw new RangeError(`--resolution must be -1, 1, 2, 4, 8 or a width in pixels, got ${resolution}`);
}

/** The standard split: every 8th view (index % 8 == 0) is a test view, unless holdout is off. */
export function holdoutSplit(count: number, holdout = true): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < count; i++) (holdout && i % 8 === 0 ? test : train).push(i);
  return { train, test };
}

/** 3DGS getNerfppNorm: centre = mean camera centre, radius = 1.1 × max distance from it. */
export function cameraExtent(cameras: Camera[]): { center: Vec3; radius: number } {
  if (cameras.length === 0) return { center: [0, 0, 0], radius: 1 };
  const centers = cameras.map((c) => cameraPosition(c.viewMatrix));
  const center: Vec3 = [0, 0, 0];
  for (const p of centers) for (let a = 0; a < 3; a++) center[a] += p[a] / centers.length;
  let max = 0;
  for (const p of centers)
    max = Math.max(max, Math.hypot(p[0] - center[0], p[1] - center[1], p[2] - center[2]));
  // A single camera (or all at one point) has no spread: 3DGS would return 0.1 (1.1 * 0 + tiny); keep it positive.
  return { center, radius: Math.max(1.1 * max, 1e-6) };
}
