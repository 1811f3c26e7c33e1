// `gs-compress compress`, first part of execution: the training inputs of a plan: photos (modes a, b) or
// teacher renders of the input scene (mode c) as training views, the initial Gaussians, the scene's up
// and background, and what the output's size is compared with.
import { stat } from 'node:fs/promises';
import type { Vec3 } from '../../../shared/math/camera.ts';
import type { GaussianScene } from '../../../shared/scene/gaussian-scene.ts';
import type { Dataset } from '../../datasets/dataset.ts';
import { DatasetError } from '../../datasets/dataset-error.ts';
import { loadDataset } from '../../datasets/load-dataset.ts';
import { inferUp } from '../../datasets/up-axis.ts';
import { readScene } from '../../io/read-scene.ts';
import { SceneReadError } from '../../io/scene-read-error.ts';
import { randomPointCloud, sceneFromPoints } from '../../train/init-scene.ts';
import { teacherViews } from '../../train/teacher.ts';
import { datasetViews, type TrainingViews } from '../../train/loop/views.ts';
import { CliError } from '../command.ts';
import { storedView } from '../stored-view.ts';
import type { CompressPlan } from './compress-plan.ts';
import { plannedIterations } from '../../train/trainer.ts';
import { planModeC } from '../mode-c-views.ts';

export interface CompressInputs {
  views: TrainingViews;
  initial: GaussianScene;
  up: { vector: Vec3; source: string };
  background: Vec3 | undefined;
  /** Bytes the output is compared with (mode a: filled in after training), and what they are. */
  inputBytes: number;
  inputLabel: string;
}

/** How execution reports: a message line, and a stage timed into the summary. */
export interface StageReporter {
  say: (message: string) => void;
  timed: <T>(stage: string, f: () => Promise<T> | T) => Promise<T>;
}

/** `report(done, total)` at most every 2 s, and always for the last one. */
function throttled(report: (done: number, total: number) => void): (done: number, total: number) => void {
  let last = performance.now();
  return (done, total) => {
    const now = performance.now();
    if (done < total && now - last < 2000) return;
    last = now;
    report(done, total);
  };
}

/** Loads the photos or renders the teacher; dataset and scene errors become CliErrors naming the file. */
export async function loadCompressInputs(plan: CompressPlan, r: StageReporter): Promise<CompressInputs> {
  try {
    return plan.photos ? await fromPhotos(plan, r) : await fromScene(plan, r);
  } catch (error) {
    if (error instanceof DatasetError || error instanceof SceneReadError) throw new CliError(error.message);
    throw error;
  }
}

async function fromPhotos(plan: CompressPlan, { say, timed }: StageReporter): Promise<CompressInputs> {
  const { request, gpu } = plan;
  const { datasetPath, load } = plan.photos!;
  say(
    `loading photos from ${datasetPath} (${request.resolution === undefined ? `width <= ${load.maxWidth}` : `--resolution ${request.resolution}`})`,
  );
  const ds: Dataset = await timed('load', () => loadDataset(datasetPath, load));
  for (const warning of ds.warnings ?? []) say(`warning: ${warning}`);
  const views = datasetViews(gpu.device, ds);
  let up = request.up
    ? { vector: request.up, source: '--up' }
    : { vector: [0, -1, 0] as Vec3, source: 'INRIA/COLMAP convention' };
  if (!request.up) {
    const inferred = inferUp(ds.cameras, ds.kind);
    up = {
      vector: inferred.up,
      source:
        inferred.source === 'cameras'
          ? 'the cameras'
          : `${ds.kind === 'blender' ? 'NeRF/Blender' : 'COLMAP'} convention`,
    };
  }
  const { width, height } = ds.cameras[0];
  say(
    `${ds.cameras.length} views (${ds.split.train.length} train, ${ds.split.test.length} held out), ${width}x${height}`,
  );
  if (request.mode === 'a') {
    const points = ds.pointCloud ?? randomPointCloud(plan.photos!.initPoints, 1.3, request.seed);
    const initial = sceneFromPoints(points, request.shDegree ?? 3);
    say(
      `initial Gaussians: ${initial.count.toLocaleString('en-US')} (${ds.pointCloud ? 'COLMAP points' : 'random points in [-1.3, 1.3]^3'})`,
    );
    return {
      views,
      initial,
      up,
      background: ds.background,
      inputBytes: 0,
      inputLabel: 'float PLY of the dense scene',
    };
  }
  const initial = await timed('read', () => readScene(request.inputPath));
  const inputBytes = (await stat(request.inputPath)).size;
  return { views, initial, up, background: ds.background, inputBytes, inputLabel: request.input };
}

async function fromScene(plan: CompressPlan, { say, timed }: StageReporter): Promise<CompressInputs> {
  const { request, gpu } = plan;
  const initial = await timed('read', () => readScene(request.inputPath));
  const inputBytes = (await stat(request.inputPath)).size;
  const stored = await storedView(request.inputPath);
  let up = request.up
    ? { vector: request.up, source: '--up' }
    : { vector: [0, -1, 0] as Vec3, source: 'INRIA/COLMAP convention' };
  if (!request.up && stored.up) up = { vector: stored.up, source: `${request.input}'s header` };
  const background = stored.background;
  if (plan.patchTeacher) {
    const p = plan.patchTeacher;
    const { budget } = request;
    const planned = await timed('teacher', () =>
      planModeC(gpu, initial, {
        ...p,
        iterations: plan.iterations,
        budget: 'count' in budget ? budget.count : Math.max(1, Math.round(budget.fraction * initial.count)),
        up: up.vector,
        background,
        seed: request.seed,
        timeLimit: request.timeLimit,
        started: request.started,
        say,
      }),
    );
    // The estimate may have cut the iterations to fit --time-limit.
    plan.iterations = planned.iterations;
    plan.totalIterations = plannedIterations(plan.trainMode, planned.iterations);
    plan.deadline = planned.deadline;
    const v = planned.views;
    say(
      `teacher views: ${v.cameras[0].width}x${v.cameras[0].height} ${v.insideOut ? 'orbit + inside-out (large scene)' : 'orbit'}, ${v.split.train.length} train, ${v.split.test.length} held out; training patches ${v.patch.width}x${v.patch.height}`,
    );
    return { views: v, initial, up, background, inputBytes, inputLabel: request.input };
  }
  const { size, views: count, trainViews } = plan.teacher!;
  say(
    `teacher: rendering ${count + trainViews} views of ${initial.count.toLocaleString('en-US')} Gaussians at ${size}x${size}`,
  );
  const teacher = await timed('teacher', () =>
    teacherViews(gpu, initial, {
      onView: throttled((done, total) => say(`teacher: ${done}/${total} views rendered`)),
      views: count,
      trainViews,
      width: size,
      height: size,
      up: up.vector,
      background,
    }),
  );
  say(
    `teacher views: orbit${teacher.insideOut ? ' + inside-out (large scene)' : ''}, ${teacher.split.train.length} train, ${teacher.split.test.length} held out`,
  );
  return { views: teacher, initial, up, background, inputBytes, inputLabel: request.input };
}
