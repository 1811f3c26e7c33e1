import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  lookAt,
  invertRigid,
  multiply,
  identity,
  viewFromOpenGLCameraToWorld,
  cameraPosition,
} from './camera.ts';

function apply(m: Float32Array, p: [number, number, number]): number[] {
  return [0, 1, 2].map((r) => m[r] * p[0] + m[4 + r] * p[1] + m[8 + r] * p[2] + m[12 + r]);
}

test('lookAt puts the target straight ahead (+Z) and world up at camera -Y', () => {
  const v = lookAt([0, 0, -5], [0, 0, 0], [0, 1, 0]);
  const t = apply(v, [0, 0, 0]);
  assert.ok(Math.abs(t[0]) < 1e-6 && Math.abs(t[1]) < 1e-6 && Math.abs(t[2] - 5) < 1e-6);
  const up = apply(v, [0, 1, 0]);
  assert.ok(up[1] < 0, 'world up projects above the centre (camera -Y)');
  assert.deepEqual(
    cameraPosition(v).map((x) => Math.round(x * 1e6) / 1e6 + 0),
    [0, 0, -5],
  );
});

test('invertRigid is the inverse of a rigid transform', () => {
  const v = lookAt([1, 2, 3], [0, -1, 0.5], [0, 0, 1]);
  const p = multiply(v, invertRigid(v));
  const id = identity();
  for (let i = 0; i < 16; i++) assert.ok(Math.abs(p[i] - id[i]) < 1e-5);
});

test('OpenGL camera-to-world converts to an OpenCV world-to-camera', () => {
  // Camera at (0,0,4) looking down -Z in OpenGL: the origin must be 4 units in front (+Z in OpenCV).
  const v = viewFromOpenGLCameraToWorld([
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 4],
    [0, 0, 0, 1],
  ]);
  const o = apply(v, [0, 0, 0]);
  assert.ok(Math.abs(o[2] - 4) < 1e-6);
  const up = apply(v, [0, 5, 0]);
  assert.ok(up[1] < 0, 'OpenGL +Y up becomes OpenCV -Y');
});
