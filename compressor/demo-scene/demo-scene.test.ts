// Tests of the demo dataset generator: determinism, camera conventions (checked against the shared
// camera code, an independent implementation of the NeRF -> OpenCV conversion), image content, the
// NeRF JSON layout, files on disk, and run time at a tiny size.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import type { Camera, Vec3 } from '../../shared/math/camera.ts';
import { viewFromOpenGLCameraToWorld } from '../../shared/math/camera.ts';
import {
  DEMO_CAMERA_ANGLE_X,
  DEMO_STAMP_FILE,
  isDemoDatasetCurrent,
  renderDemoDataset,
  renderDemoDatasetParallel,
  writeDemoDataset,
} from './dataset.ts';
import type { NerfTransforms } from './dataset.ts';
import { pixelRay } from './raytrace.ts';
import { buildDemoScene } from './scene.ts';

const small = { views: 9, size: 24, spp: 1, points: 200 };

function cameraOf(frame: { transform_matrix: number[][] }, size: number): Camera {
  const f = size / (2 * Math.tan(DEMO_CAMERA_ANGLE_X / 2));
  return {
    width: size,
    height: size,
    fx: f,
    fy: f,
    cx: size / 2,
    cy: size / 2,
    viewMatrix: viewFromOpenGLCameraToWorld(frame.transform_matrix),
  };
}

/** Pixel position (x, y) and camera depth of a world point, via the shared world-to-camera matrix. */
function project(camera: Camera, p: Vec3): [number, number, number] {
  const m = camera.viewMatrix;
  const x = m[0] * p[0] + m[4] * p[1] + m[8] * p[2] + m[12];
  const y = m[1] * p[0] + m[5] * p[1] + m[9] * p[2] + m[13];
  const z = m[2] * p[0] + m[6] * p[1] + m[10] * p[2] + m[14];
  return [camera.fx * (x / z) + camera.cx, camera.fy * (y / z) + camera.cy, z];
}

function allFrames(d: { train: NerfTransforms; test: NerfTransforms }): NerfTransforms['frames'] {
  return [...d.train.frames, ...d.test.frames];
}

function decode(png: Uint8Array): PNG {
  return PNG.sync.read(Buffer.from(png));
}

test('same seed gives identical bytes; another seed differs', () => {
  const a = renderDemoDataset({ ...small, seed: 3 });
  const b = renderDemoDataset({ ...small, seed: 3 });
  const c = renderDemoDataset({ ...small, seed: 4 });
  assert.deepEqual([...a.images.keys()], [...b.images.keys()]);
  for (const [path, png] of a.images) assert.deepEqual(png, b.images.get(path), path);
  assert.deepEqual(a.pointsPly, b.pointsPly);
  assert.equal(JSON.stringify(a.train), JSON.stringify(b.train));
  assert.notEqual(JSON.stringify(a.train), JSON.stringify(c.train));
  assert.notDeepEqual(a.images.get('train/r_0.png'), c.images.get('train/r_0.png'));
});

test('rendering on worker threads gives the same bytes as on one thread, with progress for every view', async () => {
  const serial = renderDemoDataset({ ...small, seed: 5 });
  const seen: number[] = [];
  const parallel = await renderDemoDatasetParallel({ ...small, seed: 5 }, 2, ({ view }) => seen.push(view));
  assert.equal(parallel.threads, 2);
  assert.deepEqual([...parallel.images.keys()], [...serial.images.keys()]);
  for (const [path, png] of serial.images) assert.deepEqual(parallel.images.get(path), png, path);
  assert.equal(JSON.stringify(parallel.train), JSON.stringify(serial.train));
  assert.equal(JSON.stringify(parallel.test), JSON.stringify(serial.test));
  assert.deepEqual(parallel.pointsPly, serial.pointsPly);
  assert.deepEqual(
    seen,
    Array.from({ length: small.views }, (_, i) => i + 1),
  );
});

test('every camera looks at the scene centre (projects to the image centre, in front of the camera)', () => {
  const size = 64;
  const d = renderDemoDataset({ ...small, size, views: 3 });
  const centre = buildDemoScene(1).centre;
  for (const frame of allFrames(d)) {
    const [x, y, z] = project(cameraOf(frame, size), centre);
    assert.ok(z > 0, `${frame.file_path}: centre behind the camera`);
    // The pose is built to look exactly at the centre: float32 matrices leave ~1e-5 px of error.
    assert.ok(
      Math.abs(x - size / 2) < 1e-3 && Math.abs(y - size / 2) < 1e-3,
      `${frame.file_path}: centre at ${x}, ${y}`,
    );
  }
});

test('the tracer shoots each pixel ray through the point the shared camera projects to that pixel', () => {
  const size = 40;
  const d = renderDemoDataset({ ...small, size, views: 2 });
  for (const frame of allFrames(d)) {
    const camera = cameraOf(frame, size);
    const m = frame.transform_matrix;
    const eye: Vec3 = [m[0][3], m[1][3], m[2][3]];
    for (const [sx, sy] of [
      [0.5, 0.5],
      [39.5, 3.25],
      [7, 31],
      [20, 20],
    ]) {
      const r = pixelRay({ width: size, height: size, focal: camera.fx, cameraToWorld: m }, sx, sy);
      const p: Vec3 = [eye[0] + 3 * r[0], eye[1] + 3 * r[1], eye[2] + 3 * r[2]];
      const [x, y] = project(camera, p);
      // Float32 view matrix: ~1e-6 relative error on 4-unit distances, far below 1e-3 px.
      assert.ok(
        Math.abs(x - sx) < 1e-3 && Math.abs(y - sy) < 1e-3,
        `pixel ${sx},${sy} came back at ${x},${y}`,
      );
    }
  }
});

test('images show the scene: coverage in range, disc rim opaque inside and empty outside, not flat colour', () => {
  const size = 48;
  const d = renderDemoDataset({ ...small, size, spp: 4 });
  for (const frame of allFrames(d)) {
    const png = decode(d.images.get(`${frame.file_path.slice(2)}.png`)!);
    assert.equal(png.width, size);
    let covered = 0,
      lumMin = 1,
      lumMax = 0;
    for (let i = 0; i < size * size; i++) {
      const a = png.data[i * 4 + 3] / 255;
      covered += a;
      if (a === 1) {
        const lum = (png.data[i * 4] + png.data[i * 4 + 1] + png.data[i * 4 + 2]) / 765;
        lumMin = Math.min(lumMin, lum);
        lumMax = Math.max(lumMax, lum);
      }
    }
    const coverage = covered / (size * size);
    // The disc (radius 1.6 at distance 4, fov 0.8 rad) fills roughly 30-70% of the frame across elevations.
    assert.ok(coverage > 0.2 && coverage < 0.85, `${frame.file_path}: coverage ${coverage}`);
    assert.ok(lumMax - lumMin > 0.4, `${frame.file_path}: flat image (${lumMin}..${lumMax})`);
    // The ground rim on the camera's side: nothing can be in front of it, nothing is beyond it in the image.
    const camera = cameraOf(frame, size);
    const m = frame.transform_matrix;
    const az = Math.atan2(m[1][3], m[0][3]);
    for (const offset of [-0.6, 0, 0.6]) {
      const dir: Vec3 = [Math.cos(az + offset), Math.sin(az + offset), 0];
      // Alpha at a ground point `r` from the origin; undefined when it falls outside the frame.
      const alphaAt = (r: number): number | undefined => {
        const [x, y] = project(camera, [dir[0] * r, dir[1] * r, 0]);
        if (x < 0 || y < 0 || x >= size || y >= size) return undefined;
        return png.data[(Math.floor(y) * size + Math.floor(x)) * 4 + 3];
      };
      assert.equal(alphaAt(1.35), 255, `${frame.file_path}: ground inside the near rim is not opaque`);
      assert.ok(
        alphaAt(1.95) === 0 || alphaAt(1.95) === undefined,
        `${frame.file_path}: something outside the near rim`,
      );
    }
  }
});

test('NeRF layout on disk: valid JSON, rigid camera-to-world matrices, every-8th test split, PNGs and point cloud present', async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'demo-scene-')), 'dataset');
  try {
    const started = performance.now();
    await writeDemoDataset(dir, { views: 17, size: 16, spp: 1, points: 100 });
    // Runtime guard: this tiny dataset takes ~0.2 s; 10 s catches an accidental complexity blow-up even on a loaded machine.
    assert.ok(performance.now() - started < 10_000);
    const train = JSON.parse(readFileSync(join(dir, 'transforms_train.json'), 'utf8')) as NerfTransforms;
    const test_ = JSON.parse(readFileSync(join(dir, 'transforms_test.json'), 'utf8')) as NerfTransforms;
    assert.equal(train.frames.length, 14);
    assert.equal(test_.frames.length, 3); // views 0, 8, 16
    for (const [split, t] of [
      ['train', train],
      ['test', test_],
    ] as const) {
      assert.equal(typeof t.camera_angle_x, 'number');
      t.frames.forEach((frame, i) => {
        assert.equal(frame.file_path, `./${split}/r_${i}`);
        const png = decode(readFileSync(join(dir, `${frame.file_path}.png`)));
        assert.equal(png.width, 16);
        const m = frame.transform_matrix;
        assert.deepEqual(m[3], [0, 0, 0, 1]);
        for (let a = 0; a < 3; a++) {
          for (let b = 0; b < 3; b++) {
            const dotAB = m[0][a] * m[0][b] + m[1][a] * m[1][b] + m[2][a] * m[2][b];
            assert.ok(Math.abs(dotAB - (a === b ? 1 : 0)) < 1e-9, 'rotation columns orthonormal');
          }
        }
        const det =
          m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
          m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
          m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
        assert.ok(Math.abs(det - 1) < 1e-9, 'proper rotation');
        assert.ok(m[2][3] > 0, 'cameras above the ground');
      });
    }
    const ply = readFileSync(join(dir, 'points3d.ply'));
    const headerEnd = ply.indexOf('end_header\n') + 'end_header\n'.length;
    assert.match(ply.subarray(0, headerEnd).toString(), /element vertex 100\n/);
    assert.equal(ply.length - headerEnd, 100 * 27); // 6 floats + 3 bytes per point
    assert.ok(existsSync(join(dir, 'transforms_val.json')));
    assert.ok(existsSync(join(dir, DEMO_STAMP_FILE)));
    assert.ok(isDemoDatasetCurrent(dir, { views: 17, size: 16, spp: 1, points: 100 }));
    assert.ok(!isDemoDatasetCurrent(dir, { views: 17, size: 16, spp: 1, points: 101 }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('refuses to replace a folder that is not a demo dataset', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'demo-scene-'));
  try {
    await import('node:fs/promises').then((fs) => fs.writeFile(join(dir, 'precious.txt'), 'x'));
    await assert.rejects(writeDemoDataset(dir, { views: 2, size: 4 }), /not a demo dataset/);
    assert.ok(existsSync(join(dir, 'precious.txt')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bad options are rejected with the option name', () => {
  assert.throws(() => renderDemoDataset({ size: 0 }), /--size/);
  assert.throws(() => renderDemoDataset({ views: 1.5 }), /--views/);
});
