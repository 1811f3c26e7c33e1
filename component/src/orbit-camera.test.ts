// Orbit camera: poses round-trip, motion is damped but converges to the requested amount, and the
// camera it produces looks at the target (shared/math/camera.ts conventions).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Vec3 } from '../../shared/math/camera.ts';
import { parseVec3 } from './attributes.ts';
import { OrbitCamera } from './orbit-camera.ts';
import { pickSplat } from './render/pick.ts';

const close = (a: number[], b: number[], tol: number) =>
  a.forEach((v, i) => {
    assert.ok(Math.abs(v - b[i]) < tol, `${a} vs ${b}`);
  });

test('setPose/position round trip for several up axes', () => {
  for (const up of [
    [0, 1, 0],
    [0, 0, 1],
    [0, -1, 0],
    [1, 0, 0],
  ] as Vec3[]) {
    const cam = new OrbitCamera();
    cam.setPose({ position: [1, 2, 3], target: [0.5, -1, 0.25], up, fov: 40 });
    // 1e-5: float64 trig round trip of unit-scale coordinates.
    close(cam.position(), [1, 2, 3], 1e-5);
  }
});

test('the camera looks at the target: it projects to the principal point', () => {
  const cam = new OrbitCamera();
  cam.setPose({ position: [3, 1, 2], target: [0, 0.5, 0], up: [0, 0, 1], fov: 60 });
  const c = cam.camera(320, 240);
  const m = c.viewMatrix;
  const t = [0, 0.5, 0];
  const x = m[0] * t[0] + m[4] * t[1] + m[8] * t[2] + m[12];
  const y = m[1] * t[0] + m[5] * t[1] + m[9] * t[2] + m[13];
  const z = m[2] * t[0] + m[6] * t[1] + m[10] * t[2] + m[14];
  assert.ok(z > 0);
  close([x / z, y / z], [0, 0], 1e-6);
  // Vertical fov 60 degrees over 240 px: fy = 120 / tan(30 degrees).
  assert.ok(Math.abs(c.fy - 120 / Math.tan(Math.PI / 6)) < 1e-9);
});

test('damped rotation converges to the requested angle; zoom changes only the distance', () => {
  const cam = new OrbitCamera();
  cam.setPose({ position: [0, 0, 5], target: [0, 0, 0], up: [0, 1, 0], fov: 50 });
  const a0 = cam.azimuth;
  cam.rotate(0.5, 0);
  let frames = 0;
  while (cam.update(1 / 60) && frames < 1000) frames++;
  assert.ok(frames > 3 && frames < 200, `settles in a fraction of a second (${frames} frames)`);
  // 1e-4 rad: the remainder below the "moving" threshold is dropped.
  assert.ok(Math.abs(cam.azimuth - a0 - 0.5) < 1e-4);
  cam.damping = false;
  cam.zoom(1);
  cam.update(1 / 60);
  assert.ok(Math.abs(cam.radius - 5 / 1.1) < 1e-9);
  close(cam.target, [0, 0, 0], 1e-12);
});

test('retarget keeps the eye in place', () => {
  const cam = new OrbitCamera();
  cam.damping = false;
  cam.setPose({ position: [2, 1, 4], target: [0, 0, 0], up: [0, 1, 0], fov: 50 });
  cam.retarget([1, 0.5, 0]);
  cam.update(1 / 60);
  close(cam.target, [1, 0.5, 0], 1e-9);
  close(cam.position(), [2, 1, 4], 1e-6);
});

test('pickSplat returns the nearest splat under the pointer', () => {
  const cam = new OrbitCamera();
  cam.setPose({ position: [0, 0, -5], target: [0, 0, 0], up: [0, -1, 0], fov: 50 });
  const camera = cam.camera(100, 100);
  const positions = new Float32Array([0, 0, 1, 0, 0, -1, 3, 3, 0]);
  close(pickSplat(positions, 3, camera, 50, 50, 4) ?? [], [0, 0, -1], 1e-6);
  assert.equal(pickSplat(positions, 3, camera, 5, 5, 2), undefined);
});

test('parseVec3 accepts spaces or commas and rejects the rest', () => {
  assert.deepEqual(parseVec3('1 2 3'), [1, 2, 3]);
  assert.deepEqual(parseVec3(' -1,2.5, 3e1 '), [-1, 2.5, 30]);
  assert.equal(parseVec3('1 2'), undefined);
  assert.equal(parseVec3('a b c'), undefined);
  assert.equal(parseVec3(null), undefined);
});
