// k-means on the CPU: Lloyd's algorithm behaving (inertia falls to the noise floor). GPU: kmeans-gpu.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clustered } from './kmeans-test-data.ts';
import { inertia } from './kmeans-cpu.ts';
import { kmeans } from './kmeans.ts';

test('Lloyd iterations lower the inertia and find well-separated clusters', async () => {
  const dims = 9;
  const points = clustered(3000, dims, 20, 5);
  const first = await kmeans(points, dims, { k: 20, iterations: 0, sampleSize: 3000 });
  const later = await kmeans(points, dims, { k: 20, iterations: 8, sampleSize: 3000 });
  const i0 = inertia(points, dims, first.centroids, first.labels);
  const i1 = inertia(points, dims, later.centroids, later.labels);
  assert.ok(i1 < i0, `inertia ${i0} -> ${i1}`);
  // Lloyd from an evenly spread start can merge clusters (a local minimum) but must still at least halve
  // the error of the initial centroids on clustered data; the noise floor is the unreachable ideal.
  const floor = (3000 * dims * 0.05 ** 2) / 12;
  assert.ok(i1 <= 0.5 * i0 && i1 > floor, `inertia ${i0} -> ${i1}, floor ${floor}`);
});

test('progress counts point assignments: every iteration on the sample, then all points, to the total', async () => {
  const dims = 6;
  const points = clustered(40000, dims, 10, 2);
  const seen: { done: number; total: number; iteration: number }[] = [];
  await kmeans(points, dims, { k: 8, iterations: 3, sampleSize: 20000, onProgress: (p) => seen.push(p) });
  const total = 3 * 20000 + 40000;
  assert.ok(seen.length >= 4, `${seen.length} reports`);
  assert.ok(seen.every((p, i) => p.total === total && (i === 0 || p.done > seen[i - 1].done)));
  assert.equal(seen.at(-1)?.done, total);
  assert.deepEqual([...new Set(seen.map((p) => p.iteration))], [0, 1, 2, 3]);
});
