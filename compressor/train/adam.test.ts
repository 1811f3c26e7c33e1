// Adam as the trainer runs it (PackedAdam, adam-vec4.wgsl) against a plain float64 CPU Adam over several steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpuOrSkip } from '../gpu/test-gpu.ts';

/** A lost Dawn instance can leave a readback pending forever: fail instead of hanging the suite. */
const GPU_TEST = { timeout: 60_000 };
import { PackedAdam, type PackedLayout } from './packed-adam.ts';
import { createStorage, readFloats, writeArray } from './gpu-buffers.ts';
import { symmetricFloats as randomArray } from '../../shared/math/random.ts';

/** Plain float64 Adam (PyTorch's formula), the reference for the kernel. */
function cpuAdam(
  p: Float64Array,
  g: ArrayLike<number>,
  m: Float64Array,
  v: Float64Array,
  step: number,
  lr: number,
): void {
  for (let i = 0; i < p.length; i++) {
    m[i] = 0.9 * m[i] + 0.1 * g[i];
    v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
    p[i] -= ((lr / (1 - 0.9 ** step)) * m[i]) / (Math.sqrt(v[i]) / Math.sqrt(1 - 0.999 ** step) + 1e-15);
  }
}

test(
  'packed Adam matches a CPU Adam over several steps with changing learning rates',
  GPU_TEST,
  async (t) => {
    const gpu = await gpuOrSkip(t);
    if (!gpu) return;
    const { device } = gpu;
    // 301 rows x 3 = 903 values: more than three workgroups of vec4s, and the last vec4 reaches past the
    // section into its padding, which must stay untouched.
    const rows = 301,
      columns = 3;
    const n = rows * columns;
    const padded = Math.ceil(n / 64) * 64;
    const layout: PackedLayout = {
      count: rows,
      length: padded,
      sections: [{ name: 'means', offset: 0, columns }],
    };
    const init = randomArray(padded, 1);
    const params = createStorage(device, init);
    const grads = createStorage(device, padded);
    const adam = new PackedAdam(device, layout);
    const p = Float64Array.from(init.subarray(0, n)),
      m = new Float64Array(n),
      v = new Float64Array(n);
    for (let step = 1; step <= 5; step++) {
      const g = randomArray(padded, 100 + step, step === 3 ? 1e-6 : 1); // one tiny-gradient step: eps must not dominate
      g[0] = 0; // zero gradient: 0/0 guarded by eps
      writeArray(device, grads, g);
      const lr = 0.01 / step;
      const encoder = device.createCommandEncoder();
      adam.encodeStep(encoder, params, grads, { means: lr });
      device.queue.submit([encoder.finish()]);
      cpuAdam(p, g.subarray(0, n), m, v, step, lr);
    }
    const got = await readFloats(device, params, padded);
    // Each step moves a parameter by <= ~lr (0.01); f32 rounding of the update terms is ~1e-7 relative,
    // and the parameters are O(1): 1e-6 absolute covers float32 storage of p (ulp ~1.2e-7) over 5 steps.
    for (let i = 0; i < n; i++) assert.ok(Math.abs(got[i] - p[i]) < 1e-6, `${i}: ${got[i]} vs ${p[i]}`);
    for (let i = n; i < padded; i++) assert.equal(got[i], init[i], `padding ${i} untouched`);
    const grad = await readFloats(device, grads, padded);
    assert.ok(
      grad.subarray(0, n).every((x) => x === 0),
      'gradient cleared after the step',
    );
    assert.ok(
      grad.subarray(n).some((x) => x !== 0),
      'padding gradient not cleared',
    );
    adam.destroy();
    params.destroy();
    grads.destroy();
    gpu.check();
  },
);
