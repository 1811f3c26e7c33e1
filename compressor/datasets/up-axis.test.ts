import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookAt, type Camera, type Vec3 } from '../../shared/math/camera.ts';
import { inferUp } from './up-axis.ts';

const camera = (eye: Vec3, up: Vec3): Camera => ({
  width: 4,
  height: 4,
  fx: 4,
  fy: 4,
  cx: 2,
  cy: 2,
  viewMatrix: lookAt(eye, [0, 0, 0], up),
});

test('inferUp: Z-up cameras looking down from a ring give +Z (snapped); COLMAP-style give -Y', () => {
  const ring = (up: Vec3, height: (i: number) => Vec3) =>
    Array.from({ length: 12 }, (_, i) => camera(height(i), up));
  const zUp = ring([0, 0, 1], (i) => [4 * Math.cos(i / 2), 4 * Math.sin(i / 2), 2 + (i % 3)]);
  assert.deepEqual(inferUp(zUp, 'colmap'), { up: [0, 0, 1], source: 'cameras' });
  const yDown = ring([0, -1, 0], (i) => [4 * Math.cos(i / 2), -1, 4 * Math.sin(i / 2)]);
  assert.deepEqual(inferUp(yDown, 'blender'), { up: [0, -1, 0], source: 'cameras' });
  // A rig tilted by 22 degrees (cameras in the plane perpendicular to u) keeps its own axis.
  const l = Math.hypot(0.4, 1);
  const u: Vec3 = [0, 0.4 / l, 1 / l];
  const b: Vec3 = [0, u[2], -u[1]]; // u x [1, 0, 0]
  const tilted = Array.from({ length: 8 }, (_, i) =>
    camera([4 * Math.cos(i), 4 * Math.sin(i) * b[1], 4 * Math.sin(i) * b[2]], u),
  );
  const t = inferUp(tilted, 'blender');
  assert.equal(t.source, 'cameras');
  assert.ok(Math.hypot(t.up[0] - u[0], t.up[1] - u[1], t.up[2] - u[2]) < 1e-5, JSON.stringify(t.up));
});

test('inferUp: no cameras, or up vectors that cancel, fall back to the dataset convention', () => {
  assert.deepEqual(inferUp([], 'blender'), { up: [0, 0, 1], source: 'convention' });
  const opposed = [camera([4, 0, 0], [0, 0, 1]), camera([-4, 0, 0], [0, 0, -1])];
  assert.deepEqual(inferUp(opposed, 'colmap'), { up: [0, -1, 0], source: 'convention' });
});
