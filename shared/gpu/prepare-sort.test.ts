// prepareRadixSort: after it, constructing a RadixSort compiles no pipeline synchronously (browsers await it
// so a synchronous compile never blocks the GPU process), and the sorter it enables sorts correctly. Its own
// file: it needs a process whose device has compiled no sort pipeline yet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gpuOrSkip } from '../../compressor/gpu/test-gpu.ts';
import { prepareRadixSort, RadixSort } from './radix-sort.ts';
import { randomU32, readU32, uploadU32 } from './test-buffers.ts';

test('prepareRadixSort compiles every pipeline asynchronously: the sorter built afterwards compiles nothing', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const { device } = gpu;
  const options = { workgroupSize: 64, scatter: 'staged' } as const;
  await prepareRadixSort(device, options);
  const sync = device.createComputePipeline;
  let compiled = 0;
  device.createComputePipeline = (descriptor) => {
    compiled++;
    return sync.call(device, descriptor);
  };
  let sorter: RadixSort;
  try {
    sorter = new RadixSort(device, { maxCount: 5000, label: 'test.prepared', ...options });
  } finally {
    device.createComputePipeline = sync;
  }
  assert.equal(compiled, 0, 'synchronous pipeline compiles after prepareRadixSort');
  const random = randomU32(7);
  const keys = Uint32Array.from({ length: 5000 }, () => random());
  const values = Uint32Array.from({ length: 5000 }, (_, i) => i);
  const keyBuffer = uploadU32(device, keys, 'test.keys');
  const valueBuffer = uploadU32(device, values, 'test.values');
  const encoder = device.createCommandEncoder();
  sorter.encode(encoder, keyBuffer, valueBuffer, keys.length, 32);
  device.queue.submit([encoder.finish()]);
  // Reference: indices stably ordered by key (Array.prototype.sort is stable).
  const expected = Uint32Array.from(Array.from(keys.keys()).sort((a, b) => keys[a] - keys[b]));
  assert.deepEqual(await readU32(device, valueBuffer, keys.length), expected);
  gpu.check();
  keyBuffer.destroy();
  valueBuffer.destroy();
  sorter.destroy();
});
