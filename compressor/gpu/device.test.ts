import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpuOrSkip } from './test-gpu.ts';
import { withErrorScope, GpuValidationError } from './device.ts';

test('a compute shader runs and reads back on the Dawn device', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const { device } = gpu;
  const module = device.createShaderModule({
    code: `@group(0) @binding(0) var<storage, read_write> out: array<f32>;
      @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) { out[id.x] = f32(id.x) * 0.5; }`,
  });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const buffer = device.createBuffer({ size: 256, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const readback = device.createBuffer({
    size: 256,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(
    0,
    device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer } }],
    }),
  );
  pass.dispatchWorkgroups(1);
  pass.end();
  encoder.copyBufferToBuffer(buffer, 0, readback, 0, 256);
  device.queue.submit([encoder.finish()]);
  await readback.mapAsync(GPUMapMode.READ);
  const values = new Float32Array(readback.getMappedRange().slice(0));
  readback.unmap();
  assert.equal(values[10], 5);
  gpu.check();
});

test('a validation error becomes an exception, not a silent result', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  await assert.rejects(
    withErrorScope(gpu.device, () =>
      gpu.device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE }),
    ),
    GpuValidationError,
  );
});

test('the device keeps working after garbage collection (Dawn instances are held)', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    t.skip('run with --expose-gc to check instance lifetime');
    return;
  }
  for (let i = 0; i < 3; i++) {
    gc();
    await gpu.device.queue.onSubmittedWorkDone();
  }
});
