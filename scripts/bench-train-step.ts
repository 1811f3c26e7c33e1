// `npm run bench:train-step`: seconds per training iteration on Lego at 200x200 (../shared/data/lego,
// or $GS_DATA_DIR/lego) with a fixed random scene of ~6k and ~20k Gaussians (SH degree 1, as
// bench:select's software defaults), and where an iteration's time goes.
//
// 1. "trainer": the real loop (loop/run-iterations.ts via the select harness's trainArms, mode 'refine', arm 'dense',
//    no evaluation): no densification or selection edits, so every iteration does the same work at a
//    fixed count. Reports wall s/iteration and the process's CPU s/iteration (SwiftShader runs in this
//    process: CPU time counts work, wall time also counts waiting and other processes on the machine).
// 2. "stages": the same step with a queue sync after each stage (so each stage's wall time is its own)
//    and the rasterizer's GPU timestamps (StageTimer) where the device has 'timestamp-query'.
//    Syncing serialises CPU encoding and GPU work, so the stage sum exceeds the trainer's s/iteration.
// 3. "edits" (optional, --edits): one densify-style round trip: download the scene, re-upload it via
//    GpuScene.replace (what every densify/prune/selection edit costs on top of its CPU logic).
//
// Options: --iterations N (trainer iterations per count, default 40), --counts 6000,20000,
// --stage-iterations N (default 8), --resolution W (default 200), --edits, --trainer-only (no stage table).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadDataset } from '../compressor/datasets/load-dataset.ts';
import { getGpu } from '../compressor/gpu/device.ts';
import { GaussianRasterizer } from '../compressor/render/gaussian-rasterizer.ts';
import { StageTimer } from '../compressor/render/stage-timer.ts';
import { randomPointCloud, sceneFromPoints } from '../compressor/train/init-scene.ts';
import { trainArms } from './select-harness/arms.ts';
import { datasetViews, type TrainingViews } from '../compressor/train/loop/views.ts';
import { GpuScene } from '../compressor/train/loop/gpu-scene.ts';
import { TrainStep } from '../compressor/train/loop/train-step.ts';
import { learningRates, REFERENCE_RATES } from '../compressor/train/lr.ts';
import {
  createScene,
  selectGaussians,
  type GaussianScene,
  type ShDegree,
} from '../shared/scene/gaussian-scene.ts';
import { mulberry32 } from '../shared/math/random.ts';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string' },
    counts: { type: 'string' },
    'stage-iterations': { type: 'string' },
    resolution: { type: 'string' },
    edits: { type: 'boolean' },
    'trainer-only': { type: 'boolean' },
    data: { type: 'string' },
  },
});
const dataDir = resolve(
  values.data ?? process.env.GS_DATA_DIR ?? fileURLToPath(new URL('../../shared/data', import.meta.url)),
);
const lego = join(dataDir, 'lego');
if (!existsSync(join(lego, 'transforms_train.json')) && !existsSync(join(lego, 'transforms.json'))) {
  console.log(`bench:train-step: skipped (${lego} not found; pass --data DIR or GS_DATA_DIR)`);
  process.exit(0);
}
const ITERATIONS = Number(values.iterations ?? 40);
const STAGE_ITERATIONS = Number(values['stage-iterations'] ?? 8);
const COUNTS = (values.counts ?? '6000,20000').split(',').map(Number);
const RESOLUTION = Number(values.resolution ?? 200);

const gpu = await getGpu();
const { device } = gpu;
const ds = loadDataset(lego, { targetWidth: RESOLUTION });
const views = datasetViews(device, ds);
const camera0 = ds.cameras[0];
console.log(`bench:train-step: ${gpu.adapterInfo.vendor} ${gpu.adapterInfo.description}`.trim());
console.log(
  `Lego ${camera0.width}x${camera0.height}, ${ds.split.train.length} training views; trainer ${ITERATIONS} iterations, stages ${STAGE_ITERATIONS} iterations per count`,
);

const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

/** Process-wide load while measuring: the machine is shared. */
async function loadAverage(): Promise<string> {
  const os = await import('node:os');
  return os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
}

/**
 * A representative scene: bench:select's Lego setup (3,000 random points, SH degree 1, densified towards
 * 6,000) trained to its selection start (iteration 240 of 480), cached in the OS temp folder (derived
 * data stays out of the repository). Untrained random Gaussians are far larger than trained ones (each
 * covers much of the image), so they would time the compositing of a scene training never sees.
 */
async function trainedScene(): Promise<GaussianScene> {
  const cache = join(tmpdir(), `gs-bench-train-step-lego-${RESOLUTION}.bin`);
  if (existsSync(cache)) return decodeScene(readFileSync(cache));
  console.log(`training the base scene (bench:select's Lego dense phase, cached in ${cache}) ...`);
  const t0 = performance.now();
  let scene: GaussianScene | undefined;
  class Stop extends Error {}
  try {
    await trainArms({
      gpu,
      views,
      initial: sceneFromPoints(randomPointCloud(3000, 1.3, 0), 1),
      mode: 'photos',
      iterations: 480,
      budget: { fraction: 0.15 },
      denseTarget: 6000,
      shDegree: 1,
      arms: ['dense'],
      evaluate: false,
      onSelectionStart: (snapshot) => {
        scene = snapshot.scene;
        throw new Stop();
      },
    });
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  if (!scene) throw new Error('the base scene was not produced');
  writeFileSync(cache, encodeScene(scene));
  console.log(`  ${scene.count} Gaussians in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return scene;
}

const FIELDS = ['positions', 'logScales', 'rotations', 'opacityLogits', 'shDC', 'shRest'] as const;

function encodeScene(scene: GaussianScene): Buffer {
  const header = Buffer.from(
    JSON.stringify({ count: scene.count, shDegree: scene.shDegree, antialiased: scene.antialiased }).padEnd(
      256,
    ),
  );
  return Buffer.concat([
    header,
    ...FIELDS.map((f) => Buffer.from(scene[f].buffer, scene[f].byteOffset, scene[f].byteLength)),
  ]);
}

function decodeScene(bytes: Buffer): GaussianScene {
  const h = JSON.parse(bytes.subarray(0, 256).toString()) as {
    count: number;
    shDegree: ShDegree;
    antialiased: boolean;
  };
  const scene = createScene(h.count, h.shDegree, h.antialiased);
  let offset = 256;
  for (const f of FIELDS) {
    const n = scene[f].byteLength;
    new Uint8Array(scene[f].buffer, scene[f].byteOffset, n).set(bytes.subarray(offset, offset + n));
    offset += n;
  }
  return scene;
}

/**
 * `count` Gaussians from the trained base: all of it, then copies of random rows whose position moves by
 * up to one standard deviation, with the scales of both shrunk so the copies cover about the same area.
 */
function sceneOf(base: GaussianScene, count: number): GaussianScene {
  if (count <= base.count)
    return selectGaussians(
      base,
      Uint32Array.from({ length: count }, (_, i) => i),
    );
  const random = mulberry32(1);
  const rows = Uint32Array.from({ length: count }, (_, i) =>
    i < base.count ? i : Math.floor(random() * base.count),
  );
  const scene = selectGaussians(base, rows);
  const shrink = Math.log(Math.cbrt(base.count / count));
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < 3; k++) {
      scene.logScales[i * 3 + k] += shrink;
      if (i >= base.count)
        scene.positions[i * 3 + k] += (random() * 2 - 1) * Math.exp(base.logScales[rows[i] * 3 + k]);
    }
  }
  return scene;
}

interface TrainerRow {
  count: number;
  wall: number;
  cpu: number;
  load: string;
}

async function timeTrainer(count: number): Promise<TrainerRow> {
  const initial = sceneOf(base, count);
  // Warm-up: pipelines, target uploads, buffer growth.
  await trainArms({
    gpu,
    views,
    initial,
    mode: 'refine',
    iterations: 16,
    budget: { fraction: 1 },
    arms: ['dense'],
    evaluate: false,
  });
  const load = await loadAverage();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await trainArms({
    gpu,
    views,
    initial,
    mode: 'refine',
    iterations: ITERATIONS,
    budget: { fraction: 1 },
    arms: ['dense'],
    evaluate: false,
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(cpu0);
  if (result.arms[0].counts.final !== count) throw new Error(`count changed: ${result.arms[0].counts.final}`);
  return { count, wall: wall / ITERATIONS, cpu: cpu / ITERATIONS, load };
}

/** Per-stage wall (queue sync after each stage) and GPU timestamps of the rasterizer's stages. */
async function timeStages(
  count: number,
  v: TrainingViews,
): Promise<{ wall: Map<string, number>; gpuMs: Map<string, number> | undefined }> {
  const timer = StageTimer.create(device);
  const rasterizer = new GaussianRasterizer(device, { timer });
  const gs = new GpuScene(device, sceneOf(base, count));
  const maxPixels = Math.max(...v.cameras.map((c) => c.width * c.height));
  const step = new TrainStep(device, { rasterizer, maxPixels });
  const wall = new Map<string, number>();
  const gpuMs = timer ? new Map<string, number>() : undefined;
  const add = (m: Map<string, number>, k: string, ms: number) => m.set(k, (m.get(k) ?? 0) + ms);
  const train = v.split.train;
  try {
    for (let i = -2; i < STAGE_ITERATIONS; i++) {
      const view = train[(i + train.length) % train.length];
      const camera = v.cameras[view];
      const lrs = learningRates(1000, 30_000, v.sceneExtent, 1, REFERENCE_RATES);
      timer?.reset();
      const stages = await step.runTimed({
        gs,
        camera,
        target: v.target(view),
        background: v.background,
        shDegree: 1,
        lrs,
        step: true,
        readLoss: (i + 1) % 10 === 0,
      });
      if (i < 0) continue; // warm-up
      for (const [k, ms] of stages) add(wall, k, ms);
      if (timer && gpuMs) for (const [k, ms] of await timer.read()) add(gpuMs, k, ms);
    }
  } finally {
    step.destroy();
    gs.destroy();
    rasterizer.destroy();
    timer?.destroy();
  }
  for (const m of [wall, gpuMs]) if (m) for (const [k, ms] of m) m.set(k, ms / STAGE_ITERATIONS);
  return { wall, gpuMs };
}

async function timeEdits(count: number): Promise<number> {
  const gs = new GpuScene(device, sceneOf(base, count));
  const t0 = performance.now();
  const runs = 3;
  for (let i = 0; i < runs; i++) {
    const scene = await gs.download();
    gs.replace(
      scene,
      Uint32Array.from({ length: scene.count }, (_, k) => k),
    );
    await device.queue.onSubmittedWorkDone();
  }
  gs.destroy();
  return (performance.now() - t0) / runs;
}

const base = await trainedScene();
console.log(`base scene: ${base.count} trained Gaussians`);
const rows: TrainerRow[] = [];
for (const count of COUNTS) {
  const row = await timeTrainer(count);
  rows.push(row);
  console.log(
    `\n${count} Gaussians: trainer ${row.wall.toFixed(3)} s/iteration wall, ${row.cpu.toFixed(3)} s/iteration process CPU (load average ${row.load})`,
  );
  if (values['trainer-only']) continue;
  const { wall, gpuMs } = await timeStages(count, views);
  const total = [...wall.values()].reduce((a, b) => a + b, 0);
  console.log(`  stages (queue sync after each, mean of ${STAGE_ITERATIONS}): total ${total.toFixed(1)} ms`);
  for (const [k, ms] of wall) console.log(`    ${k.padEnd(22)} ${ms.toFixed(1).padStart(8)} ms wall`);
  if (gpuMs) {
    const gpuTotal = [...gpuMs.values()].reduce((a, b) => a + b, 0);
    console.log(`  GPU timestamps (rasterizer + trainer marks): total ${gpuTotal.toFixed(1)} ms`);
    for (const [k, ms] of gpuMs) console.log(`    ${k.padEnd(22)} ${ms.toFixed(1).padStart(8)} ms GPU`);
  }
  if (values.edits)
    console.log(`  edit round trip (download + replace): ${(await timeEdits(count)).toFixed(1)} ms`);
}

console.log('\n| Gaussians | image | s/iteration (wall) | s/iteration (process CPU) | load average |');
console.log('|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.count} | ${camera0.width}x${camera0.height} | ${r.wall.toFixed(3)} | ${r.cpu.toFixed(3)} | ${r.load} |`,
  );
views.destroy();
process.exit(0);
