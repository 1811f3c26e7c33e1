// Generates the demo dataset: ray-traced RGBA views of the demo scene in the NeRF/Blender layout
// (transforms_train.json / transforms_val.json / transforms_test.json, ./train/r_<i>.png, ...), plus
// points3d.ply (an initial point cloud on the surfaces) and demo-scene.json (the parameters, so a
// caller can tell whether an existing folder is up to date). Written to a temporary folder beside the
// target and renamed into place: a failure never leaves a half-written dataset.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PNG } from 'pngjs';
import { orbitPoses } from './cameras.ts';
import { pointCloudPly } from './ply.ts';
import type { PinholeView } from './raytrace.ts';
import { renderView } from './raytrace.ts';
import { runRenderWorker } from './render-worker-client.ts';
import { Rng } from './rng.ts';
import { buildDemoScene } from './scene.ts';
import { sampleSurfaces } from './surface-samples.ts';

/** Bumped whenever the output for given parameters changes, so cached datasets are regenerated. */
export const DEMO_GENERATOR_VERSION = 2;
/** Name of the parameter stamp written into every dataset folder. */
export const DEMO_STAMP_FILE = 'demo-scene.json';

export interface DemoDatasetOptions {
  /** Total number of views; every `testEvery`-th (index 0, 8, 16, ...) goes to the test split. Default 50. */
  views?: number;
  /** Image width and height in pixels. Default 128. */
  size?: number;
  seed?: number;
  /** Anti-aliasing samples per pixel (rounded up to a square). Default 4. */
  spp?: number;
  /** Points in points3d.ply (0: no points3d.ply, for callers that initialise otherwise). Default 3,000. */
  points?: number;
  testEvery?: number;
}

export type ResolvedDemoOptions = Required<DemoDatasetOptions>;

export function resolveDemoOptions(options: DemoDatasetOptions = {}): ResolvedDemoOptions {
  const o: ResolvedDemoOptions = {
    views: options.views ?? 50,
    size: options.size ?? 128,
    seed: options.seed ?? 1,
    spp: options.spp ?? 4,
    points: options.points ?? 3000,
    testEvery: options.testEvery ?? 8,
  };
  const check = (name: string, value: number, min: number, max: number): void => {
    if (!Number.isInteger(value) || value < min || value > max)
      throw new RangeError(`demo scene: --${name} must be an integer in [${min}, ${max}], got ${value}`);
  };
  check('views', o.views, 2, 1000);
  check('size', o.size, 4, 4096);
  check('seed', o.seed, 0, 2 ** 31 - 1);
  check('spp', o.spp, 1, 256);
  check('points', o.points, 0, 1_000_000);
  check('test-every', o.testEvery, 2, 1000);
  return o;
}

/** Horizontal field of view of every camera, radians (a little wider than Blender's 0.6911 so the whole disc fits). */
export const DEMO_CAMERA_ANGLE_X = 0.8;
/** Camera distance from the scene centre, world units (the NeRF synthetic scenes use ~4.03). */
export const DEMO_CAMERA_RADIUS = 4.0;

export interface NerfFrame {
  file_path: string;
  rotation: number;
  transform_matrix: number[][];
}
export interface NerfTransforms {
  camera_angle_x: number;
  frames: NerfFrame[];
}

export interface DemoDataset {
  options: ResolvedDemoOptions;
  train: NerfTransforms;
  test: NerfTransforms;
  /** Relative path (e.g. `train/r_0.png`) -> PNG bytes. */
  images: Map<string, Uint8Array>;
  /** Absent when `points` is 0. */
  pointsPly?: Uint8Array;
  /** Threads the views were rendered on. */
  threads: number;
}

export interface DemoProgress {
  view: number; // views rendered so far
  views: number;
}

/** Everything a view's render depends on: any thread can render any view from it, byte for byte. */
export interface DemoViewPlan {
  options: ResolvedDemoOptions;
  /** Camera-to-world of every view (NeRF `transform_matrix`). */
  poses: number[][][];
  focal: number;
}

export function planDemoViews(options: DemoDatasetOptions = {}): DemoViewPlan {
  const o = resolveDemoOptions(options);
  const poses = orbitPoses(
    {
      count: o.views,
      target: buildDemoScene(o.seed).centre,
      radius: DEMO_CAMERA_RADIUS,
      minElevation: (12 * Math.PI) / 180,
      maxElevation: (70 * Math.PI) / 180,
    },
    new Rng(o.seed).fork(0),
  );
  return { options: o, poses, focal: o.size / (2 * Math.tan(DEMO_CAMERA_ANGLE_X / 2)) };
}

/** Ray-traces view `i` of the plan and encodes it as an RGBA PNG (each view has its own random stream). */
export function renderDemoViewPng(
  plan: DemoViewPlan,
  i: number,
  scene = buildDemoScene(plan.options.seed),
): Uint8Array {
  const { size, spp, seed } = plan.options;
  const view: PinholeView = { width: size, height: size, focal: plan.focal, cameraToWorld: plan.poses[i] };
  const png = new PNG({ width: size, height: size });
  png.data.set(renderView(scene, view, spp, new Rng(seed).fork(1000 + i)));
  return new Uint8Array(PNG.sync.write(png, { colorType: 6, deflateLevel: 9 }));
}

/** Assembles the dataset from the views' PNGs (index i = view i): the splits, file names and point cloud. */
function assembleDataset(plan: DemoViewPlan, pngs: Uint8Array[], threads: number): DemoDataset {
  const o = plan.options;
  const train: NerfTransforms = { camera_angle_x: DEMO_CAMERA_ANGLE_X, frames: [] };
  const test: NerfTransforms = { camera_angle_x: DEMO_CAMERA_ANGLE_X, frames: [] };
  const images = new Map<string, Uint8Array>();
  for (let i = 0; i < o.views; i++) {
    const split = i % o.testEvery === 0 ? test : train;
    const name = `r_${split.frames.length}`;
    const folder = split === test ? 'test' : 'train';
    split.frames.push({ file_path: `./${folder}/${name}`, rotation: 0, transform_matrix: plan.poses[i] });
    images.set(`${folder}/${name}.png`, pngs[i]);
  }
  const pointsPly =
    o.points > 0
      ? pointCloudPly(sampleSurfaces(buildDemoScene(o.seed), o.points, new Rng(o.seed).fork(1)))
      : undefined;
  return { options: o, train, test, images, pointsPly, threads };
}

/** Renders everything in memory, on this thread. */
export function renderDemoDataset(
  options: DemoDatasetOptions = {},
  onProgress?: (p: DemoProgress) => void,
): DemoDataset {
  const plan = planDemoViews(options);
  const scene = buildDemoScene(plan.options.seed);
  const pngs: Uint8Array[] = [];
  for (let i = 0; i < plan.options.views; i++) {
    pngs.push(renderDemoViewPng(plan, i, scene));
    onProgress?.({ view: i + 1, views: plan.options.views });
  }
  return assembleDataset(plan, pngs, 1);
}

/**
 * renderDemoDataset on `threads` worker threads (views split between them; the same bytes). Falls back to
 * this thread when the worker module is not beside this one (a bundled build) or `threads` is 1.
 */
export async function renderDemoDatasetParallel(
  options: DemoDatasetOptions,
  threads: number,
  onProgress?: (p: DemoProgress) => void,
): Promise<DemoDataset> {
  const workerUrl = new URL('./render-worker.ts', import.meta.url);
  if (threads <= 1 || !existsSync(workerUrl)) return renderDemoDataset(options, onProgress);
  const plan = planDemoViews(options);
  const views = plan.options.views;
  const pngs: Uint8Array[] = new Array(views);
  let done = 0;
  const count = Math.min(threads, views);
  const workers = Array.from({ length: count }, (_, k) => {
    const indices = Array.from({ length: Math.ceil((views - k) / count) }, (_, j) => k + j * count);
    return runRenderWorker(workerUrl, { plan, indices }, (i, png) => {
      pngs[i] = png;
      onProgress?.({ view: ++done, views });
    });
  });
  try {
    await Promise.all(workers.map((w) => w.done));
  } catch {
    // A worker could not start or failed (e.g. no TypeScript hooks in it): the same bytes, on this thread.
    await Promise.all(workers.map((w) => w.worker.terminate()));
    return renderDemoDataset(options, onProgress);
  }
  return assembleDataset(plan, pngs, count);
}

/** True when `dir` holds a complete dataset generated with exactly these options by this generator version. */
export function isDemoDatasetCurrent(dir: string, options: DemoDatasetOptions = {}): boolean {
  const stampPath = join(dir, DEMO_STAMP_FILE);
  if (!existsSync(stampPath) || !existsSync(join(dir, 'transforms_train.json'))) return false;
  try {
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as {
      version?: number;
      options?: ResolvedDemoOptions;
    };
    return (
      stamp.version === DEMO_GENERATOR_VERSION &&
      JSON.stringify(stamp.options) === JSON.stringify(resolveDemoOptions(options))
    );
  } catch {
    return false;
  }
}

/**
 * Renders (on `threads` threads) and writes the dataset to `dir`. An existing `dir` is replaced only if it is empty or a
 * previous demo dataset (it has demo-scene.json); anything else is refused, so a typo never deletes data.
 */
export async function writeDemoDataset(
  dir: string,
  options: DemoDatasetOptions = {},
  onProgress?: (p: DemoProgress) => void,
  threads = 1,
): Promise<DemoDataset> {
  if (existsSync(dir)) {
    const entries = await readdir(dir);
    if (entries.length > 0 && !entries.includes(DEMO_STAMP_FILE)) {
      throw new Error(
        `${dir} exists and is not a demo dataset (no ${DEMO_STAMP_FILE}); refusing to overwrite it`,
      );
    }
  }
  const dataset = await renderDemoDatasetParallel(options, threads, onProgress);
  const temp = join(dirname(dir), `.${basename(dir)}.${process.pid}.tmp`);
  await rm(temp, { recursive: true, force: true });
  try {
    await mkdir(join(temp, 'train'), { recursive: true });
    await mkdir(join(temp, 'test'), { recursive: true });
    for (const [path, png] of dataset.images) await writeFile(join(temp, path), png);
    const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
    await writeFile(join(temp, 'transforms_train.json'), json(dataset.train));
    await writeFile(join(temp, 'transforms_test.json'), json(dataset.test));
    // Blender scenes also ship a validation split; loaders that expect it get the test views.
    await writeFile(join(temp, 'transforms_val.json'), json(dataset.test));
    if (dataset.pointsPly) await writeFile(join(temp, 'points3d.ply'), dataset.pointsPly);
    await writeFile(
      join(temp, DEMO_STAMP_FILE),
      json({
        generator: 'gs-scene demo-scene',
        version: DEMO_GENERATOR_VERSION,
        options: dataset.options,
        up: [0, 0, 1],
      }),
    );
    await rm(dir, { recursive: true, force: true });
    await rename(temp, dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  return dataset;
}
