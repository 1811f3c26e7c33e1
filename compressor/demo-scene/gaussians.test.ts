// Tests of the ready-made demo Gaussian scene and the PLY writers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertFiniteScene, SH_C0, shRestCount, sigmoid } from '../../shared/scene/gaussian-scene.ts';
import type { Vec3 } from './vec.ts';
import { generateDemoGaussians, quaternionFromBasis } from './gaussians.ts';
import { gaussianPly } from './ply.ts';
import { buildDemoScene } from './scene.ts';

/** Rotates v by the unit quaternion (w, x, y, z): v + 2w(q x v) + 2 q x (q x v). */
function rotate(q: ArrayLike<number>, v: Vec3): Vec3 {
  const [w, x, y, z] = [q[0], q[1], q[2], q[3]];
  const t: Vec3 = [2 * (y * v[2] - z * v[1]), 2 * (z * v[0] - x * v[2]), 2 * (x * v[1] - y * v[0])];
  return [
    v[0] + w * t[0] + (y * t[2] - z * t[1]),
    v[1] + w * t[1] + (z * t[0] - x * t[2]),
    v[2] + w * t[2] + (x * t[1] - y * t[0]),
  ];
}

test('quaternionFromBasis reproduces the basis for rotations in every branch', () => {
  const bases: [Vec3, Vec3, Vec3][] = [
    [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ], // trace branch
    [
      [1, 0, 0],
      [0, -1, 0],
      [0, 0, -1],
    ], // x-dominant (180 deg about X)
    [
      [-1, 0, 0],
      [0, 1, 0],
      [0, 0, -1],
    ], // y-dominant
    [
      [-1, 0, 0],
      [0, -1, 0],
      [0, 0, 1],
    ], // z-dominant
    [
      [0, 1, 0],
      [-1, 0, 0],
      [0, 0, 1],
    ], // 90 deg about Z
  ];
  for (const [a, b, c] of bases) {
    const q = quaternionFromBasis(a, b, c);
    for (const [axis, expected] of [
      [[1, 0, 0], a],
      [[0, 1, 0], b],
      [[0, 0, 1], c],
    ] as [Vec3, Vec3][]) {
      const r = rotate(q, axis);
      for (let k = 0; k < 3; k++)
        assert.ok(Math.abs(r[k] - expected[k]) < 1e-12, `${JSON.stringify([a, b, c])}`);
    }
  }
});

test('demo Gaussians: deterministic, finite, flat discs lying on the surfaces, coloured, opaque', () => {
  const a = generateDemoGaussians({ count: 2000, seed: 5 });
  const b = generateDemoGaussians({ count: 2000, seed: 5 });
  assert.deepEqual(a, b);
  assert.equal(a.count, 2000);
  assertFiniteScene(a, 'demo');
  const scene = buildDemoScene(5);
  const sphere = scene.shapes.find((s) => s.name === 'marble-sphere')!;
  let onSphere = 0;
  for (let i = 0; i < a.count; i++) {
    const p: Vec3 = [a.positions[i * 3], a.positions[i * 3 + 1], a.positions[i * 3 + 2]];
    assert.ok(
      Math.hypot(p[0] - scene.centre[0], p[1] - scene.centre[1], p[2] - scene.centre[2]) <= scene.radius,
      'inside the scene',
    );
    assert.ok(p[2] > -1e-6, 'not below the ground');
    const q = a.rotations.subarray(i * 4, i * 4 + 4);
    assert.ok(Math.abs(Math.hypot(...q) - 1) < 1e-5, 'unit quaternion');
    // The thin (third) axis is the surface normal: for the sphere it points away from the centre.
    const n = rotate(q, [0, 0, 1]);
    const expected = sphere.normal(p);
    const onThisSphere = Math.abs(Math.hypot(p[0] - 0.5, p[1] - 0.35, p[2] - 0.48) - 0.48) < 1e-5;
    if (onThisSphere) {
      onSphere++;
      // float32 positions: normals agree to ~1e-6.
      assert.ok(
        n[0] * expected[0] + n[1] * expected[1] + n[2] * expected[2] > 0.9999,
        'disc normal along the sphere normal',
      );
    }
    assert.ok(
      a.logScales[i * 3 + 2] < Math.min(a.logScales[i * 3], a.logScales[i * 3 + 1]) - 1,
      'flat along the normal',
    );
    assert.ok(sigmoid(a.opacityLogits[i]) > 0.8);
    for (let c = 0; c < 3; c++) {
      const colour = 0.5 + SH_C0 * a.shDC[i * 3 + c];
      assert.ok(colour >= -1e-6 && colour <= 1 + 1e-6);
    }
  }
  // The sphere is ~19% of the total surface area; it must get about that share (binomial sd ~0.9%).
  assert.ok(onSphere > 0.12 * a.count && onSphere < 0.26 * a.count, `${onSphere} on the sphere`);
});

test('demo Gaussians with SH bands carry small rest coefficients; the PLY has the INRIA layout', () => {
  const g = generateDemoGaussians({ count: 50, shDegree: 2 });
  assert.equal(g.shRest.length, 50 * shRestCount(2) * 3);
  assert.ok(g.shRest.some((v) => v !== 0) && g.shRest.every((v) => Math.abs(v) <= 0.03));
  const ply = Buffer.from(gaussianPly(g));
  const end = ply.indexOf('end_header\n') + 'end_header\n'.length;
  const header = ply.subarray(0, end).toString();
  const names = [...header.matchAll(/property float (\S+)/g)].map((m) => m[1]);
  assert.deepEqual(names.slice(0, 9), ['x', 'y', 'z', 'nx', 'ny', 'nz', 'f_dc_0', 'f_dc_1', 'f_dc_2']);
  assert.equal(names.length, 9 + 24 + 1 + 3 + 4);
  assert.equal(ply.length - end, 50 * names.length * 4);
  // Channel-major f_rest: f_rest_[c*K + k] holds coefficient k of channel c.
  const row = 7;
  const k = 8;
  const col = (name: string): number => names.indexOf(name);
  const read = (name: string): number => ply.readFloatLE(end + (row * names.length + col(name)) * 4);
  assert.equal(read('f_rest_9'), g.shRest[(row * k + 1) * 3 + 1]);
  assert.equal(read('opacity'), g.opacityLogits[row]);
  assert.equal(read('rot_3'), g.rotations[row * 4 + 3]);
});

test("frame 'y-down' is the same scene rotated so +Z up becomes -Y", () => {
  const z = generateDemoGaussians({ count: 200 });
  const y = generateDemoGaussians({ count: 200, frame: 'y-down' });
  for (let i = 0; i < z.count; i++) {
    const p: Vec3 = [z.positions[i * 3], z.positions[i * 3 + 1], z.positions[i * 3 + 2]];
    assert.deepEqual(
      [y.positions[i * 3], y.positions[i * 3 + 1], y.positions[i * 3 + 2]],
      [p[0], -p[2], p[1]],
    );
    // Each Gaussian's axes turn with the world: rotate (axis) in the new frame = R (rotate (axis) in the old).
    for (const axis of [
      [1, 0, 0],
      [0, 0, 1],
    ] as Vec3[]) {
      const a = rotate(z.rotations.subarray(i * 4, i * 4 + 4), axis);
      const b = rotate(y.rotations.subarray(i * 4, i * 4 + 4), axis);
      const expected: Vec3 = [a[0], -a[2], a[1]];
      // float32 quaternions: components agree to ~1e-6.
      for (let k = 0; k < 3; k++) assert.ok(Math.abs(b[k] - expected[k]) < 1e-5);
    }
  }
});

test('bad counts are rejected', () => {
  assert.throws(() => generateDemoGaussians({ count: 0 }), /count/);
});

test('demo Gaussians sit on what the dataset images show: centres land on opaque pixels with similar colours', async () => {
  const { renderDemoDataset, DEMO_CAMERA_ANGLE_X } = await import('./dataset.ts');
  const { PNG } = await import('pngjs');
  const { viewFromOpenGLCameraToWorld } = await import('../../shared/math/camera.ts');
  const { nearestHit } = await import('./raytrace.ts');
  const size = 64;
  const data = renderDemoDataset({ views: 3, size, spp: 4, points: 10 });
  const g = generateDemoGaussians({ count: 600 });
  const scene = buildDemoScene(1);
  const f = size / (2 * Math.tan(DEMO_CAMERA_ANGLE_X / 2));
  let inFrame = 0,
    onOpaque = 0;
  const colourErrors: number[] = [];
  for (const frame of [...data.train.frames, ...data.test.frames]) {
    const png = PNG.sync.read(Buffer.from(data.images.get(`${frame.file_path.slice(2)}.png`)!));
    const m = viewFromOpenGLCameraToWorld(frame.transform_matrix);
    const t = frame.transform_matrix;
    const eye: Vec3 = [t[0][3], t[1][3], t[2][3]];
    for (let i = 0; i < g.count; i++) {
      const p: Vec3 = [g.positions[i * 3], g.positions[i * 3 + 1], g.positions[i * 3 + 2]];
      const x = m[0] * p[0] + m[4] * p[1] + m[8] * p[2] + m[12];
      const y = m[1] * p[0] + m[5] * p[1] + m[9] * p[2] + m[13];
      const z = m[2] * p[0] + m[6] * p[1] + m[10] * p[2] + m[14];
      const px = Math.floor(f * (x / z) + size / 2),
        py = Math.floor(f * (y / z) + size / 2);
      if (z <= 0 || px < 0 || py < 0 || px >= size || py >= size) continue;
      inFrame++;
      const o = (py * size + px) * 4;
      if (png.data[o + 3] > 0) onOpaque++;
      // Visible (nothing in front) and well inside a surface: compare colours.
      const d: Vec3 = [p[0] - eye[0], p[1] - eye[1], p[2] - eye[2]];
      const dist = Math.hypot(...d);
      const hit = nearestHit(scene, eye, [d[0] / dist, d[1] / dist, d[2] / dist]);
      if (hit && Math.abs(hit.t - dist) < 1e-3 && png.data[o + 3] === 255) {
        let e = 0;
        for (let c = 0; c < 3; c++)
          e += Math.abs(png.data[o + c] / 255 - (0.5 + SH_C0 * g.shDC[i * 3 + c])) / 3;
        colourErrors.push(e);
      }
    }
  }
  // Every centre lies on a surface, so in-frame centres hit opaque pixels (float32 positions: a few may graze an edge pixel).
  assert.ok(onOpaque >= 0.99 * inFrame, `${onOpaque} of ${inFrame} on opaque pixels`);
  colourErrors.sort((a, b) => a - b);
  const median = colourErrors[Math.floor(colourErrors.length / 2)];
  // Splat colours are the texture averaged over the footprint without highlights; pixels see the texture at one
  // point with highlights, so single pixels differ at texture edges; measured median 0.063 (deterministic seed).
  assert.ok(
    colourErrors.length > 300 && median < 0.08,
    `median colour error ${median} over ${colourErrors.length}`,
  );
});
