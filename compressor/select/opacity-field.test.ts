// The opacity-field kernel (opacity-field.wgsl) against the CPU field gradient (natural-selection.ts's reference).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpuOrSkip } from '../gpu/test-gpu.ts';

/** A lost Dawn instance can leave a readback pending forever: fail instead of hanging the suite. */
const GPU_TEST = { timeout: 60_000 };
import { createStorage, readFloats } from '../train/gpu-buffers.ts';
import { OpacityFieldPass, addOpacityFieldGradient } from './opacity-field.ts';
import { symmetricFloats as randomArray } from '../../shared/math/random.ts';

test('opacity-field kernel matches the CPU field gradient (both kinds)', GPU_TEST, async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const { device } = gpu;
  const n = 1000;
  const logits = randomArray(n, 3, 8); // v in [-8, 8]: covers r clamped at 0.05 (a > 0.95) and not
  const field = new OpacityFieldPass(device);
  for (const kind of ['prior-free', 'finite-prior'] as const) {
    const base = randomArray(n, 9, 1e-3);
    // Packed-buffer use: the opacity section starts at float 128 of both buffers.
    const packedLogits = new Float32Array(128 + n).fill(99);
    packedLogits.set(logits, 128);
    const packedGrads = new Float32Array(128 + n).fill(7);
    packedGrads.set(base, 128);
    const logitBuffer = createStorage(device, packedLogits);
    const gradBuffer = createStorage(device, packedGrads);
    const encoder = device.createCommandEncoder();
    field.encode(encoder, logitBuffer, gradBuffer, n, { kind, weight: 2e-4 }, 128);
    device.queue.submit([encoder.finish()]);
    const all = await readFloats(device, gradBuffer, 128 + n);
    assert.ok(
      all.subarray(0, 128).every((x) => x === 7),
      'outside the section untouched',
    );
    const got = all.subarray(128);
    const want = Float64Array.from(base);
    addOpacityFieldGradient(logits, want, { kind, weight: 2e-4 });
    // f32 mean over 1,000 terms (tree-reduced) and f32 exp: ~1e-5 relative on the field term;
    // compare the field part relative to its own size.
    for (let i = 0; i < n; i++) {
      const fieldPart = want[i] - base[i];
      assert.ok(
        Math.abs(got[i] - want[i]) <= 1e-4 * Math.abs(fieldPart) + 1e-9,
        `${kind} ${i}: ${got[i]} vs ${want[i]}`,
      );
    }
    logitBuffer.destroy();
    gradBuffer.destroy();
  }
  field.destroy();
  gpu.check();
});
