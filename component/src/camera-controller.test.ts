// The element's default view: the header's robust extent framed whole for the canvas's aspect ratio (the
// shared framing), the header's up on screen, its stored camera when it has one, and a reframe when the
// canvas changes shape while the camera is still at its default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Vec3 } from '../../shared/math/camera.ts';
import { CameraController } from './camera-controller.ts';

const host = {
  addController(_c: ReactiveController) {},
} as unknown as ReactiveControllerHost;

/** Largest |x| / half-width and |y| / half-height of the box corners in the controller's camera. */
function fit(ctl: CameraController, box: { min: Vec3; max: Vec3 }, width: number, height: number) {
  const cam = ctl.orbit.camera(width, height);
  let x = 0;
  let y = 0;
  for (let c = 0; c < 8; c++) {
    const p = [0, 1, 2].map((a) => ((c >> a) & 1 ? box.max[a] : box.min[a]));
    const v = cam.viewMatrix;
    const q = [0, 1, 2].map((r) => v[r] * p[0] + v[4 + r] * p[1] + v[8 + r] * p[2] + v[12 + r]);
    x = Math.max(x, Math.abs((cam.fx * q[0]) / q[2]) / (width / 2));
    y = Math.max(y, Math.abs((cam.fy * q[1]) / q[2]) / (height / 2));
  }
  return { x, y };
}

test('default view: a tall robust extent fits whole at 4:3, 16:9 and 1:2, reframed on resize', () => {
  const ctl = new CameraController(host, () => {});
  const focus = { min: [-0.5, -4, -0.5] as Vec3, max: [0.5, 0, 0.5] as Vec3 };
  // The full bounds include a far floater: framing must follow the robust extent instead.
  ctl.setSceneFrame({ bounds: { min: [-50, -4, -0.5], max: [0.5, 0, 0.5] }, up: [0, -1, 0], focus });
  for (const [w, h] of [
    [400, 300],
    [640, 360],
    [200, 400],
  ]) {
    ctl.setAspect(w / h);
    const e = fit(ctl, focus, w, h);
    assert.ok(e.x <= 0.951 && e.y <= 0.951, `${w}x${h}: inside (${JSON.stringify(e)})`);
    assert.ok(Math.max(e.x, e.y) > 0.93, `${w}x${h}: fills (${JSON.stringify(e)})`);
  }
  // Up on screen is the header's up: the top of the statue (y = -4) is above its base.
  const cam = ctl.orbit.camera(200, 400).viewMatrix;
  const screenY = (p: Vec3) => {
    const q = [0, 1, 2].map((r) => cam[r] * p[0] + cam[4 + r] * p[1] + cam[8 + r] * p[2] + cam[12 + r]);
    return q[1] / q[2];
  };
  assert.ok(screenY([0, -4, 0]) < screenY([0, 0, 0]));
});

test('default view: the stored camera wins; a moved camera is not reframed on resize', () => {
  const ctl = new CameraController(host, () => {});
  const bounds = { min: [-1, -1, -1] as Vec3, max: [1, 1, 1] as Vec3 };
  ctl.setSceneFrame({ bounds, up: [0, 0, 1], camera: { eye: [0, -5, 1], target: [0, 0, 0.5], fovY: 40 } });
  assert.deepEqual(ctl.orbit.pose().target, [0, 0, 0.5]);
  const eye = ctl.orbit.pose().position;
  assert.ok(Math.hypot(eye[0], eye[1] + 5, eye[2] - 1) < 1e-5);
  ctl.setSceneFrame({ bounds, up: [0, 0, 1] });
  ctl.setPose({ position: [9, 9, 9] });
  ctl.setAspect(0.5);
  assert.deepEqual(
    ctl.orbit.pose().position.map((v) => Math.round(v)),
    [9, 9, 9],
  );
});
