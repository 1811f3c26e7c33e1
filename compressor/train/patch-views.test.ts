// Training on patches is only sound if a patch camera renders exactly the window of the full view it
// names, and the GPU crop of the teacher's full render is that same window: both are checked here against
// the whole-view render, plus scene-pixel PSNR, the time limit's exact budget and the time estimate.
import { test } from 'node:test';
import type { Camera } from '../../shared/math/camera.ts';
import assert from 'node:assert/strict';
import { gpuOrSkip } from '../gpu/test-gpu.ts';
import { rasterization } from '../render/rasterization.ts';
import { scenePsnr } from '../eval/scene-psnr.ts';
import { projectReference } from '../render/reference/projection.ts';
import { psnr } from '../eval/metrics.ts';
import { blobScene } from './loop/test-scenes.ts';
import { cropImage, patchCamera, patchOrigin, patchTeacherViews } from './patch-views.ts';
import { readFloats } from './gpu-buffers.ts';
import { teacherCameras } from './teacher.ts';
import { trainScene } from './trainer.ts';
import { estimateRefineSeconds, iterationsWithin, meanCountFraction } from './time-estimate.ts';

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('cropImage takes the named window; patchCamera rejects windows outside the view', () => {
  const image = Float32Array.from({ length: 4 * 3 * 3 }, (_, i) => i);
  assert.deepEqual(
    Array.from(cropImage(image, 4, 1, 1, 2, 2)),
    [15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32],
  );
  const camera = { width: 4, height: 3, fx: 5, fy: 5, cx: 2, cy: 1.5, viewMatrix: new Float32Array(16) };
  assert.deepEqual(
    { ...patchCamera(camera, 1, 1, 2, 2), viewMatrix: 0 },
    {
      ...camera,
      width: 2,
      height: 2,
      cx: 1,
      cy: 0.5,
      viewMatrix: 0,
      frame: { x0: 1, y0: 1, width: 4, height: 3 },
    },
  );
  assert.throws(() => patchCamera(camera, 3, 0, 2, 2), /outside the 4x3 view/);
  for (let it = 0; it < 50; it++) {
    const { x0, y0 } = patchOrigin({ width: 64, height: 48 }, { width: 24, height: 16 }, 3, it);
    assert.ok(x0 >= 0 && x0 <= 40 && y0 >= 0 && y0 <= 32 && Number.isInteger(x0) && Number.isInteger(y0));
  }
});

test('a patch render equals the crop of the full render, and sample() serves that crop', {
  timeout: 120_000,
}, async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const scene = blobScene(60, 4);
  const full = teacherCameras(scene, { views: 2, width: 64, height: 48, insideOut: false }).cameras[1];
  const { image } = await rasterization(gpu, scene, full);
  for (const [x0, y0, w, h] of [
    [8, 12, 24, 16],
    [40, 0, 24, 48],
    [0, 33, 17, 15],
  ]) {
    const { image: patch } = await rasterization(gpu, scene, patchCamera(full, x0, y0, w, h));
    assert.ok(maxAbsDiff(patch, cropImage(image, 64, x0, y0, w, h)) < 1e-5, `patch ${w}x${h} at ${x0},${y0}`);
  }
  const views = await patchTeacherViews(gpu, scene, {
    views: 9,
    width: 64,
    height: 48,
    insideOut: false,
    patch: { width: 24, height: 16 },
    seed: 2,
  });
  try {
    for (const it of [1, 2, 7]) {
      const index = views.split.train[it % views.split.train.length];
      const { camera, target } = views.sample!(index, it);
      const { x0, y0 } = patchOrigin(views.cameras[index], views.patch, 2, it);
      assert.equal(camera.cx, views.cameras[index].cx - x0);
      const crop = await readFloats(gpu.device, target, 24 * 16 * 3);
      assert.deepEqual(crop, cropImage(views.image(index), 64, x0, y0, 24, 16));
      const { image: patch } = await rasterization(gpu, scene, camera);
      assert.ok(maxAbsDiff(patch, crop) < 1e-5);
    }
    const mask = views.sceneMask!(views.split.test[0]);
    assert.ok(mask.some((v) => v === 1) && mask.some((v) => v === 0), 'the blobs cover part of the view');
  } finally {
    views.destroy();
  }
});

test('scenePsnr scores only scene pixels', () => {
  const target = new Float32Array([0.5, 0.5, 0.5, 0, 0, 0]);
  const image = new Float32Array([0.6, 0.5, 0.5, 1, 1, 1]);
  assert.ok(Math.abs(scenePsnr(image, target, new Uint8Array([1, 0])) - -10 * Math.log10(0.01 / 3)) < 1e-5);
  assert.ok(scenePsnr(image, target, new Uint8Array([1, 0])) > psnr(image, target) + 10);
  assert.ok(Number.isNaN(scenePsnr(image, target, new Uint8Array([0, 0]))));
});

test('time limit: natural selection stops early and still keeps exactly the budget', {
  timeout: 120_000,
}, async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const scene = blobScene(80, 5);
  const views = await patchTeacherViews(gpu, scene, {
    views: 9,
    width: 32,
    height: 32,
    insideOut: false,
    patch: { width: 16, height: 16 },
  });
  try {
    for (const deadlineAfterMs of [0, 1500]) {
      const started = performance.now();
      const result = await trainScene({
        gpu,
        views,
        initial: scene,
        mode: 'refine',
        iterations: 400,
        budget: { count: 23 },
        deadline: performance.now() + deadlineAfterMs,
      });
      const arm = result;
      assert.equal(arm.scene.count, 23, `deadline +${deadlineAfterMs} ms`);
      assert.ok(arm.stoppedAt !== undefined && arm.stoppedAt < 400, `stopped at ${arm.stoppedAt}`);
      assert.ok(performance.now() - started < deadlineAfterMs + 60_000);
      assert.ok(Number.isFinite(arm.evaluation?.psnr));
    }
  } finally {
    views.destroy();
  }
});

test('time estimate: the count falls from the input to the budget; iterationsWithin inverts it', () => {
  assert.equal(meanCountFraction(300, 1000, 1000), 1);
  const f = meanCountFraction(480, 500_000, 75_000);
  assert.ok(f > 0.15 && f < 0.7, `mean count fraction ${f}`);
  const o = { count: 500_000, budget: 75_000, secondsPerIterationAtCount: 5 };
  const seconds = estimateRefineSeconds({ ...o, iterations: 480 });
  assert.ok(Math.abs(seconds - 480 * 5 * f) < 1e-6);
  const n = iterationsWithin(seconds, o);
  assert.ok(n >= 478 && n <= 482, `${n}`);
  assert.equal(iterationsWithin(1, o), 16);
});

test('reference projection: a window of a view shapes an off-window Gaussian as the whole view does', () => {
  const view = new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  const full: Camera = { width: 640, height: 480, fx: 500, fy: 500, cx: 320, cy: 240, viewMatrix: view };
  // Centred at pixel (620, 240): 300 px right of a 64x48 window at (0, 216), far beyond its 30% margin.
  const mean = [(300 / 500) * 4, 0, 4];
  const project = (camera: Camera) => projectReference(camera, mean, [-1, -3, -3], [1, 0, 0, 0], 3, false);
  const whole = project(full);
  const window = project(patchCamera(full, 0, 216, 64, 48));
  const unframed = project({ ...patchCamera(full, 0, 216, 64, 48), frame: undefined });
  for (let k = 0; k < 3; k++)
    assert.ok(Math.abs(window.cov2d[k] - whole.cov2d[k]) < 1e-9 * Math.abs(whole.cov2d[k]) + 1e-12);
  assert.ok(
    Math.abs(unframed.cov2d[0] - whole.cov2d[0]) > 1e-3 * whole.cov2d[0],
    'without the frame the clamp differs',
  );
});
