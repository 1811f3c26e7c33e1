// SPZ writer: files written as v3 (gzip) and v4 (zstd, multi-frame streams) open in Niantic's own reference
// reader (@adobe/spz, the reference C++ library compiled to wasm; dev dependency only) and in ours, and
// decode to the input within SPZ's quantization; scenes SPZ cannot hold are refused before any file exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import spzPackage from '@adobe/spz';
import { shRestCount, sigmoid, type GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { shHalfTurnSigns } from './axis-turn.ts';
import { decodeSpz, SH_FLIP_RUB_TO_RDF } from './read-spz.ts';
import { randomScene, withTempDir } from './test-helpers.ts';
import { SceneWriteError } from './write-error.ts';
import { encodeSpz, packSmallestThree, spzFractionalBits, writeSpz } from './write-spz.ts';
import { FRAME_BYTES } from './zstd-frames.ts';

// Under NodeNext the package's CommonJS typings describe its default import as the whole module.
const createSpzModule = spzPackage as unknown as typeof import('@adobe/spz')['default'];
const spzModule = createSpzModule();

/** Asserts `decoded` is `input` within SPZ's quantization (each bound: half a quantization step + float slack). */
export function assertWithinSpzQuantization(
  input: GaussianScene,
  decoded: GaussianScene,
  fractionalBits = 12,
): void {
  assert.equal(decoded.count, input.count);
  assert.equal(decoded.shDegree, input.shDegree);
  const n = input.count;
  for (let i = 0; i < n * 3; i++) {
    const p = input.positions[i];
    assert.ok(
      Math.abs(decoded.positions[i] - p) <= 0.5 * 2 ** -fractionalBits + 1e-6 * Math.abs(p),
      `position ${i}`,
    );
    assert.ok(Math.abs(decoded.logScales[i] - input.logScales[i]) <= 0.5 / 16 + 1e-6, `log-scale ${i}`);
    assert.ok(Math.abs(decoded.shDC[i] - input.shDC[i]) <= 0.5 / (0.15 * 255) + 1e-6, `DC ${i}`);
  }
  for (let i = 0; i < n; i++) {
    const a = sigmoid(input.opacityLogits[i]);
    assert.ok(Math.abs(sigmoid(decoded.opacityLogits[i]) - a) <= 0.5 / 255 + 1e-6, `opacity ${i}`);
    const q = input.rotations.subarray(i * 4, i * 4 + 4);
    const r = decoded.rotations.subarray(i * 4, i * 4 + 4);
    const dot = (q[0] * r[0] + q[1] * r[1] + q[2] * r[2] + q[3] * r[3]) / Math.hypot(...q) / Math.hypot(...r);
    // 9-bit smallest-three: each component within 0.5 / 511 * sqrt(1/2), so 1 - |cos| stays below ~1e-6.
    assert.ok(Math.abs(dot) > 1 - 1e-5, `rotation ${i}: |cos| ${Math.abs(dot)}`);
  }
  const k = shRestCount(input.shDegree);
  for (let i = 0; i < n * k * 3; i++) {
    const band1 = Math.floor(i / 3) % k < 3;
    // Buckets of 8 (5 bits, band 1) or 16 (4 bits) codes of 1/128: half a bucket plus the rounding.
    const bound = ((band1 ? 4 : 8) + 0.5) / 128 + 1e-6;
    assert.ok(Math.abs(decoded.shRest[i] - input.shRest[i]) <= bound, `SH ${i}`);
  }
}

test('the SPZ half turn about x matches the reader’s RUB -> RDF sign table', () => {
  assert.deepEqual(shHalfTurnSigns('x'), SH_FLIP_RUB_TO_RDF);
});

test('smallest-three packing matches the reference bit layout on hand-worked quaternions', () => {
  // (x, y, z, w) = (0, 0, 0, 1): largest is w (index 3), the three others are zero.
  assert.equal(packSmallestThree(0, 0, 0, 1), 3 * 2 ** 30);
  // (x, y, z, w) = (-1, 0, 0, 0): largest is x (index 0) and negative; the reference flips every other
  // component's sign bit (negbit = (q < 0) ^ negate), so the three zeros carry sign bit 1 (-0 on decode).
  assert.equal(packSmallestThree(-1, 0, 0, 0), ((512 * 1024 + 512) * 1024 + 512) >>> 0);
  // (0.6, 0, 0, 0.8): largest w; x = 0.6 / sqrt(1/2) * 511 + 0.5 -> 434 in the top 10-bit field.
  assert.equal(packSmallestThree(0.6, 0, 0, 0.8), (3 * 1024 + 434) * 1024 * 1024);
});

for (const version of [3, 4] as const) {
  for (const degree of [0, 1, 2, 3] as const) {
    test(`SPZ v${version}, SH degree ${degree}: the reference reader and ours decode it within SPZ's quantization`, async () => {
      const scene = randomScene(1500, degree, 10 + degree);
      scene.antialiased = degree === 1;
      const bytes = await encodeSpz('x.spz', scene, version);
      if (version === 3) assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b]);
      else assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), 'NGSP');
      const ours = decodeSpz('x.spz', bytes);
      assert.equal(ours.antialiased, scene.antialiased);
      assertWithinSpzQuantization(scene, ours);
      const spz = await spzModule;
      const peer = spz.loadSpzFromBuffer(bytes, { to: spz.CoordinateSystem.RDF });
      assert.equal(peer.numPoints, scene.count);
      assert.equal(peer.shDegree, degree);
      assert.equal(peer.antialiased, scene.antialiased);
      // The reference decoder's floats against ours, from the same bytes: the same values.
      const close = (a: number, b: number, what: string) =>
        assert.ok(Math.abs(a - b) <= 1e-5, `${what}: ${a} vs ${b}`);
      for (let i = 0; i < scene.count * 3; i++) {
        close(peer.positions[i], ours.positions[i], `position ${i}`);
        close(peer.scales[i], ours.logScales[i], `log-scale ${i}`);
        close(peer.colors[i], ours.shDC[i], `DC ${i}`);
      }
      for (let i = 0; i < scene.count; i++) {
        close(sigmoid(peer.alphas[i]), sigmoid(ours.opacityLogits[i]), `opacity ${i}`);
        const [x, y, z, w] = peer.rotations.subarray(i * 4, i * 4 + 4);
        const r = ours.rotations.subarray(i * 4, i * 4 + 4);
        close(Math.abs(w * r[0] + x * r[1] + y * r[2] + z * r[3]), 1, `rotation ${i}`);
      }
      for (let i = 0; i < peer.sh.length; i++) close(peer.sh[i], ours.shRest[i], `SH ${i}`);
      assert.equal(peer.sh.length, ours.shRest.length);
    });
  }
}

test('SPZ v4 streams above zstd-codec’s 1 MiB frame size are written as several frames both readers join', async () => {
  const scene = randomScene(Math.ceil((1.5 * FRAME_BYTES) / 9), 0, 3); // positions: 9 bytes a Gaussian
  const bytes = await encodeSpz('big.spz', scene, 4);
  assertWithinSpzQuantization(scene, decodeSpz('big.spz', bytes));
  const spz = await spzModule;
  const peer = spz.loadSpzFromBuffer(bytes, { to: spz.CoordinateSystem.RDF });
  assert.equal(peer.numPoints, scene.count);
  assert.ok(Math.abs(peer.positions[scene.count * 3 - 1] - scene.positions[scene.count * 3 - 1]) < 1e-3);
});

test('positions beyond 12 fractional bits of range get fewer bits; beyond 24-bit range they are refused', async () => {
  const scene = randomScene(50, 0, 4);
  scene.positions[7] = 5000; // 5000 * 2^12 > 2^23: 10 fractional bits still hold it
  assert.equal(spzFractionalBits(scene.positions), 10);
  assertWithinSpzQuantization(scene, decodeSpz('x.spz', await encodeSpz('x.spz', scene, 4)), 10);
  scene.positions[7] = 9e6;
  await withTempDir(async (dir) => {
    const out = join(dir, 'far.spz');
    await assert.rejects(writeSpz(out, scene, 4), (e: unknown) => {
      assert.ok(e instanceof SceneWriteError);
      assert.match(e.message, /far\.spz: .*24-bit fixed-point range/);
      return true;
    });
    assert.equal(existsSync(out), false);
  });
});

test('non-finite values and zero quaternions are refused with the Gaussian named, before any file exists', async () => {
  await withTempDir(async (dir) => {
    const out = join(dir, 'bad.spz');
    const nan = randomScene(20, 1, 5);
    nan.shRest[3 * 3 * 4 + 2] = Number.NaN;
    await assert.rejects(
      writeSpz(out, nan, 3),
      /bad\.spz: Gaussian 4 has a non-finite SH coefficient \(NaN\)/,
    );
    const zero = randomScene(20, 0, 5);
    zero.rotations.fill(0, 8, 12);
    await assert.rejects(writeSpz(out, zero, 4), /bad\.spz: Gaussian 2 has a zero-length rotation/);
    assert.equal(existsSync(out), false);
  });
});
