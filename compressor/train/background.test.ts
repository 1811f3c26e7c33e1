// Random per-iteration backgrounds: reproducible and varied, and training with them on opaque targets
// makes the scene opaque where the photos are (with a fixed black background the same fit leaves the
// black parts of the photos transparent: the background shows through and fakes them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpuOrSkip } from '../gpu/test-gpu.ts';
import { rasterization } from '../render/rasterization.ts';
import { iterationBackground } from './background.ts';
import { randomPointCloud, sceneFromPoints } from './init-scene.ts';
import { blobScene } from './loop/test-scenes.ts';
import { teacherViews } from './teacher.ts';
import { trainScene } from './trainer.ts';

test('iterationBackground: reproducible from the seed, different per iteration, in [0, 1]', () => {
  assert.deepEqual(iterationBackground(3, 10), iterationBackground(3, 10));
  assert.notDeepEqual(iterationBackground(3, 10), iterationBackground(3, 11));
  assert.notDeepEqual(iterationBackground(3, 10), iterationBackground(4, 10));
  const all = Array.from({ length: 200 }, (_, i) => iterationBackground(0, i)).flat();
  assert.ok(all.every((v) => v >= 0 && v < 1));
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  assert.ok(Math.abs(mean - 0.5) < 0.06, `mean ${mean}`);
});

test('training over random backgrounds makes opaque photos opaque', { timeout: 300_000 }, async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  // Opaque "photos": a few blobs rendered over black; black is part of the picture, not transparency.
  const views = await teacherViews(gpu, blobScene(30, 2), {
    views: 9,
    width: 24,
    height: 24,
    insideOut: false,
  });
  const coverage = async (randomBackground: boolean): Promise<number> => {
    views.randomBackground = randomBackground;
    const result = await trainScene({
      gpu,
      views,
      initial: sceneFromPoints(randomPointCloud(400, 1.2, 5), 0),
      mode: 'photos',
      iterations: 120,
      budget: { count: 300 },
      shDegree: 0,
    });
    const scene = result.scene;
    let sum = 0;
    for (const i of views.split.test) {
      const { alpha } = await rasterization(gpu, scene, views.cameras[i], { background: [0, 0, 0] });
      sum += alpha.reduce((a, b) => a + b, 0) / alpha.length;
    }
    return sum / views.split.test.length;
  };
  const fixed = await coverage(false);
  const random = await coverage(true);
  t.diagnostic(
    `mean alpha over held-out views: fixed black ${fixed.toFixed(3)}, random ${random.toFixed(3)}`,
  );
  assert.ok(random > fixed + 0.15, `random ${random} vs fixed ${fixed}`);
  views.destroy();
});
