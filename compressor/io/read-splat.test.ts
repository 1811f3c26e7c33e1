// .splat decoding: a synthetic scene encoded with the format's published layout decodes back within the
// format's 8-bit quantization, and malformed sizes fail with a SceneReadError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SH_C0, sigmoid } from '../../shared/scene/gaussian-scene.ts';
import { decodeSplat, SPLAT_BYTES } from './read-splat.ts';
import { SceneReadError } from './scene-read-error.ts';
import { randomScene } from './test-helpers.ts';

const toByte = (v: number) => Math.max(0, Math.min(255, Math.round(v)));

test('.splat round trip stays within the 8-bit quantization of colour, opacity and rotation', () => {
  const scene = randomScene(500, 0, 21);
  const bytes = new Uint8Array(scene.count * SPLAT_BYTES);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < scene.count; i++) {
    const o = i * SPLAT_BYTES;
    for (let a = 0; a < 3; a++) {
      view.setFloat32(o + a * 4, scene.positions[i * 3 + a], true);
      view.setFloat32(o + 12 + a * 4, Math.exp(scene.logScales[i * 3 + a]), true);
      bytes[o + 24 + a] = toByte((0.5 + SH_C0 * scene.shDC[i * 3 + a]) * 255);
    }
    bytes[o + 27] = toByte(sigmoid(scene.opacityLogits[i]) * 255);
    const q = scene.rotations.subarray(i * 4, i * 4 + 4);
    const n = Math.hypot(...q);
    for (let c = 0; c < 4; c++) bytes[o + 28 + c] = toByte((q[c] / n) * 128 + 128);
  }
  const read = decodeSplat('synthetic.splat', bytes);
  assert.equal(read.count, scene.count);
  assert.equal(read.shDegree, 0);
  for (let i = 0; i < scene.count; i++) {
    for (let a = 0; a < 3; a++) {
      assert.equal(read.positions[i * 3 + a], scene.positions[i * 3 + a]); // float32 stored as is
      // log(exp(s)) through a float32: relative rounding 2^-24 of the scale -> ~6e-8 absolute in log space.
      assert.ok(Math.abs(read.logScales[i * 3 + a] - scene.logScales[i * 3 + a]) < 1e-6);
      const colour = (d: number) => 0.5 + SH_C0 * d;
      const c = colour(scene.shDC[i * 3 + a]);
      // Colours outside [0,1] clamp at the byte ends; otherwise within half an 8-bit step.
      const expected = Math.min(1, Math.max(0, c));
      assert.ok(Math.abs(colour(read.shDC[i * 3 + a]) - expected) <= 0.5 / 255 + 1e-9, `colour ${i}`);
    }
    // Opacity: half an 8-bit step of sigmoid(v).
    assert.ok(
      Math.abs(sigmoid(read.opacityLogits[i]) - sigmoid(scene.opacityLogits[i])) <= 0.5 / 255 + 1e-7,
      `opacity ${i}`,
    );
    const q = Array.from(scene.rotations.subarray(i * 4, i * 4 + 4));
    const n = Math.hypot(...q);
    // Rotation components: half a step of 1/128, plus the byte clamp at +1 (255 -> 0.9921875).
    for (let c = 0; c < 4; c++)
      assert.ok(Math.abs(read.rotations[i * 4 + c] - q[c] / n) <= 1 / 128, `rotation ${i}`);
  }
});

test('.splat whose size is not a multiple of 32 bytes is rejected', () => {
  assert.throws(
    () => decodeSplat('bad.splat', new Uint8Array(33)),
    (e: unknown) => e instanceof SceneReadError && /multiple of 32/.test(e.message),
  );
  const nan = new Uint8Array(32);
  new DataView(nan.buffer).setFloat32(4, NaN, true);
  assert.throws(
    () => decodeSplat('nan.splat', nan),
    (e: unknown) => e instanceof SceneReadError && /splat 0/.test(e.message),
  );
});
