// Profile: where one mode (c) iteration's time goes on a whole scene (default playbot), per image size:
// teacher render (forward of the input), student forward, loss, backward, Adam; GPU stage marks.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { getGpu } from '../compressor/gpu/device.ts';
import { readScene } from '../compressor/io/read-scene.ts';
import { GaussianRasterizer } from '../compressor/render/gaussian-rasterizer.ts';
import { StageTimer } from '../compressor/render/stage-timer.ts';
import { robustBounds, orbitCamera } from '../compressor/render/default-camera.ts';
import { GpuScene } from '../compressor/train/loop/gpu-scene.ts';
import { TrainStep } from '../compressor/train/loop/train-step.ts';
import { learningRates, REFERENCE_RATES } from '../compressor/train/lr.ts';
import { selectGaussians } from '../shared/scene/gaussian-scene.ts';

const { values } = parseArgs({
  options: { scene: { type: 'string' }, sizes: { type: 'string' }, count: { type: 'string' } },
});
const gpu = await getGpu();
const { device } = gpu;
let scene = await readScene(resolve(values.scene ?? '/work/shared/data/scenes/playbot.ply'));
if (values.count)
  scene = selectGaussians(
    scene,
    Uint32Array.from({ length: Number(values.count) }, (_, i) =>
      Math.floor((i * scene.count) / Number(values.count)),
    ),
  );
console.log(
  `${scene.count} Gaussians SH${scene.shDegree}, load ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
const bounds = robustBounds(scene.positions, scene.count);
const sizes = (values.sizes ?? '128x128,640x480,160x120,320x240')
  .split(',')
  .map((s) => s.split('x').map(Number));
const timer = StageTimer.create(device);
const rasterizer = new GaussianRasterizer(device, { timer });
const gs = new GpuScene(device, scene);
const step = new TrainStep(device, { rasterizer, maxPixels: 640 * 480 });
const lrs = learningRates(14_000, 30_000, bounds.radius, 1, REFERENCE_RATES);
for (const [w, h] of sizes) {
  const full = orbitCamera(bounds, {
    width: 640,
    height: 480,
    fovDegrees: 50,
    elevationDegrees: 20,
    azimuthDegrees: 30,
  });
  // A (w x h) window in the middle of the 640x480 view (a patch), or the whole view when 640x480.
  const camera = { ...full, width: w, height: h, cx: full.cx - (640 - w) / 2, cy: full.cy - (480 - h) / 2 };
  for (let rep = 0; rep < 2; rep++) {
    timer?.reset();
    let t = performance.now();
    const out = await rasterizer.forward({ ...gs.paramSource, camera, shDegree: scene.shDegree });
    await device.queue.onSubmittedWorkDone();
    const teacherMs = performance.now() - t;
    const target = device.createBuffer({
      size: w * h * 12,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
    });
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(out.image, 0, target, 0, w * h * 12);
    device.queue.submit([enc.finish()]);
    timer?.reset();
    t = performance.now();
    const ms = await step.runTimed({
      gs,
      camera,
      target,
      background: [0, 0, 0],
      shDegree: scene.shDegree,
      lrs,
      step: true,
      readLoss: true,
    });
    const total = performance.now() - t;
    const stages = timer ? await timer.read() : new Map();
    console.log(
      `${w}x${h} rep ${rep}: teacher forward ${teacherMs.toFixed(0)} ms; step ${total.toFixed(0)} ms: ${[...ms].map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}; isect ${out.numIntersections}`,
    );
    console.log(`   gpu: ${[...stages].map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
    target.destroy();
  }
}
console.log(
  `load ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
process.exit(0);
