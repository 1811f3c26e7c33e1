// `npm run bench:select`: natural selection against the pruning baselines in one harness (same dense
// phase, same budget, same iteration counts and fine-tuning), the paper's table per dataset:
//   1. Lego (NeRF-synthetic, ../shared/data/lego) at 200x200, every 8th view held out, budget 15% of
//      the dense count at selection start; arms dense / opacity / importance / natural-selection.
//   2. Mode (c) on playbot.ply: teacher renders as targets, budget 15%; importance vs natural selection,
//      on a CPU-emulated GPU from two 20,000-Gaussian teachers (a full-density crop, a random subset),
//      and from the WHOLE scene ('whole': 640x480 teacher views rendered once, training on 320x240
//      patches of them, held-out views scored whole over scene pixels; compressor/train/patch-views.ts).
// Data: --data DIR or GS_DATA_DIR (default <repo>/../shared/data); a missing dataset is skipped with a reason.
// Sized for the whole run to finish within ~35 min on an idle 2-core machine with a CPU-emulated GPU
// (SwiftShader); --iterations / --playbot-iterations shorten it. The settings used are printed.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { GaussianScene } from '../shared/scene/gaussian-scene.ts';
import { loadDataset } from '../compressor/datasets/load-dataset.ts';
import { getGpu } from '../compressor/gpu/device.ts';
import { readScene } from '../compressor/io/read-scene.ts';
import { formatTable, meanReport, trainingReport, type TrainingReport } from '../compressor/train/report.ts';
import { randomPointCloud, sceneFromPoints } from '../compressor/train/init-scene.ts';
import { TrainingProgress } from '../compressor/train/progress.ts';
import { patchTeacherViews } from '../compressor/train/patch-views.ts';
import { teacherViews } from '../compressor/train/teacher.ts';
import { teacherSubset, type TeacherSubset } from '../compressor/train/teacher-subset.ts';
import { plannedIterations } from '../compressor/train/trainer.ts';
import type { TrainingSnapshot } from '../compressor/train/loop/gpu-scene.ts';
import { datasetViews } from '../compressor/train/loop/views.ts';
import { ALL_ARMS, trainArms, type Arm } from './select-harness/arms.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    iterations: { type: 'string' },
    resolution: { type: 'string' },
    budget: { type: 'string' },
    'init-points': { type: 'string' },
    'dense-target': { type: 'string' },
    'sh-degree': { type: 'string' },
    'playbot-iterations': { type: 'string' },
    'playbot-size': { type: 'string' },
    'playbot-views': { type: 'string' },
    'playbot-train-views': { type: 'string' },
    'playbot-subsample': { type: 'string' },
    'playbot-seeds': { type: 'string' },
    'playbot-teachers': { type: 'string' },
    'playbot-crop-lift': { type: 'string' },
    'whole-iterations': { type: 'string' },
    'whole-views': { type: 'string' },
    'whole-size': { type: 'string' },
    'whole-patch': { type: 'string' },
    'whole-count': { type: 'string' },
    'lego-seeds': { type: 'string' },
    skip: { type: 'string' },
    out: { type: 'string' },
  },
});

type PlaybotTeacher = TeacherSubset | 'whole';

function parseTeachers(v: string): PlaybotTeacher[] {
  const kinds = v.split(',').filter(Boolean);
  if (kinds.length === 0 || kinds.some((k) => k !== 'crop' && k !== 'random' && k !== 'whole'))
    throw new Error(`--playbot-teachers must list crop, random and/or whole, got ${v}`);
  return kinds as PlaybotTeacher[];
}

function parseSize(v: string, name: string): { width: number; height: number } {
  const m = /^(\d+)x(\d+)$/.exec(v);
  if (!m) throw new Error(`${name} expects WxH, got ${v}`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

const dataDir = resolve(
  values.data ?? process.env.GS_DATA_DIR ?? fileURLToPath(new URL('../../shared/data', import.meta.url)),
);
const skip = new Set((values.skip ?? '').split(',').filter(Boolean));
const int = (v: string | undefined, fallback: number) =>
  v === undefined ? fallback : Number.parseInt(v, 10);
const benchStart = performance.now();
const minutesSince = (t: number) => ((performance.now() - t) / 60_000).toFixed(1);
const gpu = await getGpu();
// Software (SwiftShader) defaults: how each was chosen, with the measurements, is in
// docs/experiments/natural-selection.md ("bench:select settings").
const sw = gpu.software;
const settings = {
  device: `${gpu.adapterInfo.vendor} ${gpu.adapterInfo.architecture} ${gpu.adapterInfo.description}`.trim(),
  lego: {
    iterations: int(values.iterations, sw ? 480 : 30_000),
    resolution: int(values.resolution, 200),
    budgetFraction: Number(values.budget ?? 0.15),
    initPoints: int(values['init-points'], sw ? 10_000 : 100_000),
    denseTarget: int(values['dense-target'], sw ? 150_000 : 1_000_000),
    shDegree: int(values['sh-degree'], sw ? 1 : 3),
    // Seeds (view orders) of the arms after the selection start, all from the one dense phase (seed 0):
    // the table is their mean. At 480 iterations every arm moves ~0.4 dB with the view order (dense at
    // 100,000 from one snapshot: 31.34 and 30.92 dB with two orders). Each seed's four arms cost ~8 min
    // (150,000 dense target) on an idle machine: two seeds keep the whole bench near 25 min.
    seeds: (values['lego-seeds'] ?? '0,1').split(',').map((v) => Number.parseInt(v, 10)),
  },
  playbot: {
    iterations: int(values['playbot-iterations'], sw ? 600 : 10_000),
    size: int(values['playbot-size'], sw ? 96 : 512),
    // 48 views hold out 6 (every 8th): with 24 (3 held out) the arms' difference was within noise
    // (NS - importance +0.53 dB at 24 views, -0.06 at 48 with the same settings).
    views: int(values['playbot-views'], sw ? 48 : 128),
    // Training-only teacher views (teacher.ts trainViews, offset from the evaluated ones; the held-out
    // views stay the 6 of the 48): the teacher renders from anywhere, so the student need not fit 42
    // fixed views. 144 more (seeds 0-2): importance 32.90 -> 34.79 dB, natural selection 33.30 -> 35.13.
    trainViews: int(values['playbot-train-views'], sw ? 144 : 0),
    // SwiftShader renders 500k Gaussians in tens of seconds: a 20,000-Gaussian teacher there, two kinds
    // (teacher-subset.ts): the full-density crop around the robot (a trained scene's density and overlap,
    // the regime users bring) and a random subset (the whole scene thinned 25x, little redundancy left).
    // On a GPU (subsample 0) the whole scene is the teacher.
    subsample: int(values['playbot-subsample'], sw ? 20_000 : 0),
    teachers: parseTeachers(values['playbot-teachers'] ?? 'crop,random,whole'),
    // Playbot's robot stands above its ground plane: the crop's centre is the robust box centre raised
    // 0.15 robust radii (without it the 20,000 nearest are mostly ground and the robot's lower half).
    cropLift: Number(values['playbot-crop-lift'] ?? 0.15),
    budgetFraction: Number(values.budget ?? 0.15),
    // Seeds (view orders) of the playbot arms; the table is their mean (natural selection moves 0.5-0.9 dB
    // with the view order, importance pruning ~0.1 dB).
    seeds: (values['playbot-seeds'] ?? '0,1,2,3,4').split(',').map((v) => Number.parseInt(v, 10)),
  },
  // Mode (c) on the whole scene (compressor/train/patch-views.ts): one seed, natural selection first.
  // Measured at load ~10 on SwiftShader: a 500k SH2 iteration costs ~10 s at 320x240 and little less at
  // 160x120 (per-Gaussian work), 75k ~1 s: selection's shrinking count sets the time; the teacher's 40
  // views ~10 s each (compressor/train/README.md). --playbot-teachers crop,random leaves the row out.
  whole: {
    iterations: int(values['whole-iterations'], sw ? 480 : 10_000),
    // Every 8th held out: 40 views hold out 5.
    views: int(values['whole-views'], sw ? 40 : 128),
    size: parseSize(values['whole-size'] ?? '640x480', '--whole-size'),
    patch: parseSize(values['whole-patch'] ?? (sw ? '320x240' : '640x480'), '--whole-patch'),
    // Development: a full-density crop of this many Gaussians instead of the whole scene (0: whole).
    count: int(values['whole-count'], 0),
  },
};
if (settings.playbot.seeds.some((v) => !Number.isInteger(v)))
  throw new Error(`--playbot-seeds must be integers separated by commas, got ${values['playbot-seeds']}`);
if (settings.lego.seeds.length === 0 || settings.lego.seeds.some((v) => !Number.isInteger(v)))
  throw new Error(`--lego-seeds must be integers separated by commas, got ${values['lego-seeds']}`);
console.log(`bench:select settings ${JSON.stringify(settings, null, 2)}`);
const out: Record<string, unknown> = { settings };

function progressFor(total: number): TrainingProgress {
  return new TrainingProgress({
    total,
    mode: process.stderr.isTTY ? 'bar' : 'json',
    stream: process.stderr,
    jsonEvery: 50,
  });
}

function print(title: string, report: TrainingReport): void {
  console.log(`\n${title}`);
  console.log(formatTable(report));
  console.log(
    `selection starts at iteration ${report.selectionStart} of ${report.iterations}; shared phase ${JSON.stringify(report.sharedSeconds)} s`,
  );
  for (const a of report.arms)
    console.log(
      `  ${a.arm}: counts ${JSON.stringify(a.gaussians)}, phases ${JSON.stringify(a.seconds)} s${a.selectionEndedAt ? `, exact-budget cut at iteration ${a.selectionEndedAt}` : ''}`,
    );
}

const lego = join(dataDir, 'lego');
if (skip.has('lego')) console.log('lego: skipped (--skip)');
else if (!existsSync(join(lego, 'transforms_train.json')))
  console.log(`lego: skipped (${lego} not found; pass --data DIR or GS_DATA_DIR)`);
else {
  const l = settings.lego;
  const t0 = performance.now();
  const ds = loadDataset(lego, { targetWidth: l.resolution });
  console.log(
    `lego: ${ds.cameras.length} views (${ds.split.train.length} train, ${ds.split.test.length} held out) at ${ds.cameras[0].width}x${ds.cameras[0].height}, loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const views = datasetViews(gpu.device, ds);
  const initial = sceneFromPoints(randomPointCloud(l.initPoints, 1.3, 0), l.shDegree as 0 | 1 | 2 | 3);
  const arms: Arm[] = [...ALL_ARMS];
  const perSeed =
    plannedIterations('photos', l.iterations, arms.length) - plannedIterations('photos', l.iterations, 0);
  const progress = progressFor(plannedIterations('photos', l.iterations, 0) + l.seeds.length * perSeed);
  // The dense phase runs once (seed 0); every seed's arms start from its snapshot.
  let snapshot: TrainingSnapshot | undefined;
  const runs: TrainingReport[] = [];
  for (const seed of l.seeds) {
    const result = await trainArms({
      gpu,
      views,
      initial,
      mode: 'photos',
      iterations: l.iterations,
      budget: { fraction: l.budgetFraction },
      denseTarget: l.denseTarget,
      shDegree: l.shDegree as 0 | 1 | 2 | 3,
      arms,
      seed,
      progress,
      log: (m) => progress.log(m),
      resume: snapshot,
      onSelectionStart:
        snapshot || l.seeds.length === 1
          ? undefined
          : (s) => {
              snapshot = s;
            },
    });
    runs.push(trainingReport({ ...result, runs: result.arms }));
    progress.continueAfterRun();
  }
  progress.stop();
  views.destroy();
  console.log(`lego: ${minutesSince(t0)} min wall time`);
  const title = `Lego ${ds.cameras[0].width}x${ds.cameras[0].height}, ${l.iterations} iterations, budget ${l.budgetFraction * 100}% of the dense count (PSNR/SSIM on ${ds.split.test.length} held-out views)`;
  for (const [k, r] of runs.entries()) print(`${title}, seed ${l.seeds[k]}`, r);
  const mean = meanReport(runs);
  if (runs.length > 1) {
    console.log(`\n${title}, mean of seeds ${l.seeds.join(', ')} (one dense phase)`);
    console.log(formatTable(mean));
    const psnrOf = (r: TrainingReport, arm: Arm) => r.arms.find((a) => a.arm === arm)?.psnr ?? NaN;
    for (const arm of ['dense', 'opacity', 'importance'] as const) {
      console.log(
        `natural selection - ${arm} per seed: ${runs.map((r) => (psnrOf(r, 'natural-selection') - psnrOf(r, arm)).toFixed(2)).join(', ')} dB`,
      );
    }
  }
  out.lego = { ...mean, sharedSeconds: runs[0].sharedSeconds, seeds: l.seeds, runs };
}

const playbot = join(dataDir, 'scenes', 'playbot.ply');
if (skip.has('playbot')) console.log('playbot: skipped (--skip)');
else if (!existsSync(playbot)) console.log(`playbot: skipped (${playbot} not found)`);
else {
  const p = settings.playbot;
  const input = await readScene(playbot);
  const results: Record<string, unknown> = {};
  // On a GPU the whole scene is the teacher (subsample 0): one run.
  if (p.teachers.includes('whole')) results.whole = await modeCWhole(input);
  const subsets = p.teachers.filter((k): k is TeacherSubset => k !== 'whole');
  for (const kind of p.subsample > 0 && p.subsample < input.count ? subsets : (['full'] as const)) {
    const scene = kind === 'full' ? input : teacherSubset(input, kind, p.subsample, { lift: p.cropLift });
    const what =
      kind === 'full'
        ? 'the whole scene as the teacher'
        : kind === 'crop'
          ? `full-density crop of the ${scene.count.toLocaleString('en-US')} Gaussians nearest the robot (lift ${p.cropLift}) as the teacher`
          : `random subset of ${scene.count.toLocaleString('en-US')} as the teacher`;
    console.log(
      `\nplaybot: ${input.count.toLocaleString('en-US')} Gaussians, ${what}, SH degree ${scene.shDegree}`,
    );
    results[kind] = await modeC(
      scene,
      kind === 'full' ? 'whole scene' : kind === 'crop' ? 'robot crop' : 'random subset',
    );
  }
  out.playbot = results;
}

/** Mode (c) from `scene` (the teacher and the student's start): importance vs natural selection per seed, and their mean. */
async function modeC(scene: GaussianScene, label: string): Promise<unknown> {
  const p = settings.playbot;
  const t0 = performance.now();
  const views = await teacherViews(gpu, scene, {
    views: p.views,
    trainViews: p.trainViews,
    width: p.size,
    height: p.size,
  });
  console.log(
    `teacher: ${p.views} views (+${p.trainViews} for training only) at ${p.size}x${p.size}${views.insideOut ? ' (with inside-out views)' : ''} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const arms: Arm[] = ['importance', 'natural-selection'];
  const progress = progressFor(p.seeds.length * plannedIterations('refine', p.iterations, arms.length));
  const runs: TrainingReport[] = [];
  for (const seed of p.seeds) {
    const result = await trainArms({
      gpu,
      views,
      initial: scene,
      mode: 'refine',
      iterations: p.iterations,
      budget: { fraction: p.budgetFraction },
      arms,
      seed,
      progress,
      log: (m) => progress.log(m),
    });
    runs.push(trainingReport({ ...result, runs: result.arms }));
    progress.continueAfterRun();
  }
  progress.stop();
  views.destroy();
  console.log(`playbot (${label}): ${minutesSince(t0)} min wall time (teacher renders included)`);
  const title = `playbot mode (c), ${label}, ${p.iterations} iterations, budget ${p.budgetFraction * 100}% (PSNR/SSIM vs teacher on ${views.split.test.length} held-out orbit views)`;
  for (const [k, r] of runs.entries()) print(`${title}, seed ${p.seeds[k]}`, r);
  const mean = meanReport(runs);
  if (runs.length > 1) {
    console.log(`\n${title}, mean of seeds ${p.seeds.join(', ')}`);
    console.log(formatTable(mean));
    const psnrOf = (r: TrainingReport, arm: Arm) => r.arms.find((a) => a.arm === arm)?.psnr ?? NaN;
    console.log(
      `natural selection - importance per seed: ${runs.map((r) => (psnrOf(r, 'natural-selection') - psnrOf(r, 'importance')).toFixed(2)).join(', ')} dB`,
    );
  }
  return { ...mean, seeds: p.seeds, runs };
}

/** Mode (c) on the whole scene at full resolution: natural selection vs importance, one seed. */
async function modeCWhole(input: GaussianScene): Promise<unknown> {
  const w = settings.whole;
  const p = settings.playbot;
  const scene =
    w.count > 0 && w.count < input.count
      ? teacherSubset(input, 'crop', w.count, { lift: p.cropLift })
      : input;
  const load = () =>
    loadavg()
      .map((v) => v.toFixed(2))
      .join(' ');
  console.log(
    `\nplaybot whole: ${scene.count.toLocaleString('en-US')} Gaussians (SH ${scene.shDegree}), ${w.views} views at ${w.size.width}x${w.size.height}, patches ${w.patch.width}x${w.patch.height}, ${w.iterations} iterations; load ${load()}`,
  );
  const t0 = performance.now();
  // Process CPU seconds beside wall time: SwiftShader runs in this process, so on a shared machine CPU
  // time is what the work cost and wall time what the machine's load made of it.
  const cpu0 = process.cpuUsage();
  const views = await patchTeacherViews(gpu, scene, {
    views: w.views,
    width: w.size.width,
    height: w.size.height,
    patch: w.patch,
    seed: p.seeds[0],
  });
  const teacherSeconds = (performance.now() - t0) / 1000;
  console.log(
    `teacher: ${w.views} views in ${teacherSeconds.toFixed(0)} s (${views.secondsPerView.toFixed(1)} s each)${views.insideOut ? ' with inside-out views' : ''}; load ${load()}`,
  );
  const arms: Arm[] = ['natural-selection', 'importance'];
  const progress = progressFor(plannedIterations('refine', w.iterations, arms.length));
  const result = await trainArms({
    gpu,
    views,
    initial: scene,
    mode: 'refine',
    iterations: w.iterations,
    budget: { fraction: p.budgetFraction },
    arms,
    seed: p.seeds[0],
    progress,
    log: (m) => progress.log(m),
  });
  progress.stop();
  views.destroy();
  const report = trainingReport({ ...result, runs: result.arms });
  const title = `playbot mode (c), whole scene (${scene.count.toLocaleString('en-US')}), ${w.iterations} iterations on ${w.patch.width}x${w.patch.height} patches, budget ${p.budgetFraction * 100}% (PSNR over scene pixels / SSIM vs teacher on ${views.split.test.length} held-out ${w.size.width}x${w.size.height} views)`;
  print(title, report);
  const cpuSeconds = () => {
    const u = process.cpuUsage(cpu0);
    return (u.user + u.system) / 1e6;
  };
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  const ns = result.arms.find((a) => a.strategy === 'natural-selection')!;
  const imp = result.arms.find((a) => a.strategy === 'importance')!;
  const nsMinutes = (teacherSeconds + sum(result.sharedSeconds) + sum(ns.seconds)) / 60;
  const psnrOf = (arm: Arm) => report.arms.find((a) => a.arm === arm)?.psnr ?? NaN;
  console.log(
    `whole-scene row: natural selection ${psnrOf('natural-selection').toFixed(2)} dB vs importance ${psnrOf('importance').toFixed(2)} dB ` +
      `(${(psnrOf('natural-selection') - psnrOf('importance')).toFixed(2)} dB); natural selection pipeline ${nsMinutes.toFixed(1)} min ` +
      `(teacher ${(teacherSeconds / 60).toFixed(1)}, warm-up ${(sum(result.sharedSeconds) / 60).toFixed(1)}, selection + fine-tune ${(sum(ns.seconds) / 60).toFixed(1)}), ` +
      `importance arm ${(sum(imp.seconds) / 60).toFixed(1)} min; whole row ${minutesSince(t0)} min wall, ${(cpuSeconds() / 60).toFixed(1)} min process CPU; load ${load()}`,
  );
  return { ...report, teacherSeconds, nsMinutes, settings: w };
}

console.log(`\nbench:select total wall time ${minutesSince(benchStart)} min`);
if (values.out) await writeFile(values.out, `${JSON.stringify(out, null, 2)}\n`);
process.exit(0);
