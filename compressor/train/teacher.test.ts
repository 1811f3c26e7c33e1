// Teacher cameras (mode c): the training-only set (`trainViews`) adds distinct cameras without touching
// the evaluated set or its held-out views. CPU only (camera placement; no rendering).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cameraPosition } from '../../shared/math/camera.ts';
import { createScene } from '../../shared/scene/gaussian-scene.ts';
import { mulberry32 } from '../select/sampling.ts';
import { teacherCameras, teacherTrainCameras } from './teacher.ts';

function cloud(count: number): ReturnType<typeof createScene> {
  const scene = createScene(count, 0);
  const random = mulberry32(3);
  for (let i = 0; i < count * 3; i++) scene.positions[i] = random() * 2 - 1;
  return scene;
}

test('training-only teacher cameras: the requested count, none on an evaluated camera', () => {
  for (const insideOut of [false, true]) {
    const scene = cloud(500);
    const o = { views: 24, trainViews: 30, width: 16, height: 16, insideOut };
    const evaluated = teacherCameras(scene, o);
    assert.equal(evaluated.cameras.length, 24);
    const extra = teacherTrainCameras(scene, o, evaluated.insideOut);
    assert.equal(extra.length, 30);
    // The extra set is offset by half a step: no camera coincides with an evaluated one (same eye AND same
    // orientation; inside-out eyes repeat by design but look elsewhere). 1e-6: float32 matrices.
    for (const c of extra) {
      for (const e of evaluated.cameras) {
        const same = c.viewMatrix.every((v, k) => Math.abs(v - e.viewMatrix[k]) < 1e-6);
        assert.ok(!same, 'a training-only camera repeats an evaluated camera');
      }
      assert.ok(cameraPosition(c.viewMatrix).every(Number.isFinite));
    }
  }
  assert.equal(teacherTrainCameras(cloud(50), { views: 8, width: 8, height: 8 }, false).length, 0);
});
