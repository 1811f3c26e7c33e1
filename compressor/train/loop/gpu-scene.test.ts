// Training a scene whose packed parameters exceed the storage-binding limit: the GpuScene holds it in
// parts, and train steps (forward, backward, Adam) give the one-buffer result to float tolerance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GaussianScene } from '../../../shared/scene/gaussian-scene.ts';
import { GpuLimitError } from '../../gpu/limits.ts';
import { cappedGpuOrSkip, gpuOrSkip } from '../../gpu/test-gpu.ts';
import { GaussianRasterizer } from '../../render/gaussian-rasterizer.ts';
import { randomScene, testCamera } from '../../render/test/scenes.ts';
import { createStorage } from '../gpu-buffers.ts';
import { learningRates, REFERENCE_RATES } from '../lr.ts';
import { GpuScene } from './gpu-scene.ts';
import { TrainStep } from './train-step.ts';

const MiB = 1 << 20;

async function trainTwoSteps(device: GPUDevice, scene: GaussianScene, target: Float32Array) {
  const camera = testCamera(48, 40);
  const gs = new GpuScene(device, scene);
  const step = new TrainStep(device, { rasterizer: new GaussianRasterizer(device), maxPixels: 48 * 40 });
  const targetBuffer = createStorage(device, target, 'test.target');
  const lrs = learningRates(100, 1000, 2, 1, REFERENCE_RATES);
  for (let i = 0; i < 2; i++) {
    await step.run({ gs, camera, target: targetBuffer, background: [0, 0, 0], shDegree: 3, lrs, step: true });
  }
  const loss = await step.readLoss();
  const after = await gs.download();
  const parts = gs.partCount;
  let refused: unknown;
  try {
    void gs.params;
  } catch (e) {
    refused = e;
  }
  gs.destroy();
  step.destroy();
  targetBuffer.destroy();
  return { after, loss, parts, refused };
}

test('train steps on a scene in parameter parts under a 1 MiB binding match one buffer', async (t) => {
  const capped = await cappedGpuOrSkip(t, { maxBindingBytes: MiB, maxBufferBytes: 2 * MiB });
  const gpu = await gpuOrSkip(t);
  if (!capped || !gpu) return;
  const scene = randomScene(10000, 3, 11, { scale: 0.03 });
  const target = new Float32Array(48 * 40 * 3).map((_, i) => 0.5 + 0.4 * Math.sin(i * 0.01));
  const whole = await trainTwoSteps(gpu.device, scene, target);
  const parts = await trainTwoSteps(capped.gpu.device, scene, target);
  assert.equal(whole.parts, 1);
  assert.equal(parts.parts, 3);
  assert.ok(capped.largestBuffer() <= 2 * MiB, `largest buffer ${capped.largestBuffer()} B`);
  // The single-buffer members name the limit rather than hand out one part.
  assert.equal(whole.refused, undefined);
  assert.ok(
    parts.refused instanceof GpuLimitError && /at most 4,352 Gaussians fit/.test(parts.refused.message),
  );
  assert.ok(Math.abs(parts.loss - whole.loss) <= 1e-5 * whole.loss, `loss ${parts.loss} vs ${whole.loss}`);
  let moved = 0;
  let maxDiff = 0;
  const columns = ['positions', 'logScales', 'rotations', 'opacityLogits', 'shDC', 'shRest'] as const;
  for (const key of columns) {
    const a = whole.after[key];
    const b = parts.after[key];
    const before = scene[key];
    for (let i = 0; i < a.length; i++) {
      moved = Math.max(moved, Math.abs(a[i] - before[i]));
      maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    }
  }
  t.diagnostic(`largest step ${moved.toExponential(2)}, largest difference ${maxDiff.toExponential(2)}`);
  assert.ok(moved > 1e-4, 'the steps moved the parameters');
  // Gradients differ by float-atomic ordering only; Adam's normalised steps stay within a tiny fraction.
  assert.ok(maxDiff <= 1e-3 * moved, `parameters differ by ${maxDiff}`);
  capped.gpu.check();
});

test('training refuses, before starting, a scene whose splats exceed the binding limit', async (t) => {
  const capped = await cappedGpuOrSkip(t, { maxBindingBytes: 256 * 1024 });
  if (!capped) return;
  assert.throws(
    () => new GpuScene(capped.gpu.device, randomScene(6000, 0, 3)),
    (e: unknown) =>
      e instanceof GpuLimitError &&
      /^training: projected splats: 6,000 Gaussians .* at most 5,461 Gaussians fit$/.test(e.message),
  );
  assert.equal(capped.largestBuffer(), 0);
});
