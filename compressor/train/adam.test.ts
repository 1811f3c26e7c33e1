import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpuOrSkip } from '../gpu/test-gpu.ts';

/** A lost Dawn instance can leave a readback pending forever: fail instead of hanging the suite. */
const GPU_TEST = { timeout: 60_000 };
import { AdamGroup, NEW_ROW } from './adam.ts';
import { createStorage, readFloats, writeArray } from './gpu-buffers.ts';
import { OpacityFieldPass, addOpacityFieldGradient } from '../select/opacity-field.ts';

/** Plain float64 Adam (PyTorch's formula), the reference for the kernel. */
function cpuAdam(p: Float64Array, g: ArrayLike<number>, m: Float64Array, v: Float64Array, step: number, lr: number): void {
  for (let i = 0; i < p.length; i++) {
    m[i] = 0.9 * m[i] + 0.1 * g[i];
    v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
    p[i] -= ((lr / (1 - 0.9 ** step)) * m[i]) / (Math.sqrt(v[i]) / Math.sqrt(1 - 0.999 ** step) + 1e-15);
  }
}

function randomArray(n: number, seed: number, scale = 1): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648 - 0.5) * 2 * scale;
  });
}

test('Adam kernel matches a CPU Adam over several steps with changing learning rates', GPU_TEST, async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const { device } = gpu;
  const rows = 300, columns = 3; // 900 elements: more than three workgroups
  const init = randomArray(rows * columns, 1);
  const group = new AdamGroup(device, 'means', columns, rows, init);
  const p = Float64Array.from(init), m = new Float64Array(p.length), v = new Float64Array(p.length);
  for (let step = 1; step <= 5; step++) {
    const g = randomArray(p.length, 100 + step, step === 3 ? 1e-6 : 1); // one tiny-gradient step: eps must not dominate
    g[0] = 0; // zero gradient: 0/0 guarded by eps
    writeArray(device, group.grad, g);
    const lr = 0.01 / step;
    const encoder = device.createCommandEncoder();
    group.encodeStep(encoder, lr);
    device.queue.submit([encoder.finish()]);
    cpuAdam(p, g, m, v, step, lr);
  }
  const got = await group.readParams();
  // Each step moves a parameter by <= ~lr (0.01); f32 rounding of the update terms is ~1e-7 relative,
  // and the parameters are O(1): 1e-6 absolute covers float32 storage of p (ulp ~1.2e-7) over 5 steps.
  for (let i = 0; i < p.length; i++) assert.ok(Math.abs(got[i] - p[i]) < 1e-6, `${i}: ${got[i]} vs ${p[i]}`);
  const grad = await group.readGrad();
  assert.ok(grad.every((x) => x === 0), 'gradient cleared after the step');
  group.destroy();
  gpu.check();
});

test('row gather keeps parameters and moments aligned; new rows start with zero moments', GPU_TEST, async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const { device } = gpu;
  const rows = 6, columns = 4;
  const init = Float32Array.from({ length: rows * columns }, (_, i) => i);
  const group = new AdamGroup(device, 'rot', columns, rows, init);
  device.queue.writeBuffer(group.grad, 0, Float32Array.from({ length: rows * columns }, (_, i) => 100 + i));
  const encoder = device.createCommandEncoder();
  group.encodeStep(encoder, 0.001, { clearGrad: false });
  device.queue.submit([encoder.finish()]);
  const before = await group.readParams();
  const m1Before = await readFloats(device, group.moment1, rows * columns);
  group.gatherRows(Uint32Array.from([5, 1, 3, NEW_ROW]));
  assert.equal(group.rows, 4);
  assert.equal(group.step, 1);
  const after = await group.readParams();
  const m1 = await readFloats(device, group.moment1, 16);
  const grad = await group.readGrad();
  [5, 1, 3].forEach((from, r) => {
    for (let c = 0; c < columns; c++) {
      assert.equal(after[r * columns + c], before[from * columns + c]);
      assert.equal(m1[r * columns + c], m1Before[from * columns + c]);
      assert.equal(grad[r * columns + c], 100 + from * columns + c);
    }
  });
  for (let c = 0; c < columns; c++) {
    assert.equal(after[12 + c], 0);
    assert.equal(m1[12 + c], 0);
  }
  // Densification path: parameters from the CPU, moments gathered.
  group.gatherRows(Uint32Array.from([0, NEW_ROW]), Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
  assert.deepEqual([...(await group.readParams())], [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal((await readFloats(device, group.moment1, 8))[0], m1Before[20]);
  group.destroy();
  gpu.check();
});

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
    assert.ok(all.subarray(0, 128).every((x) => x === 7), 'outside the section untouched');
    const got = all.subarray(128);
    const want = Float64Array.from(base);
    addOpacityFieldGradient(logits, want, { kind, weight: 2e-4 });
    // f32 mean over 1,000 terms (tree-reduced) and f32 exp: ~1e-5 relative on the field term;
    // compare the field part relative to its own size.
    for (let i = 0; i < n; i++) {
      const fieldPart = want[i] - base[i];
      assert.ok(Math.abs(got[i] - want[i]) <= 1e-4 * Math.abs(fieldPart) + 1e-9, `${kind} ${i}: ${got[i]} vs ${want[i]}`);
    }
    logitBuffer.destroy();
    gradBuffer.destroy();
  }
  field.destroy();
  gpu.check();
});
