// `gs-compress <input> -o scene.gsz`: the whole pipeline. Photos -> dense training -> natural selection to
// a budget -> fine-tune -> .gsz; or a trained scene (+ its photos, or alone with teacher renders as
// targets) -> selection -> fine-tune -> .gsz. Prints progress per stage and a closing summary (counts,
// held-out PSNR/SSIM, bytes and ratio, time per stage); every output is written atomically at the end.
import { existsSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  sigmoid,
  shRestCount,
  type GaussianScene,
  type ShDegree,
} from '../../../shared/scene/gaussian-scene.ts';
import { resolutionOptions, type Dataset } from '../../datasets/dataset.ts';
import { DatasetError } from '../../datasets/dataset-error.ts';
import { loadDataset } from '../../datasets/load-dataset.ts';
import { findColmapSparse } from '../../datasets/colmap.ts';
import { inferUp } from '../../datasets/up-axis.ts';
import type { Vec3 } from '../../../shared/math/camera.ts';
import { getGpu, type GpuContext } from '../../gpu/device.ts';
import { readScene, SUPPORTED_FORMATS } from '../../io/read-scene.ts';
import { SceneReadError } from '../../io/scene-read-error.ts';
import { encodeGsz, GszValueError } from '../../pack/gsz-encoder.ts';
import { encodePng } from '../../render/png.ts';
import { rasterization } from '../../render/rasterization.ts';
import { formatTable, trainingReport } from '../../train/report.ts';
import { randomPointCloud, sceneFromPoints } from '../../train/init-scene.ts';
import { TrainingProgress } from '../../train/progress.ts';
import { teacherViews } from '../../train/teacher.ts';
import {
  ALL_ARMS,
  plannedIterations,
  trainScene,
  TrainError,
  type Arm,
  type Budget,
  type TrainMode,
} from '../../train/trainer.ts';
import { datasetViews, type TrainingViews } from '../../train/loop/views.ts';
import type { CliCommand } from '../command.ts';
import { CliError, EXIT } from '../command.ts';
import { numberOption, parseCommandArgs, shDegreeOption } from '../args.ts';
import { storedView } from '../stored-view.ts';
import { verifyGsz } from '../verify-gsz.ts';
import { upOption } from '../view-options.ts';
import { checkOutput, writeFileAtomic } from '../write-atomic.ts';

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

const HELP = `Usage: gs-compress compress INPUT -o OUTPUT.gsz [options]

Trains or refines a Gaussian scene with natural selection (gradient-driven pruning to an exact budget)
and packs it into a streaming .gsz file.

INPUT is one of:
  a photo dataset folder (NeRF/Blender transforms*.json, or COLMAP sparse/0 + images/)
        (a) dense training with densification -> natural selection -> fine-tune
  a trained scene (${SUPPORTED_FORMATS}) with --images DATASET
        (b) selection + fine-tune against the photos (the scene must be in the dataset's frame)
  a trained scene alone
        (c) selection + fine-tune against the scene's own renders from orbit views (the teacher);
            held-out orbit views measure how close the result stays to the input

Options:
  -o, --output FILE       the .gsz to write
      --budget B          Gaussians to keep: a fraction in (0, 1] of the count at selection start
                          (photos: the dense count; scenes: the input count) or a count > 1 (default 0.15)
      --images DIR        photos for mode (b)
      --iterations N      training iterations (default ${SOFTWARE_DEFAULTS.iterations} on a CPU-emulated GPU, ${HARDWARE_DEFAULTS.iterations} on a GPU)
      --resolution R      photos: 1|2|4|8 downscale or a width in pixels; -1 caps at 1600
                          (default: wider images scaled to ${SOFTWARE_DEFAULTS.resolution} on a CPU-emulated GPU, 1600 on a GPU);
                          mode (c): teacher image size R x R
      --sh-degree D       highest SH degree trained and packed (0-3; default 3, or the input's)
      --views N           mode (c): teacher views, every 8th held out (default ${SOFTWARE_DEFAULTS.teacherViews} / ${HARDWARE_DEFAULTS.teacherViews})
      --train-views N     mode (c): more teacher views for training only, offset from those
                          (default ${SOFTWARE_DEFAULTS.teacherTrainViews} / ${HARDWARE_DEFAULTS.teacherTrainViews}; playbot at 96x96: +1.9 dB on held-out views)
      --up x,y,z          the scene's up, stored in the .gsz (viewers orient by it) and used for mode (c)'s
                          teacher orbits; default: photos: the mean of the cameras' up vectors (snapped
                          to an axis within 10 degrees), else NeRF/Blender +Z, COLMAP -Y; a scene: a .gsz's
                          own up, else 0,-1,0 (INRIA/COLMAP)
      --init-points N     photos without a point cloud: random initial points (default ${SOFTWARE_DEFAULTS.initPoints} / ${HARDWARE_DEFAULTS.initPoints})
      --dense-target N    photos with a fraction budget: densification's count target (default ${SOFTWARE_DEFAULTS.denseTarget} / ${HARDWARE_DEFAULTS.denseTarget})
      --arms LIST         also train baselines from the same dense phase, e.g. dense,opacity,importance,natural-selection
                          (the .gsz holds the last arm)
      --preview FILE.png  render the result from the first held-out view
      --report FILE.json  write the evaluation report
      --json              machine-readable progress (JSON lines) and summary on stdout
      --seed N            view order and sampling seed (default 0)
  -h, --help

Examples:
  gs-compress compress ../data/lego -o lego.gsz --budget 0.15 --resolution 200
  gs-compress compress scene.ply -o scene.gsz --budget 100000 --preview scene.png
  gs-compress compress scene.ply --images ../data/garden -o garden.gsz --iterations 5000`;

/** A positive (by default) integer option, or undefined when absent. */
function positive(
  values: Record<string, unknown>,
  name: string,
  integer = true,
  min = 1,
): number | undefined {
  return numberOption(values[name] as string | undefined, name, min, Infinity, integer);
}

/** `0.15` -> fraction, `100000` -> count. */
export function parseBudget(text: string): Budget {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new CliError(`--budget expects a fraction in (0, 1] or a count > 1, got '${text}'`, EXIT.usage);
  if (n <= 1) return { fraction: n };
  if (!Number.isInteger(n))
    throw new CliError(`--budget: a count must be an integer, got '${text}'`, EXIT.usage);
  return { count: n };
}

/** True for a folder (or transforms file) the dataset loader reads. */
export function isPhotoDataset(path: string): boolean {
  if (!existsSync(path)) return false;
  if (statSync(path).isFile()) return /transforms.*\.json$/i.test(path);
  return (
    ['transforms.json', 'transforms_train.json'].some((f) => existsSync(join(path, f))) ||
    findColmapSparse(path) !== undefined
  );
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

/** Bytes of an INRIA float PLY of `count` Gaussians at SH degree d (the usual uncompressed size). */
function floatPlyBytes(count: number, degree: ShDegree): number {
  return count * 4 * (3 + 3 + 3 + 1 + 3 + 4 + 3 * shRestCount(degree)) + 300;
}

export const command: CliCommand = {
  name: 'compress',
  summary: 'Train (photos) or refine (a trained scene) with natural selection to a budget, then pack to .gsz',
  async run(args: string[]): Promise<number> {
    const parsed = parseCommandArgs(
      args,
      {
        output: { type: 'string', short: 'o' },
        budget: { type: 'string' },
        images: { type: 'string' },
        iterations: { type: 'string' },
        resolution: { type: 'string' },
        'sh-degree': { type: 'string' },
        views: { type: 'string' },
        'train-views': { type: 'string' },
        up: { type: 'string' },
        'init-points': { type: 'string' },
        'dense-target': { type: 'string' },
        arms: { type: 'string' },
        preview: { type: 'string' },
        report: { type: 'string' },
        json: { type: 'boolean' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      HELP,
      { positional: 'INPUT', output: 'OUTPUT.gsz' },
    );
    if (!parsed) return EXIT.ok;
    const { values, positionals } = parsed;
    const input = resolve(positionals[0]);
    const output = resolve(parsed.output);
    if (!existsSync(input)) throw new CliError(`${positionals[0]}: does not exist`);
    const budget = parseBudget(values.budget ?? '0.15');
    const shDegree = shDegreeOption(values['sh-degree']);
    const arms = (values.arms?.split(',').map((a) => a.trim()) ?? ['natural-selection']) as Arm[];
    for (const a of arms)
      if (!ALL_ARMS.includes(a))
        throw new CliError(`--arms: unknown arm '${a}' (${ALL_ARMS.join(', ')})`, EXIT.usage);
    // Outputs are checked before hours of training, not after.
    await checkOutput(parsed.output, ['.gsz'], 'compress');
    if (values.preview) await checkOutput(values.preview, ['.png'], '--preview');
    if (values.report) await checkOutput(values.report, ['.json'], '--report');
    const json = values.json === true;
    const say = (message: string) =>
      json ? process.stdout.write(`${JSON.stringify({ type: 'log', message })}\n`) : console.error(message);

    const photos = isPhotoDataset(input);
    if (photos && values.images)
      throw new CliError(
        `${positionals[0]} is a photo dataset: --images applies to a scene file input`,
        EXIT.usage,
      );
    const mode: 'a' | 'b' | 'c' = photos ? 'a' : values.images ? 'b' : 'c';

    let gpu: GpuContext;
    try {
      gpu = await getGpu();
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const defaults = gpu.software ? SOFTWARE_DEFAULTS : HARDWARE_DEFAULTS;
    const iterations = positive(values, 'iterations', true, 16) ?? defaults.iterations;
    const resolution = values.resolution === undefined ? defaults.resolution : Number(values.resolution);
    const stages: Record<string, number> = {};
    const timed = async <T>(stage: string, f: () => Promise<T> | T): Promise<T> => {
      const t0 = performance.now();
      try {
        return await f();
      } finally {
        stages[stage] = Math.round((performance.now() - t0) / 100) / 10;
      }
    };

    const givenUp = upOption(values.up);
    let up: { vector: Vec3; source: string } = givenUp
      ? { vector: givenUp, source: '--up' }
      : { vector: [0, -1, 0], source: 'INRIA/COLMAP convention' };
    let background: Vec3 | undefined;
    let views: TrainingViews;
    let initial: GaussianScene;
    let inputBytes: number;
    let inputLabel: string;
    let trainMode: TrainMode = 'refine';
    try {
      if (mode === 'a' || mode === 'b') {
        const datasetPath = mode === 'a' ? input : resolve(values.images!);
        let options: Parameters<typeof loadDataset>[1];
        try {
          // Without --resolution: images wider than the default width are scaled down to it.
          options =
            values.resolution === undefined
              ? { maxWidth: resolution > 0 ? resolution : 1600 }
              : resolutionOptions(resolution);
        } catch (error) {
          throw new CliError((error as Error).message, EXIT.usage);
        }
        say(
          `loading photos from ${datasetPath} (${values.resolution === undefined ? `width <= ${options.maxWidth}` : `--resolution ${resolution}`})`,
        );
        const ds: Dataset = await timed('load', () => loadDataset(datasetPath, options));
        for (const warning of ds.warnings ?? []) say(`warning: ${warning}`);
        views = datasetViews(gpu.device, ds);
        background = ds.background;
        if (!givenUp) {
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
        if (mode === 'a') {
          trainMode = 'photos';
          const points =
            ds.pointCloud ??
            randomPointCloud(
              positive(values, 'init-points') ?? defaults.initPoints,
              1.3,
              Number(values.seed ?? 0),
            );
          initial = sceneFromPoints(points, shDegree ?? 3);
          say(
            `initial Gaussians: ${initial.count.toLocaleString('en-US')} (${ds.pointCloud ? 'COLMAP points' : 'random points in [-1.3, 1.3]^3'})`,
          );
          inputBytes = 0;
          inputLabel = 'float PLY of the dense scene';
        } else {
          initial = await timed('read', () => readScene(input));
          inputBytes = (await stat(input)).size;
          inputLabel = positionals[0];
        }
      } else {
        initial = await timed('read', () => readScene(input));
        inputBytes = (await stat(input)).size;
        inputLabel = positionals[0];
        const stored = await storedView(input);
        if (!givenUp && stored.up) up = { vector: stored.up, source: `${positionals[0]}'s header` };
        background = stored.background;
        const size = resolution > 0 ? resolution : 512;
        const count = positive(values, 'views', true, 2) ?? defaults.teacherViews;
        const trainViews = positive(values, 'train-views', true, 0) ?? defaults.teacherTrainViews;
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
        views = teacher;
      }
    } catch (error) {
      if (error instanceof DatasetError || error instanceof SceneReadError) throw new CliError(error.message);
      throw error;
    }

    const startedTrain = performance.now();
    let result: Awaited<ReturnType<typeof trainScene>>;
    try {
      say(
        `training: mode (${mode}), ${iterations} iterations, budget ${'count' in budget ? budget.count : `${budget.fraction * 100}%`}, arms ${arms.join(', ')}`,
      );
      const bar = new TrainingProgress({
        total: plannedIterations(trainMode, iterations, arms.length),
        mode: json ? 'json' : 'auto',
        stream: json ? process.stdout : process.stderr,
      });
      result = await trainScene({
        gpu,
        views,
        initial,
        mode: trainMode,
        iterations,
        budget,
        arms,
        shDegree,
        denseTarget:
          'fraction' in budget && trainMode === 'photos'
            ? (positive(values, 'dense-target') ?? defaults.denseTarget)
            : undefined,
        seed: Number(values.seed ?? 0),
        progress: bar,
        log: (m) => (bar.mode === 'quiet' ? say(m) : bar.log(m)),
      });
      bar.stop();
    } catch (error) {
      if (error instanceof TrainError) throw new CliError(error.message);
      throw error;
    }
    stages.train = Math.round((performance.now() - startedTrain) / 100) / 10;
    const report = trainingReport(result);
    const final = result.arms[result.arms.length - 1];
    const scene = final.scene;

    const gsz = await timed('pack', () =>
      encodeGsz(scene, {
        importance: final.importance,
        shDegree: shDegree ?? scene.shDegree,
        up: up.vector,
        background,
        onProgress: (stage) =>
          say(stage === 'k-means' ? 'pack: k-means for the SH codebook' : 'pack: encoding chunks'),
      }),
    ).catch((error: unknown) => {
      if (error instanceof GszValueError) throw new CliError(`trained scene: ${error.message}`);
      throw error;
    });
    if (mode === 'a') inputBytes = floatPlyBytes(final.counts.selectionStart, scene.shDegree);
    let preview: Uint8Array | undefined;
    if (values.preview) {
      const index = views.split.test[0] ?? views.split.train[0];
      const camera = views.cameras[index];
      const { image } = await rasterization(gpu, scene, camera, { background: views.background });
      preview = encodePng(image, camera.width, camera.height);
    }
    views.destroy();
    const summary = {
      input: positionals[0],
      mode,
      output: parsed.output,
      gaussians: {
        initial: final.counts.initial,
        selectionStart: final.counts.selectionStart,
        final: scene.count,
        budget: final.budget,
      },
      heldOut: {
        views: final.evaluation?.views ?? 0,
        psnr: report.arms.at(-1)!.psnr,
        ssim: report.arms.at(-1)!.ssim,
        against: mode === 'c' ? 'teacher renders' : 'photos',
      },
      bytes: {
        output: gsz.length,
        input: inputBytes,
        inputIs: inputLabel,
        ratio: Math.round((inputBytes / gsz.length) * 10) / 10,
      },
      up: { vector: up.vector, from: up.source },
      background: background ?? null,
      meanOpacity: scene.count
        ? Array.from(scene.opacityLogits, sigmoid).reduce((a, b) => a + b, 0) / scene.count
        : 0,
      iterations,
      stagesSeconds: stages,
      training: report,
    };
    await timed('write', async () => {
      await writeFileAtomic(output, gsz, { verify: verifyGsz(parsed.output) });
      if (preview && values.preview) await writeFileAtomic(resolve(values.preview), preview);
      if (values.report)
        await writeFileAtomic(resolve(values.report), `${JSON.stringify(summary, null, 2)}\n`);
    });
    if (json) {
      process.stdout.write(`${JSON.stringify({ type: 'summary', ...summary })}\n`);
    } else {
      console.log(formatTable(report));
      console.log(
        `${parsed.output}: ${summary.gaussians.initial.toLocaleString('en-US')} -> ${summary.gaussians.selectionStart.toLocaleString('en-US')} at selection -> ` +
          `${scene.count.toLocaleString('en-US')} Gaussians (budget ${final.budget.toLocaleString('en-US')}); held-out (${summary.heldOut.views} views vs ${summary.heldOut.against}) ` +
          `PSNR ${summary.heldOut.psnr?.toFixed(2) ?? '-'} dB, SSIM ${summary.heldOut.ssim?.toFixed(4) ?? '-'}; ${gsz.length.toLocaleString('en-US')} bytes, ` +
          `${summary.bytes.ratio}x smaller than ${inputLabel} (${inputBytes.toLocaleString('en-US')} bytes)`,
      );
      console.log(
        `up [${up.vector.map((v) => Number(v.toFixed(4))).join(', ')}] (from ${up.source}), background ${background ? `[${background.join(', ')}]` : 'none'}` +
          (views.randomBackground ? ' (trained over random backgrounds: the photos are opaque)' : ''),
      );
      console.log(
        `time per stage (s): ${Object.entries(stages)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
    }
    return EXIT.ok;
  },
};
