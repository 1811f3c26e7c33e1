// RadixSort against a CPU reference (stable sort of indices by the masked key): several key widths and
// sizes around the tile boundaries, duplicate-heavy keys (stability), an odd pass count, and a count read
// from a GPU buffer with the data beyond it left untouched.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gpuOrSkip } from '../../compressor/gpu/test-gpu.ts';
import { RadixSort } from './radix-sort.ts';
import { randomU32, readU32, uploadU32 } from './test-buffers.ts';

/** CPU reference: pairs stably sorted by key & mask (Array.prototype.sort is stable since ES2019). */
function referenceSort(
  keys: Uint32Array,
  values: Uint32Array,
  keyBits: number,
): { keys: Uint32Array; values: Uint32Array } {
  const mask = keyBits === 32 ? 0xffffffff : (1 << keyBits) - 1;
  const order = Array.from(keys.keys()).sort((a, b) => ((keys[a] & mask) >>> 0) - ((keys[b] & mask) >>> 0));
  return { keys: Uint32Array.from(order, (i) => keys[i]), values: Uint32Array.from(order, (i) => values[i]) };
}

function firstMismatch(actual: Uint32Array, expected: Uint32Array): string {
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) return `first mismatch at ${i}: got ${actual[i]}, want ${expected[i]}`;
  }
  return 'equal';
}

/** Uploads the pairs, sorts the first `count` on the GPU, and returns what the buffers hold afterwards
 *  (`read` words, default `count`). */
async function gpuSort(
  device: GPUDevice,
  sorter: RadixSort,
  keys: Uint32Array,
  values: Uint32Array,
  count: number | { words: Uint32Array; offset: number },
  keyBits: number,
  read = typeof count === 'number' ? count : keys.length,
): Promise<{ keys: Uint32Array; values: Uint32Array }> {
  const keyBuffer = uploadU32(device, keys, 'test.keys');
  const valueBuffer = uploadU32(device, values, 'test.values');
  const countArg =
    typeof count === 'number'
      ? count
      : { buffer: uploadU32(device, count.words, 'test.count'), offset: count.offset };
  const encoder = device.createCommandEncoder();
  sorter.encode(encoder, keyBuffer, valueBuffer, countArg, keyBits);
  device.queue.submit([encoder.finish()]);
  const out = {
    keys: await readU32(device, keyBuffer, read),
    values: await readU32(device, valueBuffer, read),
  };
  keyBuffer.destroy();
  valueBuffer.destroy();
  if (typeof countArg !== 'number') countArg.buffer.destroy();
  return out;
}

const SIZES = [0, 1, 255, 256, 257, 10_000, 100_000];
const KEY_BITS = [4, 13, 16, 32];

test('sorts random keys of 4, 13, 16 and 32 bits stably, sizes 0 to 100,000', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const { device } = gpu;
  const sorter = new RadixSort(device, { maxCount: Math.max(...SIZES), label: 'test.sort' });
  for (const keyBits of KEY_BITS) {
    for (const n of SIZES) {
      const random = randomU32(n * 37 + keyBits);
      // Random high bits above keyBits must be ignored by the order but kept in the output. Narrow keys
      // (4 bits) are duplicate-heavy, so their values check stability.
      const keys = Uint32Array.from({ length: n }, () => random());
      const values = Uint32Array.from({ length: n }, (_, i) => i);
      const got = await gpuSort(device, sorter, keys, values, n, keyBits);
      const expected = referenceSort(keys, values, keyBits);
      gpu.check();
      assert.equal(
        firstMismatch(got.values, expected.values),
        'equal',
        `values, ${n} keys of ${keyBits} bits`,
      );
      assert.equal(firstMismatch(got.keys, expected.keys), 'equal', `keys, ${n} keys of ${keyBits} bits`);
    }
  }
  sorter.destroy();
});

test('keeps equal keys in input order (few distinct 32-bit keys, 3 passes: odd copy-back)', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const { device } = gpu;
  const n = 5000;
  const random = randomU32(7);
  const distinct = [0xffffffff, 0, 0x800, 0xabc, 0x7ff];
  const keys = Uint32Array.from({ length: n }, () => distinct[random() % distinct.length]);
  const values = Uint32Array.from({ length: n }, () => random());
  const sorter = new RadixSort(device, { maxCount: n });
  for (const keyBits of [12, 32]) {
    const got = await gpuSort(device, sorter, keys, values, n, keyBits);
    const expected = referenceSort(keys, values, keyBits);
    assert.equal(firstMismatch(got.values, expected.values), 'equal', `${keyBits} bits`);
    assert.equal(firstMismatch(got.keys, expected.keys), 'equal', `${keyBits} bits`);
    gpu.check();
  }
  sorter.destroy();
});

test('reads the count from a GPU buffer (indirect) and leaves elements beyond it untouched', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const { device } = gpu;
  const capacity = 3000;
  const sorter = new RadixSort(device, { maxCount: capacity });
  for (const [n, keyBits] of [
    [0, 16],
    [1, 16],
    [1234, 16],
    [2049, 4],
    [capacity, 32],
  ] as const) {
    const random = randomU32(n + 1);
    const keys = Uint32Array.from({ length: capacity }, () => random());
    const values = Uint32Array.from({ length: capacity }, () => random());
    // The count sits at a non-zero offset among garbage words, as a GPU stage might leave it.
    const count = { words: Uint32Array.of(0xdeadbeef, 99, n, 0xffffffff), offset: 8 };
    const { keys: gotKeys, values: gotValues } = await gpuSort(
      device,
      sorter,
      keys,
      values,
      count,
      keyBits,
      capacity,
    );
    const expected = referenceSort(keys.subarray(0, n), values.subarray(0, n), keyBits);
    gpu.check();
    assert.equal(firstMismatch(gotValues.subarray(0, n), expected.values), 'equal', `values, count ${n}`);
    assert.equal(firstMismatch(gotKeys.subarray(0, n), expected.keys), 'equal', `keys, count ${n}`);
    assert.deepEqual(gotKeys.subarray(n), keys.subarray(n), `keys beyond count ${n}`);
    assert.deepEqual(gotValues.subarray(n), values.subarray(n), `values beyond count ${n}`);
  }
  sorter.destroy();
});

test('rejects counts over maxCount and bad key widths with a specific error', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const { device } = gpu;
  const sorter = new RadixSort(device, { maxCount: 10, label: 'small' });
  const buffer = uploadU32(device, new Uint32Array(10), 'test.keys');
  const encoder = device.createCommandEncoder();
  assert.throws(
    () => sorter.encode(encoder, buffer, buffer, 11, 8),
    /small: count 11 must be an integer in \[0, maxCount=10\]/,
  );
  assert.throws(() => sorter.encode(encoder, buffer, buffer, 5, 33), /keyBits 33/);
  assert.throws(() => sorter.encode(encoder, buffer, buffer, { buffer, offset: 2 }, 8), /offset 2/);
  assert.throws(
    () => sorter.encode(encoder, buffer, buffer, 5, 8),
    /keys and values must be different buffers/,
  );
  const small = uploadU32(device, new Uint32Array(4), 'test.small');
  assert.throws(
    () => sorter.encode(encoder, buffer, small, { buffer, offset: 0 }, 8),
    /"test.small" has 16 bytes, too small for maxCount 10/,
  );
  sorter.destroy();
});

test('every workgroup size and scatter variant sorts the same (GPU default 256 staged, CPU 16 direct)', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const { device } = gpu;
  const n = 3000;
  const random = randomU32(11);
  const keys = Uint32Array.from({ length: n }, () => random() & 0xfff);
  const values = Uint32Array.from({ length: n }, (_, i) => i);
  const expected = referenceSort(keys, values, 12);
  for (const [workgroupSize, scatter] of [
    [16, 'direct'],
    [16, 'staged'],
    [32, 'direct'],
    [64, 'staged'],
    [128, 'direct'],
    [256, 'staged'],
  ] as const) {
    const sorter = new RadixSort(device, { maxCount: n, workgroupSize, scatter });
    const got = await gpuSort(device, sorter, keys, values, n, 12);
    assert.equal(
      firstMismatch(got.values, expected.values),
      'equal',
      `workgroup ${workgroupSize}, ${scatter} scatter`,
    );
    gpu.check();
    sorter.destroy();
  }
  assert.throws(() => new RadixSort(device, { maxCount: 1, workgroupSize: 48 }), /workgroupSize 48/);
});
