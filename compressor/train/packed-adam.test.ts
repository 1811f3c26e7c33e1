import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpuOrSkip } from '../gpu/test-gpu.ts';

/** A lost Dawn instance can leave a readback pending forever: fail instead of hanging the suite. */
const GPU_TEST = { timeout: 60_000 };
import { PackedAdam, NEW_ROW, encodeGatherPacked, type PackedLayout } from './packed-adam.ts';
import { createStorage, readFloats } from './gpu-buffers.ts';

function layoutFor(count: number): PackedLayout {
  const align = (n: number) => Math.ceil(n / 64) * 64;
  const cols = [
    ['means', 3],
    ['opacities', 1],
    ['shRest', 0],
    ['quats', 4],
  ] as const;
  let at = 0;
  const sections = cols.map(([name, columns]) => {
    const s = { name, offset: at, columns };
    at = align(at + columns * count);
    return s;
  });
  return { count, length: Math.max(64, at), sections };
}

test(
  'packed Adam steps each section with its own learning rate and leaves others alone',
  GPU_TEST,
  async (t) => {
    const gpu = await gpuOrSkip(t);
    if (!gpu) return;
    const { device } = gpu;
    const layout = layoutFor(70); // 70 rows: sections are not multiples of 64, offsets are
    const init = Float32Array.from({ length: layout.length }, (_, i) => Math.sin(i));
    const grad = Float32Array.from({ length: layout.length }, (_, i) => Math.cos(i * 0.7));
    const params = createStorage(device, init);
    const grads = createStorage(device, grad);
    const adam = new PackedAdam(device, layout);
    const encoder = device.createCommandEncoder();
    adam.encodeStep(encoder, params, grads, { means: 0.01, opacities: 0.1, shRest: 1 });
    device.queue.submit([encoder.finish()]);
    const got = await readFloats(device, params, layout.length);
    const lr = (i: number) => {
      for (const s of layout.sections)
        if (i >= s.offset && i < s.offset + s.columns * 70)
          return s.name === 'quats' ? 0 : s.name === 'means' ? 0.01 : 0.1;
      return 0;
    };
    for (let i = 0; i < layout.length; i++) {
      // first Adam step: update = lr · g / (|g| + eps/...) = lr · sign(g) (bias-corrected m/sqrt(v) = g/|g|)
      const want = init[i] - lr(i) * Math.sign(grad[i]);
      // f32: |p| <= 1, one rounding of the update: 1e-6
      assert.ok(Math.abs(got[i] - want) < 1e-6, `${i}: ${got[i]} vs ${want}`);
    }
    const g = await readFloats(device, grads, layout.length);
    assert.equal(g[0], 0); // stepped section: cleared
    assert.equal(g[layout.sections[3].offset], grad[layout.sections[3].offset]); // quats not stepped
    // Re-pack the moments for 3 rows: rows 69, NEW, 0
    const m1 = await readFloats(device, adam.moment1, layout.length);
    const small = layoutFor(3);
    adam.gatherRows(small, Uint32Array.from([69, NEW_ROW, 0]));
    const m1b = await readFloats(device, adam.moment1, small.length);
    const [sm, so] = [small.sections[0], small.sections[1]];
    for (let c = 0; c < 3; c++) {
      assert.equal(m1b[sm.offset + c], m1[layout.sections[0].offset + 69 * 3 + c]);
      assert.equal(m1b[sm.offset + 3 + c], 0);
      assert.equal(m1b[sm.offset + 6 + c], m1[layout.sections[0].offset + c]);
    }
    assert.equal(m1b[so.offset + 2], m1[layout.sections[1].offset]);
    assert.equal(adam.steps.get('means'), 1);
    // The same gather on the parameters themselves (GPU-side pruning).
    const temporaries: GPUBuffer[] = [];
    const index = createStorage(device, Uint32Array.from([69, NEW_ROW, 0]));
    const enc2 = device.createCommandEncoder();
    const packed = encodeGatherPacked(device, enc2, params, layout, small, index, temporaries);
    device.queue.submit([enc2.finish()]);
    const p2 = await readFloats(device, packed, small.length);
    assert.equal(p2[small.sections[3].offset + 4 * 2 + 1], got[layout.sections[3].offset + 1]); // quats row 0 -> new row 2
    assert.equal(p2[small.sections[3].offset + 4 * 1], 0);
    for (const b of [index, packed, ...temporaries]) b.destroy();
    for (const b of [params, grads]) b.destroy();
    adam.destroy();
    gpu.check();
  },
);
