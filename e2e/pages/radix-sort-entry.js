// Browser entry of e2e/radix-sort.spec.ts (bundled by esbuild at test time): runs the shared GPU radix
// sort (shared/gpu/radix-sort.ts) on seeded random keys in the page's WebGPU and checks the result.
import { RadixSort } from '../../shared/gpu/radix-sort.ts';

// One device for every case: pipelines compile once (seconds each on SwiftShader).
let devicePromise;

window.checkSort = async ({ n, capacity, keyBits, gpuCount, seed }) => {
  devicePromise ??= navigator.gpu.requestAdapter().then((adapter) => adapter.requestDevice());
  const device = await devicePromise;
  let s = seed >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  const keys = new Uint32Array(capacity);
  const values = new Uint32Array(capacity);
  for (let i = 0; i < capacity; i++) {
    keys[i] = keyBits === 32 ? rand() : rand() & ((1 << keyBits) - 1);
    values[i] = i;
  }
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const upload = (data) => {
    const b = device.createBuffer({
      size: Math.max(16, data.byteLength),
      usage: usage | GPUBufferUsage.INDIRECT,
      mappedAtCreation: true,
    });
    new Uint32Array(b.getMappedRange(), 0, data.length).set(data);
    b.unmap();
    return b;
  };
  const keyBuffer = upload(keys);
  const valueBuffer = upload(values);
  const countBuffer = upload(new Uint32Array([0, 0, 0, n]));
  const sorter = new RadixSort(device, { maxCount: capacity });
  device.pushErrorScope('validation');
  const encoder = device.createCommandEncoder();
  sorter.encode(encoder, keyBuffer, valueBuffer, gpuCount ? { buffer: countBuffer, offset: 12 } : n, keyBits);
  const readback = device.createBuffer({
    size: capacity * 4,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  encoder.copyBufferToBuffer(valueBuffer, 0, readback, 0, capacity * 4);
  device.queue.submit([encoder.finish()]);
  const error = await device.popErrorScope();
  await readback.mapAsync(GPUMapMode.READ);
  const order = new Uint32Array(readback.getMappedRange().slice(0));
  for (const b of [keyBuffer, valueBuffer, countBuffer, readback]) b.destroy();
  sorter.destroy();
  // A stable sort: a permutation of 0..n-1, keys ascending, equal keys in input order; the tail untouched.
  const seen = new Uint8Array(n);
  let permutation = true;
  let unsorted = 0;
  for (let i = 0; i < n; i++) {
    if (order[i] >= n || seen[order[i]]) permutation = false;
    else seen[order[i]] = 1;
    if (i > 0 && order[i] < n && order[i - 1] < n) {
      const a = keys[order[i - 1]];
      const b = keys[order[i]];
      if (a > b || (a === b && order[i - 1] > order[i])) unsorted++;
    }
  }
  let tail = true;
  for (let i = n; i < capacity; i++) if (order[i] !== i) tail = false;
  return { error: error?.message ?? null, permutation, unsorted, tail };
};
window.ready = true;
