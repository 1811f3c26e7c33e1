// NeRF transforms with lens distortion (k1 k2 k3 p1 p2, global and per frame) and an off-centre principal
// point: the loader undistorts each image to the pinhole camera. Checked against an independent reference:
// distorted images are made by inverting the distortion with OpenCV's fixed-point iteration
// (cvUndistortPoints), never with the forward formula the loader uses; a dot drawn at a known ideal pixel
// must come back there. Also: opaque/RGBA detection, and an undecodable image names its file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { DatasetError } from './dataset-error.ts';
import { loadDataset } from './load-dataset.ts';
import { distort } from './undistort.ts';

interface Lens {
  k1: number;
  k2: number;
  k3: number;
  p1: number;
  p2: number;
}

/** Ideal normalised coordinates of a distorted point, by OpenCV's fixed-point iteration. */
function undistortPoint(l: Lens, xd: number, yd: number): [number, number] {
  let x = xd;
  let y = yd;
  for (let i = 0; i < 100; i++) {
    const r2 = x * x + y * y;
    const icdist = 1 / (1 + ((l.k3 * r2 + l.k2) * r2 + l.k1) * r2);
    const dx = 2 * l.p1 * x * y + l.p2 * (r2 + 2 * x * x);
    const dy = l.p1 * (r2 + 2 * y * y) + 2 * l.p2 * x * y;
    x = (xd - dx) * icdist;
    y = (yd - dy) * icdist;
  }
  return [x, y];
}

test('forward distortion (OpenCV model with k3) inverts the fixed-point reference at a few points', () => {
  const lens: Lens = { k1: -0.21, k2: 0.07, k3: -0.015, p1: 0.0012, p2: -0.0009 };
  for (const [xd, yd] of [
    [0.1, 0.05],
    [-0.4, 0.3],
    [0.55, -0.42],
    [-0.05, -0.6],
  ]) {
    const [x, y] = undistortPoint(lens, xd, yd);
    const [rx, ry] = distort({ model: 'OPENCV', ...lens }, x, y);
    assert.ok(Math.hypot(rx - xd, ry - yd) < 1e-9, `${xd},${yd} -> ${rx},${ry}`);
  }
});

const W = 96;
const H = 72;
const K = { fl_x: 80, fl_y: 82, cx: 52.5, cy: 33 };

/** A distorted photo of a white dot (Gaussian blob) at ideal pixel (u, v) on grey, built by inverse mapping. */
function distortedDot(lens: Lens, u: number, v: number): PNG {
  const png = new PNG({ width: W, height: H });
  for (let py = 0; py < H; py++) {
    for (let px = 0; px < W; px++) {
      const [x, y] = undistortPoint(lens, (px + 0.5 - K.cx) / K.fl_x, (py + 0.5 - K.cy) / K.fl_y);
      const iu = x * K.fl_x + K.cx;
      const iv = y * K.fl_y + K.cy;
      const value = 60 + 195 * Math.exp(-((iu - u) ** 2 + (iv - v) ** 2) / (2 * 1.5 ** 2));
      png.data.set([value, value, value, 255], (py * W + px) * 4);
    }
  }
  return png;
}

function centroid(rgb: Float32Array): [number, number] {
  let sx = 0;
  let sy = 0;
  let s = 0;
  for (let i = 0; i < W * H; i++) {
    const w = Math.max(0, rgb[i * 3] - 0.3);
    sx += ((i % W) + 0.5) * w;
    sy += (Math.floor(i / W) + 0.5) * w;
    s += w;
  }
  return [sx / s, sy / s];
}

const pose = [
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [0, 0, 1, 3],
  [0, 0, 0, 1],
];

test('NeRF: global and per-frame k1 k2 k3 p1 p2 with an off-centre cx, cy are undistorted', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gs-nerf-distortion-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const global: Lens = { k1: -0.25, k2: 0.08, k3: -0.02, p1: 0.002, p2: -0.0015 };
  const perFrame: Lens = { k1: 0.12, k2: -0.03, k3: 0, p1: -0.001, p2: 0.002 };
  // Dots near the corners move most (several pixels at this size).
  const dots: [number, number][] = [
    [14, 12],
    [82, 60],
  ];
  writeFileSync(join(dir, 'a.png'), PNG.sync.write(distortedDot(global, ...dots[0])));
  writeFileSync(join(dir, 'b.png'), PNG.sync.write(distortedDot(perFrame, ...dots[1])));
  writeFileSync(
    join(dir, 'transforms.json'),
    JSON.stringify({
      ...K,
      ...global,
      w: W,
      h: H,
      frames: [
        { file_path: 'a.png', transform_matrix: pose },
        { file_path: 'b.png', transform_matrix: pose, ...perFrame },
        { file_path: 'missing.png', transform_matrix: pose },
      ],
    }),
  );
  const ds = loadDataset(dir, { holdout: false, maxWidth: 4096 });
  assert.equal(ds.cameras.length, 2);
  assert.equal(ds.cameras[0].cx, K.cx);
  assert.equal(ds.cameras[0].cy, K.cy);
  assert.equal(ds.images.opaque, true);
  assert.ok(ds.warnings?.some((w) => /1 of 3 frames have no image/.test(w)));
  assert.ok(ds.warnings?.some((w) => /lens distortion .* up to \d+\.\d px/.test(w)));
  for (const i of [0, 1]) {
    const [cu, cv] = centroid(ds.images.get(i));
    assert.ok(Math.hypot(cu - dots[i][0], cv - dots[i][1]) < 0.35, `frame ${i}: dot at ${cu},${cv}`);
  }
  // Ignoring the lens would leave the first dot pixels away: the check above can fail.
  const raw = PNG.sync.read(PNG.sync.write(distortedDot(global, ...dots[0])));
  const rgb = new Float32Array(W * H * 3).map((_, j) => raw.data[Math.floor(j / 3) * 4] / 255);
  const [ru, rv] = centroid(rgb);
  assert.ok(Math.hypot(ru - dots[0][0], rv - dots[0][1]) > 2, `uncorrected dot at ${ru},${rv}`);
});

test('NeRF: an image that does not decode is a DatasetError naming it; RGBA photos are not opaque', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gs-nerf-bad-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'images'));
  const png = new PNG({ width: 8, height: 6 });
  png.data.fill(200);
  writeFileSync(join(dir, 'images', 'ok.png'), PNG.sync.write(png));
  const frames = [{ file_path: 'images/ok.png', transform_matrix: pose }];
  writeFileSync(join(dir, 'transforms.json'), JSON.stringify({ camera_angle_x: 0.8, frames }));
  assert.equal(loadDataset(dir).images.opaque, false, 'alpha 200 < 255');
  // A PNG signature and header, then garbage: the size reads, the pixels do not.
  const broken = Buffer.from(PNG.sync.write(png));
  broken.fill(7, 40);
  writeFileSync(join(dir, 'images', 'broken.png'), broken);
  frames.push({ file_path: 'images/broken.png', transform_matrix: pose });
  writeFileSync(join(dir, 'transforms.json'), JSON.stringify({ camera_angle_x: 0.8, frames }));
  assert.throws(
    () => loadDataset(dir),
    (e: unknown) => e instanceof DatasetError && /broken\.png: cannot decode image/.test(e.message),
  );
});
