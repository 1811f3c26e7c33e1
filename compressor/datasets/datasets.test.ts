import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { resolutionOptions } from './dataset.ts';
import { DatasetError } from './dataset-error.ts';
import { loadDataset } from './load-dataset.ts';
import { resizeArea, scaledSize } from './images.ts';
import { distort, undistortImage } from './undistort.ts';
import { cameraPosition, lookAt, type Vec3 } from '../../shared/math/camera.ts';

function writePng(
  path: string,
  w: number,
  h: number,
  pixel: (x: number, y: number) => [number, number, number, number],
): void {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) png.data.set(pixel(x, y), (y * w + x) * 4);
  writeFileSync(path, PNG.sync.write(png));
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'gs-datasets-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Camera-to-world with OpenGL axes (row-major) for a camera at `eye` looking at the origin. */
function openGlCameraToWorld(eye: Vec3): number[][] {
  const view = lookAt(eye, [0, 0, 0], [0, 0, 1]); // world-to-camera, OpenCV
  // camera-to-world rotation = transpose; OpenCV -> OpenGL flips camera Y and Z axes.
  const m: number[][] = [
    [0, 0, 0, eye[0]],
    [0, 0, 0, eye[1]],
    [0, 0, 0, eye[2]],
    [0, 0, 0, 1],
  ];
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) m[r][c] = view[r * 4 + c] * (c === 0 ? 1 : -1);
  return m;
}

function writeBlender(dir: string, frames: number, ext = true): void {
  mkdirSync(join(dir, 'train'), { recursive: true });
  const list = [];
  for (let i = 0; i < frames; i++) {
    // half-transparent red on the left half, opaque blue on the right half
    writePng(join(dir, 'train', `r_${i}.png`), 8, 6, (x) => (x < 4 ? [255, 0, 0, 128] : [0, 0, 255, 255]));
    const angle = (i / frames) * 2 * Math.PI;
    list.push({
      file_path: `./train/r_${i}${ext ? '.png' : ''}`,
      transform_matrix: openGlCameraToWorld([4 * Math.cos(angle), 4 * Math.sin(angle), 1]),
    });
  }
  writeFileSync(join(dir, 'transforms_train.json'), JSON.stringify({ camera_angle_x: 0.7, frames: list }));
}

test('Blender: intrinsics, OpenGL->OpenCV poses, white compositing, downscale, split', (t) => {
  const dir = tempDir(t);
  writeBlender(dir, 10, false);
  const ds = loadDataset(dir, { downscale: 2 });
  assert.equal(ds.kind, 'blender');
  assert.equal(ds.cameras.length, 10);
  assert.deepEqual(ds.split.test, [0, 8]);
  assert.equal(ds.split.train.length, 8);
  const cam = ds.cameras[3];
  assert.equal(cam.width, 4);
  assert.equal(cam.height, 3);
  // fx at full res = 8 / (2 tan 0.35), halved by the downscale
  assert.ok(Math.abs(cam.fx - 8 / (2 * Math.tan(0.35)) / 2) < 1e-9);
  assert.equal(cam.cx, 2);
  // The camera looks at the origin: the origin projects to the principal point with z > 0.
  const v = cam.viewMatrix;
  const z = v[14],
    x = v[12],
    y = v[13];
  assert.ok(z > 0 && Math.abs(x) < 1e-5 && Math.abs(y) < 1e-5);
  const angle = (3 / 10) * 2 * Math.PI;
  const c = cameraPosition(v);
  assert.ok(Math.abs(c[0] - 4 * Math.cos(angle)) < 1e-5 && Math.abs(c[2] - 1) < 1e-5);
  const img = ds.images.get(0);
  assert.equal(img.length, 4 * 3 * 3);
  // left: red at alpha 128/255 over white -> (1, 1 - a, 1 - a); 8-bit quantisation: 1/255 tolerance
  const a = 128 / 255;
  assert.ok(Math.abs(img[0] - 1) < 1e-6 && Math.abs(img[1] - (1 - a)) < 1e-6);
  assert.ok(Math.abs(img[3 * 3 + 2] - 1) < 1e-6 && Math.abs(img[3 * 3]) < 1e-6); // right half: blue
  assert.ok(ds.sceneExtent > 0);
  assert.equal(ds.names[0], 'r_0.png');
});

test('Blender: missing images are skipped with a warning; specific errors for none left, malformed JSON, mismatched sizes', (t) => {
  const dir = tempDir(t);
  writeBlender(dir, 3);
  rmSync(join(dir, 'train', 'r_1.png'));
  const skipped = loadDataset(dir);
  assert.equal(skipped.cameras.length, 2);
  assert.deepEqual(skipped.names, ['r_0.png', 'r_2.png']);
  assert.equal(skipped.warnings?.length, 1);
  assert.match(
    skipped.warnings?.[0] ?? '',
    /1 of 3 frames have no image and are skipped \(first: ".\/train\/r_1.png"\)/,
  );
  for (const i of [0, 2]) rmSync(join(dir, 'train', `r_${i}.png`));
  assert.throws(
    () => loadDataset(dir),
    (e: unknown) => e instanceof DatasetError && /transforms_train\.json: no usable frames/.test(e.message),
  );
  writePng(join(dir, 'train', 'r_0.png'), 8, 6, () => [0, 0, 0, 255]);
  writePng(join(dir, 'train', 'r_2.png'), 8, 6, () => [0, 0, 0, 255]);
  writePng(join(dir, 'train', 'r_1.png'), 8, 7, () => [0, 0, 0, 255]);
  writeFileSync(
    join(dir, 'transforms_train.json'),
    JSON.stringify({
      camera_angle_x: 0.7,
      w: 8,
      h: 6,
      frames: [0, 1, 2].map((i) => ({
        file_path: `train/r_${i}`,
        transform_matrix: openGlCameraToWorld([3, 0, 0]),
      })),
    }),
  );
  assert.throws(
    () => loadDataset(dir),
    (e: unknown) => e instanceof DatasetError && /r_1\.png: image is 8x7 but/.test(e.message),
  );
  writeFileSync(join(dir, 'transforms_train.json'), '{"frames": [');
  assert.throws(
    () => loadDataset(dir),
    (e: unknown) => e instanceof DatasetError && /transforms_train\.json: malformed JSON/.test(e.message),
  );
  writeFileSync(
    join(dir, 'transforms_train.json'),
    '{"camera_angle_x": 1, "frames": [{"file_path": "train/r_0"}]}',
  );
  assert.throws(() => loadDataset(dir), /no 4x4 numeric "transform_matrix"/);
});

test('area downscale averages blocks exactly; non-integer ratios keep the mean', () => {
  const src = Float32Array.from({ length: 4 * 2 * 3 }, (_, i) => i);
  const out = resizeArea(src, 4, 2, 2, 1);
  // output pixel 0 = mean of source pixels (0,0),(1,0),(0,1),(1,1): channel 0 values 0,3,12,15
  assert.equal(out[0], 7.5);
  const odd = resizeArea(
    Float32Array.from({ length: 5 * 3 * 3 }, () => 0.25),
    5,
    3,
    3,
    2,
  );
  for (const v of odd) assert.ok(Math.abs(v - 0.25) < 1e-6);
});

// ---------- COLMAP ----------

interface SyntheticColmap {
  cameras: { id: number; model: string; modelId: number; w: number; h: number; params: number[] }[];
  images: { id: number; q: number[]; t: number[]; cam: number; name: string }[];
  points: { xyz: number[]; rgb: number[] }[];
}

function syntheticColmap(model = 'PINHOLE', params = [10, 11, 4, 3]): SyntheticColmap {
  const modelId = [
    'SIMPLE_PINHOLE',
    'PINHOLE',
    'SIMPLE_RADIAL',
    'RADIAL',
    'OPENCV',
    'OPENCV_FISHEYE',
    'FULL_OPENCV',
    'FOV',
  ].indexOf(model);
  const images = [];
  for (let i = 0; i < 9; i++) {
    const half = (i * 0.3) / 2; // rotation about y by i·0.3 rad
    images.push({
      id: i + 1,
      q: [Math.cos(half), 0, Math.sin(half), 0],
      t: [0.1 * i, -0.2, 3],
      cam: 1,
      name: `img_${String(8 - i).padStart(2, '0')}.png`,
    });
  }
  return {
    cameras: [{ id: 1, model, modelId, w: 8, h: 6, params }],
    images,
    points: [
      { xyz: [1, 2, 3], rgb: [255, 0, 51] },
      { xyz: [-1, 0, 0.5], rgb: [0, 255, 0] },
    ],
  };
}

function writeColmapText(dir: string, s: SyntheticColmap): void {
  const sparse = join(dir, 'sparse', '0');
  mkdirSync(sparse, { recursive: true });
  writeFileSync(
    join(sparse, 'cameras.txt'),
    '# Camera list\n' +
      s.cameras.map((c) => `${c.id} ${c.model} ${c.w} ${c.h} ${c.params.join(' ')}`).join('\n') +
      '\n',
  );
  // second image has an empty POINTS2D line
  writeFileSync(
    join(sparse, 'images.txt'),
    '# Image list\n' +
      s.images
        .map(
          (im, i) =>
            `${im.id} ${[...im.q, ...im.t].join(' ')} ${im.cam} ${im.name}\n${i === 1 ? '' : '1.0 2.0 -1'}`,
        )
        .join('\n') +
      '\n',
  );
  writeFileSync(
    join(sparse, 'points3D.txt'),
    '# points\n' +
      s.points.map((p, i) => `${i + 1} ${p.xyz.join(' ')} ${p.rgb.join(' ')} 0.5 1 0`).join('\n') +
      '\n',
  );
}

function writeColmapBinary(dir: string, s: SyntheticColmap): void {
  const sparse = join(dir, 'sparse', '0');
  mkdirSync(sparse, { recursive: true });
  const bytes: number[] = [];
  const put = (size: number, write: (v: DataView) => void) => {
    const b = new DataView(new ArrayBuffer(size));
    write(b);
    bytes.push(...new Uint8Array(b.buffer));
  };
  const u64 = (v: number) => put(8, (b) => b.setBigUint64(0, BigInt(v), true));
  const i32 = (v: number) => put(4, (b) => b.setInt32(0, v, true));
  const f64 = (v: number) => put(8, (b) => b.setFloat64(0, v, true));
  const flush = (name: string) => {
    writeFileSync(join(sparse, name), Uint8Array.from(bytes));
    bytes.length = 0;
  };
  u64(s.cameras.length);
  for (const c of s.cameras) {
    i32(c.id);
    i32(c.modelId);
    u64(c.w);
    u64(c.h);
    c.params.forEach(f64);
  }
  flush('cameras.bin');
  u64(s.images.length);
  for (const im of s.images) {
    i32(im.id);
    im.q.forEach(f64);
    im.t.forEach(f64);
    i32(im.cam);
    bytes.push(...new TextEncoder().encode(im.name), 0);
    u64(1);
    f64(1);
    f64(2);
    put(8, (b) => b.setBigInt64(0, -1n, true));
  }
  flush('images.bin');
  u64(s.points.length);
  s.points.forEach((p, i) => {
    u64(i + 1);
    p.xyz.forEach(f64);
    bytes.push(...p.rgb);
    f64(0.5);
    u64(1);
    i32(1);
    i32(0);
  });
  flush('points3D.bin');
}

function writeColmapImages(
  dir: string,
  s: SyntheticColmap,
  pixel: (x: number, y: number) => [number, number, number, number] = (x, y) => [x * 30, y * 40, 100, 255],
): void {
  mkdirSync(join(dir, 'images'), { recursive: true });
  for (const im of s.images) writePng(join(dir, 'images', im.name), 8, 6, pixel);
}

test('COLMAP text and binary models load identically (poses, intrinsics, points, name order, split)', (t) => {
  const s = syntheticColmap();
  const textDir = tempDir(t);
  writeColmapText(textDir, s);
  writeColmapImages(textDir, s);
  const binDir = tempDir(t);
  writeColmapBinary(binDir, s);
  writeColmapImages(binDir, s);
  const a = loadDataset(textDir);
  const b = loadDataset(binDir);
  for (const ds of [a, b]) {
    assert.equal(ds.kind, 'colmap');
    assert.deepEqual(ds.names, [...s.images.map((i) => i.name)].sort());
    assert.deepEqual(ds.split.test, [0, 8]);
    assert.equal(ds.pointCloud?.count, 2);
    assert.deepEqual([...(ds.pointCloud?.positions ?? [])], [1, 2, 3, -1, 0, 0.5]);
    assert.ok(Math.abs((ds.pointCloud?.colors[2] ?? 0) - 0.2) < 1e-6);
    const cam = ds.cameras[0]; // img_00 = synthetic image index 8 (names sorted)
    assert.deepEqual([cam.fx, cam.fy, cam.cx, cam.cy, cam.width, cam.height], [10, 11, 4, 3, 8, 6]);
    // world-to-camera: rotation about y by 8·0.3 rad, translation t
    const th = 8 * 0.3;
    assert.ok(
      Math.abs(cam.viewMatrix[0] - Math.cos(th)) < 1e-6 && Math.abs(cam.viewMatrix[8] - Math.sin(th)) < 1e-6,
    );
    assert.ok(Math.abs(cam.viewMatrix[12] - 0.8) < 1e-6 && cam.viewMatrix[14] === 3);
    const img = ds.images.get(0);
    assert.ok(Math.abs(img[(2 * 8 + 3) * 3] - 90 / 255) < 1e-6);
  }
  const c = b.cameras.map((cam) => cam.viewMatrix);
  a.cameras.forEach((cam, i) => {
    cam.viewMatrix.forEach((v, j) => {
      assert.ok(Math.abs(v - c[i][j]) < 1e-6);
    });
  });
});

test('COLMAP: unsupported models, unknown cameras, missing and mismatched images are DatasetErrors', (t) => {
  const fov = syntheticColmap('FOV', [10, 10, 4, 3, 0.1]);
  const d1 = tempDir(t);
  writeColmapText(d1, fov);
  writeColmapImages(d1, fov);
  assert.throws(
    () => loadDataset(d1),
    (e: unknown) =>
      e instanceof DatasetError && /cameras\.txt: camera 1 uses the unsupported model FOV/.test(e.message),
  );
  const s = syntheticColmap();
  s.images[2].cam = 7;
  const d2 = tempDir(t);
  writeColmapBinary(d2, s);
  writeColmapImages(d2, s);
  assert.throws(
    () => loadDataset(d2),
    (e: unknown) =>
      e instanceof DatasetError && /images\.bin: image "img_06\.png" refers to camera 7/.test(e.message),
  );
  const s3 = syntheticColmap();
  const d3 = tempDir(t);
  writeColmapText(d3, s3);
  writeColmapImages(d3, s3);
  rmSync(join(d3, 'images', 'img_03.png'));
  assert.throws(
    () => loadDataset(d3),
    (e: unknown) =>
      e instanceof DatasetError && /img_03\.png: registered image "img_03\.png" is missing/.test(e.message),
  );
  writePng(join(d3, 'images', 'img_03.png'), 9, 6, () => [0, 0, 0, 255]);
  assert.throws(
    () => loadDataset(d3),
    (e: unknown) => e instanceof DatasetError && /image is 9x6 but camera 1 is 8x6/.test(e.message),
  );
  const opencv = syntheticColmap('OPENCV', [10, 10, 4, 3, 0.1, 0, 0, 0]);
  const d4 = tempDir(t);
  writeColmapText(d4, opencv);
  writeColmapImages(d4, opencv);
  assert.throws(() => loadDataset(d4, { undistort: false }), /undistortion is off/);
  assert.equal(loadDataset(d4).cameras.length, 9);
});

test('undistortion samples the distorted image at the forward-distorted pixel', () => {
  const k = { width: 40, height: 30, fx: 30, fy: 32, cx: 20.5, cy: 14.5 };
  const d = { model: 'OPENCV' as const, k1: -0.2, k2: 0.05, p1: 0.01, p2: -0.02 };
  // A smooth (nearly linear) function of DISTORTED normalised coordinates, so bilinear sampling is ~exact.
  const g = (xd: number, yd: number) => 0.5 + 0.3 * xd - 0.2 * yd;
  const src = new Float32Array(40 * 30 * 3);
  for (let y = 0; y < 30; y++)
    for (let x = 0; x < 40; x++)
      src.fill(g((x + 0.5 - k.cx) / k.fx, (y + 0.5 - k.cy) / k.fy), (y * 40 + x) * 3, (y * 40 + x) * 3 + 3);
  const out = undistortImage(src, k, d);
  for (const [px, py] of [
    [20, 15],
    [5, 5],
    [35, 25],
    [10, 22],
  ]) {
    const [xd, yd] = distort(d, (px + 0.5 - k.cx) / k.fx, (py + 0.5 - k.cy) / k.fy);
    // g is linear, so bilinear interpolation reproduces it up to float32 rounding (~1e-7)
    assert.ok(Math.abs(out[(py * 40 + px) * 3] - g(xd, yd)) < 1e-5, `${px},${py}`);
  }
});

test('JPEG images load (COLMAP with .jpg names)', (t) => {
  const s = syntheticColmap('SIMPLE_PINHOLE', [10, 4, 3]);
  for (const im of s.images) im.name = im.name.replace('.png', '.jpg');
  const dir = tempDir(t);
  writeColmapText(dir, s);
  mkdirSync(join(dir, 'images'));
  const data = Buffer.alloc(8 * 6 * 4, 200);
  for (const im of s.images)
    writeFileSync(join(dir, 'images', im.name), jpeg.encode({ data, width: 8, height: 6 }, 95).data);
  const ds = loadDataset(dir, { imageLoading: 'lazy' });
  const img = ds.images.get(4);
  // JPEG at quality 95 of a flat grey: within a couple of levels of 200/255
  for (const v of img) assert.ok(Math.abs(v - 200 / 255) < 3 / 255);
  assert.equal(ds.cameras[0].fx, 10);
});

test('--resolution semantics as 3DGS: factors 1/2/4/8, widths, 1600-pixel cap by default', () => {
  assert.deepEqual(scaledSize(800, 600, resolutionOptions(4)), { width: 200, height: 150 });
  assert.deepEqual(scaledSize(800, 600, resolutionOptions(400)), { width: 400, height: 300 });
  assert.deepEqual(scaledSize(800, 600, resolutionOptions()), { width: 800, height: 600 });
  assert.deepEqual(scaledSize(3200, 2000, resolutionOptions()), { width: 1600, height: 1000 });
  assert.throws(() => resolutionOptions(0), RangeError);
});
