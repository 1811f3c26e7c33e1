// antimatter15 .splat writer: the file reads back in splat-transform's own .splat reader (dev dependency
// only) and ours as the scene within the format's quantization (u8 colour, opacity and rotation); scenes
// with SH bands are refused (the format has none) before any file exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SH_C0, sigmoid, type GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { peerReadScene } from './peer-formats.ts';
import { decodeSplat } from './read-splat.ts';
import { randomScene, withTempDir } from './test-helpers.ts';
import { encodeSplat, writeSplat } from './write-splat.ts';

function assertWithinSplatQuantization(input: GaussianScene, decoded: GaussianScene, what: string): void {
  assert.equal(decoded.count, input.count);
  const near = (a: number, b: number, tol: number, label: string) =>
    assert.ok(Math.abs(a - b) <= tol, `${what} ${label}: ${a} vs ${b}`);
  for (let i = 0; i < input.count * 3; i++) {
    near(decoded.positions[i], input.positions[i], 1e-6, `position ${i}`);
    near(decoded.logScales[i], input.logScales[i], 1e-5, `log-scale ${i}`);
    // colour byte: half a step of 1/255 in 0.5 + SH_C0 * dc
    near(decoded.shDC[i], input.shDC[i], 0.5 / 255 / SH_C0 + 1e-6, `DC ${i}`);
  }
  for (let i = 0; i < input.count; i++) {
    near(
      sigmoid(decoded.opacityLogits[i]),
      sigmoid(input.opacityLogits[i]),
      0.5 / 255 + 1e-6,
      `opacity ${i}`,
    );
    const q = input.rotations.subarray(i * 4, i * 4 + 4);
    const r = decoded.rotations.subarray(i * 4, i * 4 + 4);
    const cos = (q[0] * r[0] + q[1] * r[1] + q[2] * r[2] + q[3] * r[3]) / Math.hypot(...q) / Math.hypot(...r);
    // each component within 0.5 / 128 (and 1/128 where 1.0 clamps to 255): |cos| stays above 0.9995
    assert.ok(cos > 0.9995, `${what} rotation ${i}: cos ${cos}`);
  }
}

test('.splat: splat-transform’s reader and ours read our file as the scene within its u8 quantization', async () => {
  const scene = randomScene(2000, 0, 31);
  // Colours inside the u8 range (.splat clamps base colours to [0, 1]).
  for (let i = 0; i < scene.shDC.length; i++) scene.shDC[i] = (scene.shDC[i] / 2) * (0.5 / SH_C0);
  const bytes = encodeSplat('x.splat', scene);
  assert.equal(bytes.length, 32 * scene.count);
  assertWithinSplatQuantization(scene, decodeSplat('x.splat', bytes), 'ours');
  const peer = await peerReadScene(new Map([['x.splat', bytes]]), 'x.splat', 'splat');
  assertWithinSplatQuantization(scene, peer, 'splat-transform');
});

test('.splat refuses SH bands and non-finite values before writing', async () => {
  await withTempDir(async (dir) => {
    const out = join(dir, 'sh.splat');
    await assert.rejects(
      writeSplat(out, randomScene(10, 1, 2)),
      /sh\.splat: \.splat holds SH degree 0 at most, the scene has degree 1 \(pass --sh-degree 0 to drop the higher bands\)/,
    );
    const nan = randomScene(10, 0, 2);
    nan.opacityLogits[6] = Number.NaN;
    await assert.rejects(
      writeSplat(out, nan),
      /sh\.splat: Gaussian 6 has a non-finite opacity logit \(NaN\)/,
    );
    assert.equal(existsSync(out), false);
  });
});
