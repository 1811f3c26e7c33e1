// Real data: the NeRF-synthetic lego scene (../shared/data/lego, see its README), loaded at 4x downscale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from './load-dataset.ts';
import { cameraPosition } from '../../shared/math/camera.ts';

const dataDir = process.env.GS_DATA_DIR ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));
const lego = join(dataDir, 'lego');

test('lego at 4x downscale: 200x200, 87/13 split, cameras on a ~4.03 sphere looking at the origin', (t) => {
  if (!existsSync(join(lego, 'transforms_train.json'))) {
    t.skip(`lego dataset not found at ${lego} (set GS_DATA_DIR)`);
    return;
  }
  const ds = loadDataset(lego, { downscale: 4, imageLoading: 'lazy' });
  assert.equal(ds.cameras.length, 100);
  assert.equal(ds.split.train.length, 87);
  assert.equal(ds.split.test.length, 13);
  assert.ok(ds.split.test.every((i) => i % 8 === 0));
  for (const cam of ds.cameras) {
    assert.equal(cam.width, 200);
    assert.equal(cam.height, 200);
    // fx = 800 / (2 tan(0.6911/2)) / 4 ≈ 277.8
    assert.ok(Math.abs(cam.fx - 1111.1110311937682 / 4) < 1e-3);
    const c = cameraPosition(cam.viewMatrix);
    const r = Math.hypot(...c);
    // NeRF-synthetic cameras sit at radius 4.0311 (the scene generator's sphere); float32 poses: 1e-3
    assert.ok(Math.abs(r - 4.0311) < 1e-3, `radius ${r}`);
    // Looking at the origin: its camera-space position is (≈0, ≈0, r).
    const v = cam.viewMatrix;
    assert.ok(
      Math.abs(v[12]) < 0.05 && Math.abs(v[13]) < 0.05 && Math.abs(v[14] - r) < 0.05,
      `origin at ${v[12]},${v[13]},${v[14]}`,
    );
  }
  // One image: composited on white, so the corner is background white and the centre is the model.
  const img = ds.images.get(0);
  assert.equal(img.length, 200 * 200 * 3);
  assert.ok(Math.abs(img[0] - 1) < 1e-6 && Math.abs(img[1] - 1) < 1e-6);
  const centre = (100 * 200 + 100) * 3;
  assert.ok(
    img[centre] < 0.99 || img[centre + 1] < 0.99 || img[centre + 2] < 0.99,
    'centre pixel shows the model',
  );
  assert.ok(ds.sceneExtent > 1 && ds.sceneExtent < 10);
});
