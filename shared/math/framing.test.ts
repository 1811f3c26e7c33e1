import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookAt, type Vec3 } from './camera.ts';
import { frameBox, percentileBox, verticalFov, type Box3 } from './framing.ts';

// Projects the box corners with the framed camera (an independent pinhole projection through lookAt) and
// returns the largest |x|/halfWidth and |y|/halfHeight in normalised image units (1 = image edge).
function extents(box: Box3, aspect: number, fovY: number, up: Vec3, azimuth = 0): { x: number; y: number } {
  const f = frameBox(box, { aspect, fovYDegrees: fovY, up, azimuthDegrees: azimuth });
  const view = lookAt(f.eye, f.target, f.up);
  const tanY = Math.tan((fovY * Math.PI) / 360);
  let x = 0;
  let y = 0;
  for (let c = 0; c < 8; c++) {
    const p = [0, 1, 2].map((a) => ((c >> a) & 1 ? box.max[a] : box.min[a]));
    const cam = [0, 1, 2].map((r) => view[r] * p[0] + view[4 + r] * p[1] + view[8 + r] * p[2] + view[12 + r]);
    assert.ok(cam[2] > 0, 'every corner is in front of the camera');
    x = Math.max(x, Math.abs(cam[0] / cam[2]) / (tanY * aspect));
    y = Math.max(y, Math.abs(cam[1] / cam[2]) / tanY);
  }
  return { x, y };
}

const shapes: Record<string, Box3> = {
  // A statue: 1 wide, 4 tall (up = -Y, as COLMAP scenes).
  tall: { min: [-0.5, -4, -0.5], max: [0.5, 0, 0.5] },
  // A biker-like street: 8 wide, 1.5 tall, 3 deep.
  wide: { min: [-4, -1.5, -1.5], max: [4, 0, 1.5] },
  // A flat tabletop: 3 x 3, 0.05 thick.
  flat: { min: [-1.5, -0.05, -1.5], max: [1.5, 0, 1.5] },
};
const aspects: Record<string, number> = { '4:3': 4 / 3, '16:9': 16 / 9, '1:2': 1 / 2 };

for (const [shape, box] of Object.entries(shapes)) {
  for (const [name, aspect] of Object.entries(aspects)) {
    test(`frameBox: a ${shape} scene fits whole at ${name}, filling one axis to the margin`, () => {
      for (const azimuth of [0, 45, 130]) {
        const e = extents(box, aspect, 50, [0, -1, 0], azimuth);
        assert.ok(e.x <= 0.95 + 1e-5 && e.y <= 0.95 + 1e-5, `inside: ${JSON.stringify(e)}`);
        // Not needlessly small: the tight axis reaches the 5% margin.
        assert.ok(Math.max(e.x, e.y) > 0.94, `fills: ${JSON.stringify(e)}`);
      }
    });
  }
}

test('frameBox: a statue at 16:9 reaches top and bottom, a street at 1:2 left and right', () => {
  const tallWide = extents(shapes.tall, 16 / 9, 50, [0, -1, 0]);
  assert.ok(tallWide.y > tallWide.x, 'a statue in a wide frame touches top and bottom');
  const wideTall = extents(shapes.wide, 1 / 2, 50, [0, -1, 0]);
  assert.ok(wideTall.x > wideTall.y, 'a street in a tall frame touches left and right');
});

test('frameBox: Z-up scenes keep +Z up on screen', () => {
  const box: Box3 = { min: [-0.5, -0.5, 0], max: [0.5, 0.5, 4] };
  const f = frameBox(box, { aspect: 1, fovYDegrees: 50, up: [0, 0, 1] });
  const view = lookAt(f.eye, f.target, f.up);
  const camY = (p: Vec3) => view[1] * p[0] + view[5] * p[1] + view[9] * p[2] + view[13];
  assert.ok(
    camY([0, 0, 4]) < camY([0, 0, 0]),
    'the top of the box is higher in the image (camera +Y is down)',
  );
  assert.throws(() => frameBox(box, { aspect: 1, fovYDegrees: 50, up: [0, 0, 0] }), /zero length/);
});

test('percentileBox ignores a few far floaters; verticalFov converts a horizontal FOV', () => {
  const n = 1000;
  const p = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) p[i * 3 + a] = ((i * 7919 + a * 31) % 1000) / 1000;
  p[0] = 1e4;
  p[4] = -1e4;
  const b = percentileBox(p, n);
  for (let a = 0; a < 3; a++) assert.ok(b.min[a] >= -0.01 && b.max[a] <= 1.01, JSON.stringify(b));
  assert.ok(Math.abs(verticalFov(90, 1) - 90) < 1e-9);
  assert.ok(Math.abs(verticalFov(90, 2) - (2 * Math.atan(0.5) * 180) / Math.PI) < 1e-9);
});
