// Benchmark: GPU RadixSort (this machine's Dawn device) vs JS sorts on the same data, in the same run.
// Prints keys/s for 100k, 1M, 4M keys at 16 and 32 bits. GPU time is wall-clock from submit to
// onSubmittedWorkDone (includes submission overhead), best of a few repetitions after one warm-up.
// Usage: npm run bench:sort [-- --sizes 100000,1000000 --bits 16,32 --reps 3]
import { parseArgs } from 'node:util';
import { getGpu } from '../compressor/gpu/device.ts';
import { RadixSort } from '../shared/gpu/radix-sort.ts';
import { randomU32, readU32, uploadU32 } from '../shared/gpu/test-buffers.ts';

const { values: options } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000,4000000' },
    bits: { type: 'string', default: '16,32' },
    reps: { type: 'string', default: '3' },
    help: { type: 'boolean', default: false },
  },
});
if (options.help) {
  console.log('npm run bench:sort -- [--sizes 100000,1000000,4000000] [--bits 16,32] [--reps 3]');
  process.exit(0);
}
const sizes = options.sizes.split(',').map(Number);
const keyBitsList = options.bits.split(',').map(Number);
const reps = Number(options.reps);

/** JS LSD radix sort of (key, value) pairs, 8 bits a pass (a fair CPU baseline for a stable pair sort). */
function jsRadixSort(keys: Uint32Array, values: Uint32Array, keyBits: number): void {
  let k: Uint32Array = keys,
    v: Uint32Array = values;
  let k2: Uint32Array = new Uint32Array(keys.length),
    v2: Uint32Array = new Uint32Array(keys.length);
  const counts = new Uint32Array(256);
  for (let shift = 0; shift < keyBits; shift += 8) {
    counts.fill(0);
    for (let i = 0; i < k.length; i++) counts[(k[i] >>> shift) & 255]++;
    let sum = 0;
    for (let d = 0; d < 256; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < k.length; i++) {
      const dst = counts[(k[i] >>> shift) & 255]++;
      k2[dst] = k[i];
      v2[dst] = v[i];
    }
    [k, k2] = [k2, k];
    [v, v2] = [v2, v];
  }
  if (k !== keys) {
    keys.set(k);
    values.set(v);
  }
}

function best(times: number[]): number {
  return Math.min(...times);
}

const gpu = await getGpu();
const { device } = gpu;
const rate = (n: number, ms: number) =>
  `${(((n / ms) * 1e3) / 1e6).toFixed(1)} M keys/s (${ms.toFixed(1)} ms)`;
console.log(
  `device: ${gpu.adapterInfo.vendor} ${gpu.adapterInfo.architecture} ${gpu.adapterInfo.description}`,
);
const sorter = new RadixSort(device, { maxCount: Math.max(...sizes), label: 'bench.sort' });
for (const n of sizes) {
  for (const keyBits of keyBitsList) {
    const random = randomU32(n ^ keyBits);
    const mask = keyBits === 32 ? 0xffffffff : (1 << keyBits) - 1;
    const keys = Uint32Array.from({ length: n }, () => random() & mask);
    const values = Uint32Array.from({ length: n }, (_, i) => i);
    const keyBuffer = uploadU32(device, keys, 'bench.keys');
    const valueBuffer = uploadU32(device, values, 'bench.values');
    const gpuTimes: number[] = [];
    for (let r = 0; r <= reps; r++) {
      // Re-sorting sorted data would flatter nothing here: LSD radix work is data-independent.
      const encoder = device.createCommandEncoder();
      sorter.encode(encoder, keyBuffer, valueBuffer, n, keyBits);
      const t0 = performance.now();
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
      if (r > 0) gpuTimes.push(performance.now() - t0);
    }
    gpu.check();
    const jsKeys = keys.slice(),
      jsValues = values.slice();
    let t0 = performance.now();
    jsRadixSort(jsKeys, jsValues, keyBits);
    const jsRadixMs = performance.now() - t0;
    const plain = keys.slice();
    t0 = performance.now();
    plain.sort();
    const typedSortMs = performance.now() - t0;
    const gotKeys = await readU32(device, keyBuffer, n);
    const ok = gotKeys.every((k, i) => k === jsKeys[i]);
    console.log(
      `${String(n).padStart(8)} keys, ${keyBits} bits: GPU ${rate(n, best(gpuTimes))} | ` +
        `JS radix (pairs) ${rate(n, jsRadixMs)} | Uint32Array.sort (keys only) ${rate(n, typedSortMs)}` +
        (ok ? '' : '  GPU RESULT WRONG'),
    );
    keyBuffer.destroy();
    valueBuffer.destroy();
  }
}
sorter.destroy();
