// SOG v2 on a synthetic bundle: textures written with the published layout (16-bit log-domain means,
// smallest-three quats with a 252+ tag, codebook scales/colours, shN palette + labels), encoded as
// lossless WebP, read both as a .sog zip and as a folder with meta.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import encode, { init } from '@jsquash/webp/encode.js';
import { shRestCount, sigmoid, type ShDegree } from '../../shared/scene/gaussian-scene.ts';
import { readScene } from './read-scene.ts';
import { SceneReadError } from './scene-read-error.ts';
import { random, randomScene, withTempDir } from './test-helpers.ts';

let encoderReady: Promise<unknown> | undefined;
async function encodeLossless(rgba: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  encoderReady ??= (async () => {
    const wasm = await readFile(
      createRequire(import.meta.url).resolve('@jsquash/webp/codec/enc/webp_enc.wasm'),
    );
    // As for the decoder: the typings omit the precompiled-module overload that Node needs.
    await (init as unknown as (module: WebAssembly.Module) => Promise<unknown>)(
      await WebAssembly.compile(wasm),
    );
  })();
  await encoderReady;
  const image = { data: new Uint8ClampedArray(rgba), width, height, colorSpace: 'srgb' } as ImageData;
  return new Uint8Array(await encode(image, { lossless: 1, exact: 1 }));
}

const WIDTH = 16;
const byte = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
const nearest = (book: number[], v: number) =>
  book.reduce((best, b, i) => (Math.abs(b - v) < Math.abs(book[best] - v) ? i : best), 0);

async function buildSog(count: number, degree: ShDegree) {
  const scene = randomScene(count, degree, 40 + degree);
  const height = Math.ceil(count / WIDTH);
  const texture = () => new Uint8Array(WIDTH * height * 4);
  const logT = (x: number) => Math.sign(x) * Math.log1p(Math.abs(x));
  const mins = [0, 1, 2].map((a) =>
    Math.min(...Array.from({ length: count }, (_, i) => logT(scene.positions[i * 3 + a]))),
  );
  const maxs = [0, 1, 2].map((a) =>
    Math.max(...Array.from({ length: count }, (_, i) => logT(scene.positions[i * 3 + a]))),
  );
  const low = texture(),
    high = texture(),
    quats = texture(),
    scales = texture(),
    sh0 = texture();
  const scaleBook = Array.from({ length: 256 }, (_, i) => -8 + (9 * i) / 255);
  const dcBook = Array.from({ length: 256 }, (_, i) => -2 + (4 * i) / 255);
  for (let i = 0; i < count; i++) {
    for (let a = 0; a < 3; a++) {
      const q = Math.round(((logT(scene.positions[i * 3 + a]) - mins[a]) / (maxs[a] - mins[a])) * 65535);
      low[i * 4 + a] = q & 0xff;
      high[i * 4 + a] = q >> 8;
      scales[i * 4 + a] = nearest(scaleBook, scene.logScales[i * 3 + a]);
      sh0[i * 4 + a] = nearest(dcBook, scene.shDC[i * 3 + a]);
    }
    sh0[i * 4 + 3] = byte(sigmoid(scene.opacityLogits[i]) * 255);
    const q = Array.from(scene.rotations.subarray(i * 4, i * 4 + 4));
    const n = Math.hypot(...q);
    let largest = 0;
    for (let c = 1; c < 4; c++) if (Math.abs(q[c]) > Math.abs(q[largest])) largest = c;
    const sign = q[largest] < 0 ? -1 : 1;
    let k = 0;
    for (let c = 0; c < 4; c++)
      if (c !== largest) quats[i * 4 + k++] = byte(((((sign * q[c]) / n) * Math.SQRT2 + 1) / 2) * 255);
    quats[i * 4 + 3] = 252 + largest;
  }
  const files: Record<string, Uint8Array> = {
    'means_l.webp': await encodeLossless(low, WIDTH, height),
    'means_u.webp': await encodeLossless(high, WIDTH, height),
    'quats.webp': await encodeLossless(quats, WIDTH, height),
    'scales.webp': await encodeLossless(scales, WIDTH, height),
    'sh0.webp': await encodeLossless(sh0, WIDTH, height),
  };
  const meta: Record<string, unknown> = {
    version: 2,
    count,
    means: { mins, maxs, files: ['means_l.webp', 'means_u.webp'] },
    scales: { codebook: scaleBook, files: ['scales.webp'] },
    quats: { files: ['quats.webp'] },
    sh0: { codebook: dcBook, files: ['sh0.webp'] },
  };
  // shN: a palette of 70 entries (two centroid rows), random codebook indices, random labels.
  let expectedRest: Float32Array | undefined;
  if (degree > 0) {
    const k = shRestCount(degree);
    const rand = random(99);
    const palette = 70;
    const shBook = Array.from({ length: 256 }, (_, i) => -1 + (2 * i) / 255);
    const centroidRows = Math.ceil(palette / 64);
    const centroids = new Uint8Array(64 * k * centroidRows * 4);
    for (let p = 0; p < palette; p++) {
      for (let j = 0; j < k; j++) {
        const texel = (Math.floor(p / 64) * 64 * k + (p % 64) * k + j) * 4;
        for (let c = 0; c < 3; c++) centroids[texel + c] = Math.floor(rand() * 256);
        centroids[texel + 3] = 255;
      }
    }
    const labels = texture();
    expectedRest = new Float32Array(count * k * 3);
    for (let i = 0; i < count; i++) {
      const label = Math.floor(rand() * palette);
      labels[i * 4] = label & 0xff;
      labels[i * 4 + 1] = label >> 8;
      labels[i * 4 + 3] = 255;
      for (let j = 0; j < k; j++) {
        const texel = (Math.floor(label / 64) * 64 * k + (label % 64) * k + j) * 4;
        for (let c = 0; c < 3; c++) expectedRest[(i * k + j) * 3 + c] = shBook[centroids[texel + c]];
      }
    }
    files['shN_centroids.webp'] = await encodeLossless(centroids, 64 * k, centroidRows);
    files['shN_labels.webp'] = await encodeLossless(labels, WIDTH, height);
    meta.shN = {
      count: palette,
      bands: degree,
      codebook: shBook,
      files: ['shN_centroids.webp', 'shN_labels.webp'],
    };
  }
  files['meta.json'] = strToU8(JSON.stringify(meta));
  return { scene, files, expectedRest, mins, maxs, scaleBook, dcBook };
}

for (const degree of [0, 2] as ShDegree[]) {
  test(`SOG v2 bundle and folder decode within their quantization (SH degree ${degree})`, async () => {
    const built = await buildSog(100, degree);
    await withTempDir(async (dir) => {
      const bundle = join(dir, 'scene.sog');
      await writeFile(bundle, zipSync(built.files));
      const folder = join(dir, 'unbundled');
      await mkdir(folder);
      for (const [name, data] of Object.entries(built.files)) await writeFile(join(folder, name), data);
      for (const path of [bundle, join(folder, 'meta.json')]) {
        const read = await readScene(path);
        const { scene } = built;
        assert.equal(read.count, scene.count);
        assert.equal(read.shDegree, degree);
        for (let i = 0; i < scene.count * 3; i++) {
          const a = i % 3;
          // Positions: half a 16-bit step in the log domain, times d|x|/dv = 1 + |x|.
          const step =
            ((built.maxs[a] - built.mins[a]) / 65535 / 2) * (1 + Math.abs(scene.positions[i])) * 1.01;
          assert.ok(Math.abs(read.positions[i] - scene.positions[i]) <= step + 1e-6, `position ${i}`);
          // Codebooks with uniform spacing 9/255 and 4/255: half a spacing.
          assert.ok(Math.abs(read.logScales[i] - scene.logScales[i]) <= 4.5 / 255 + 1e-6, `scale ${i}`);
          assert.ok(Math.abs(read.shDC[i] - scene.shDC[i]) <= 2 / 255 + 1e-6, `dc ${i}`);
        }
        for (let i = 0; i < scene.count; i++) {
          assert.ok(
            Math.abs(sigmoid(read.opacityLogits[i]) - sigmoid(scene.opacityLogits[i])) <= 0.5 / 255 + 1e-6,
            `opacity ${i}`,
          );
          const q = Array.from(scene.rotations.subarray(i * 4, i * 4 + 4));
          const n = Math.hypot(...q);
          const got = read.rotations.subarray(i * 4, i * 4 + 4);
          const dot = q.reduce((s, v, c) => s + v * got[c], 0);
          // 8-bit fields over ±sqrt(1/2): half a step sqrt(2)/255/2 each, the derived one a little more.
          for (let c = 0; c < 4; c++)
            assert.ok(
              Math.abs(got[c] - (Math.sign(dot) * q[c]) / n) < (2 * Math.SQRT2) / 255,
              `rotation ${i}`,
            );
        }
        if (built.expectedRest) assert.deepEqual(read.shRest, built.expectedRest);
      }
    });
  });
}

test('SOG with a bad version or a missing texture fails with a SceneReadError', async () => {
  const built = await buildSog(20, 0);
  await withTempDir(async (dir) => {
    const wrongVersion = { ...built.files, 'meta.json': strToU8(JSON.stringify({ version: 3, count: 20 })) };
    await writeFile(join(dir, 'v3.sog'), zipSync(wrongVersion));
    await assert.rejects(
      readScene(join(dir, 'v3.sog')),
      (e: unknown) => e instanceof SceneReadError && /version 3/.test(e.message),
    );
    const missing = { ...built.files };
    delete missing['quats.webp'];
    await writeFile(join(dir, 'missing.sog'), zipSync(missing));
    await assert.rejects(
      readScene(join(dir, 'missing.sog')),
      (e: unknown) => e instanceof SceneReadError && /lacks quats.webp/.test(e.message),
    );
    const corrupt = { ...built.files, 'sh0.webp': new Uint8Array([1, 2, 3]) };
    await writeFile(join(dir, 'corrupt.sog'), zipSync(corrupt));
    await assert.rejects(
      readScene(join(dir, 'corrupt.sog')),
      (e: unknown) => e instanceof SceneReadError && /sh0.webp is not a decodable WebP/.test(e.message),
    );
  });
});
