// PrefixSum against a CPU exclusive scan: sizes spanning one, two and three scan levels, a count from a GPU
// buffer (data beyond it untouched), and the total.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gpuOrSkip } from '../../compressor/gpu/test-gpu.ts';
import { PrefixSum, SCAN_BLOCK } from './prefix-sum.ts';
import { randomU32, readU32, uploadU32 } from './test-buffers.ts';

function exclusiveScan(data: Uint32Array): { scan: Uint32Array; total: number } {
  const scan = new Uint32Array(data.length);
  let total = 0;
  for (let i = 0; i < data.length; i++) {
    scan[i] = total;
    total = (total + data[i]) >>> 0; // u32 wrap-around, as on the GPU
  }
  return { scan, total };
}

test('exclusive scan and total match the CPU for sizes 0 to 1024^2 + 1 (1 to 3 levels)', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const { device } = gpu;
  const sizes = [0, 1, 255, 1023, SCAN_BLOCK, SCAN_BLOCK + 1, 100_000, SCAN_BLOCK * SCAN_BLOCK + 1];
  for (const n of sizes) {
    const scanner = new PrefixSum(device, { maxCount: n, label: 'test.scan' });
    const random = randomU32(n + 3);
    // Large values wrap the u32 total on the big sizes: the GPU must wrap the same way.
    const data = Uint32Array.from({ length: n }, () => random() % (n > 100_000 ? 1 << 14 : 1000));
    const buffer = uploadU32(device, data, 'test.data');
    const totalBuffer = uploadU32(device, Uint32Array.of(0xdeadbeef), 'test.total');
    const encoder = device.createCommandEncoder();
    scanner.encode(encoder, buffer, n, { buffer: totalBuffer, offset: 0 });
    device.queue.submit([encoder.finish()]);
    const expected = exclusiveScan(data);
    const got = await readU32(device, buffer, n);
    const total = (await readU32(device, totalBuffer, 1))[0];
    gpu.check();
    assert.equal(total, expected.total, `total of ${n}`);
    assert.deepEqual(got, expected.scan, `scan of ${n}`);
    buffer.destroy();
    scanner.destroy();
  }
});

test('takes the count from a GPU buffer and leaves data beyond it untouched', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const { device } = gpu;
  const capacity = 5000;
  const scanner = new PrefixSum(device, { maxCount: capacity });
  for (const n of [0, 7, 1025, capacity]) {
    const random = randomU32(n);
    const data = Uint32Array.from({ length: capacity }, () => random() % 100);
    const buffer = uploadU32(device, data, 'test.data');
    const count = uploadU32(device, Uint32Array.of(123, n), 'test.count');
    const encoder = device.createCommandEncoder();
    scanner.encode(encoder, buffer, { buffer: count, offset: 4 });
    device.queue.submit([encoder.finish()]);
    const expected = exclusiveScan(data.subarray(0, n));
    const got = await readU32(device, buffer, capacity);
    const total = (await readU32(device, scanner.totalBuffer, 1))[0];
    gpu.check();
    assert.deepEqual(got.subarray(0, n), expected.scan, `scan of ${n}`);
    assert.deepEqual(got.subarray(n), data.subarray(n), `beyond ${n}`);
    assert.equal(total, expected.total, `total of ${n}`);
  }
  scanner.destroy();
});
