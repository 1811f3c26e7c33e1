// k-means on the GPU against the CPU reference (kmeans-cpu.ts): same labels up to float32 near-ties, same
// inertia. (Earlier crashes on SwiftShader were Dawn's instance being garbage-collected, fixed in
// compressor/gpu/device.ts; the test now runs on every adapter.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cappedGpuOrSkip, gpuOrSkip } from '../gpu/test-gpu.ts';
import { assignCpu, inertia, initCentroids } from './kmeans-cpu.ts';
import { KmeansAssignGpu } from './kmeans-gpu.ts';
import { kmeans } from './kmeans.ts';
import { clustered } from './kmeans-test-data.ts';

test('GPU assignment equals the CPU reference (labels and distances)', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  for (const dims of [9, 24, 45]) {
    const points = clustered(3000, dims, 40, dims);
    // 100 centroids = not a multiple of the 64-centroid tile, so the partial last tile is exercised.
    const centroids = initCentroids(points, dims, 100);
    const cpuLabels = new Uint32Array(3000);
    const cpuDist = new Float32Array(3000);
    assignCpu(points, dims, centroids, cpuLabels, cpuDist);
    const assign = new KmeansAssignGpu(gpu.device, points, dims);
    const { labels, distances } = await assign.assign(centroids);
    assign.destroy();
    let mismatches = 0;
    for (let i = 0; i < 3000; i++) {
      if (labels[i] !== cpuLabels[i]) {
        mismatches++;
        // A different label is only acceptable for a float32 near-tie: same distance to 1e-5 relative.
        assert.ok(
          Math.abs(distances[i] - cpuDist[i]) <= 1e-5 * cpuDist[i] + 1e-9,
          `point ${i}: GPU ${labels[i]} vs CPU ${cpuLabels[i]}`,
        );
      }
      // float32 (GPU) vs float64 (CPU) sums of <= 45 squares: relative 1e-5 covers the rounding.
      assert.ok(Math.abs(distances[i] - cpuDist[i]) <= 1e-5 * cpuDist[i] + 1e-9);
    }
    assert.ok(mismatches <= 3, `${mismatches} near-tie mismatches`);
  }
  gpu.check();
});

test('k-means on the GPU reaches the CPU reference inertia (within 1%)', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const dims = 24;
  const points = clustered(4000, dims, 50, 11);
  const options = { k: 64, iterations: 6, sampleSize: 2000 };
  const cpu = await kmeans(points, dims, options);
  const onGpu = await kmeans(points, dims, { ...options, device: gpu.device });
  const a = inertia(points, dims, cpu.centroids, cpu.labels);
  const b = inertia(points, dims, onGpu.centroids, onGpu.labels);
  // Identical algorithm; only float32 near-ties can differ, which moves inertia by far less than 1%.
  assert.ok(Math.abs(a - b) <= 0.01 * a, `CPU inertia ${a}, GPU ${b}`);
});

test('points beyond the storage-binding limit are assigned in pages, bit-identical to one binding', async (t) => {
  const capped = await cappedGpuOrSkip(t, { maxBindingBytes: 1 << 20, maxBufferBytes: 2 << 20 });
  const gpu = await gpuOrSkip(t);
  if (!capped || !gpu) return;
  const dims = 24;
  // 30,000 points x 96 B = 2.9 MB: three pages under a 1 MiB binding, one buffer on the shared device.
  const points = clustered(30000, dims, 40, 5);
  const centroids = initCentroids(points, dims, 70);
  const whole = new KmeansAssignGpu(gpu.device, points, dims);
  const paged = new KmeansAssignGpu(capped.gpu.device, points, dims);
  assert.equal(whole.pageCount, 1);
  assert.equal(paged.pageCount, 3);
  const a = await whole.assign(centroids);
  const b = await paged.assign(centroids);
  whole.destroy();
  paged.destroy();
  assert.deepEqual(b.labels, a.labels);
  assert.deepEqual(b.distances, a.distances);
  // Dispatched in slices of 7,000 points (the last one partial), with a report after each: the same result.
  const reports: number[] = [];
  const sliced = new KmeansAssignGpu(gpu.device, points, dims, undefined, 7000);
  const c = await sliced.assign(centroids, (n) => reports.push(n));
  sliced.destroy();
  assert.deepEqual(reports, [7000, 7000, 7000, 7000, 2000]);
  assert.deepEqual(c.labels, a.labels);
  assert.deepEqual(c.distances, a.distances);
  // Lloyd iterations and the final assignment through the paged path: the same codebook.
  const options = { k: 48, iterations: 3, sampleSize: 20000 };
  const one = await kmeans(points, dims, { ...options, device: gpu.device });
  const pages = await kmeans(points, dims, { ...options, device: capped.gpu.device });
  assert.deepEqual(pages.centroids, one.centroids);
  assert.deepEqual(pages.labels, one.labels);
  assert.ok(capped.largestBuffer() <= 2 << 20, `largest buffer ${capped.largestBuffer()} B`);
  capped.gpu.check();
});
