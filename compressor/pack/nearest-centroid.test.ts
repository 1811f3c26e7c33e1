// The principal-axes nearest-centroid search against the plain loop of kmeans-cpu.ts (same labels up to
// float near-ties, same distances), and its eigenvectors against the defining property A v = lambda v.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { random } from '../io/test-helpers.ts';
import { assignCpu, initCentroids } from './kmeans-cpu.ts';
import { clustered } from './kmeans-test-data.ts';
import { assignIndexed, buildCentroidIndex, symmetricEigenvectors } from './nearest-centroid.ts';

function assertSameAssignment(points: Float32Array, dims: number, centroids: Float32Array): void {
  const n = points.length / dims;
  const want = new Uint32Array(n);
  const wantD = new Float32Array(n);
  assignCpu(points, dims, centroids, want, wantD);
  const got = new Uint32Array(n);
  const gotD = new Float32Array(n);
  assignIndexed(buildCentroidIndex(centroids, dims), centroids, points, got, gotD);
  let ties = 0;
  for (let i = 0; i < n; i++) {
    if (got[i] !== want[i]) ties++;
    // A different label is only a near-tie: the same distance to float32 rounding.
    assert.ok(
      Math.abs(gotD[i] - wantD[i]) <= 1e-6 * wantD[i] + 1e-12,
      `point ${i}: ${gotD[i]} vs ${wantD[i]}`,
    );
  }
  assert.ok(ties <= 2, `${ties} labels differ`);
}

test('the indexed search finds the nearest centroid of clustered points', () => {
  for (const dims of [3, 9, 24, 45]) {
    const points = clustered(4000, dims, 60, dims);
    // 150 centroids: groups of uneven size, and points far from every centroid of other clusters.
    assertSameAssignment(points, dims, initCentroids(points, dims, 150));
  }
});

test('the indexed search finds the nearest centroid of unclustered points, one centroid, duplicates', () => {
  const rand = random(3);
  const dims = 24;
  const points = Float32Array.from({ length: 3000 * dims }, () => rand() * 2 - 1);
  const centroids = Float32Array.from({ length: 200 * dims }, () => rand() * 2 - 1);
  assertSameAssignment(points, dims, centroids);
  assertSameAssignment(points, dims, centroids.slice(0, dims));
  // Two identical centroids: ties go to the lower index, as in the plain loop.
  const twins = new Float32Array(3 * dims);
  twins.set(centroids.subarray(0, dims), 0);
  twins.set(centroids.subarray(dims, 2 * dims), dims);
  twins.set(centroids.subarray(dims, 2 * dims), 2 * dims);
  const labels = new Uint32Array(3000);
  assignIndexed(buildCentroidIndex(twins, dims), twins, points, labels);
  assert.ok(!labels.includes(2));
  assertSameAssignment(points, dims, twins);
});

test('symmetric eigenvectors: A v = lambda v, orthonormal, descending eigenvalues', () => {
  const rand = random(9);
  const n = 12;
  const b = Array.from({ length: n * n }, () => rand() - 0.5);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += b[i * n + k] * b[j * n + k];
  const { values, vectors } = symmetricEigenvectors(a, n);
  for (let r = 0; r < n; r++) {
    if (r > 0) assert.ok(values[r] <= values[r - 1]);
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let j = 0; j < n; j++) av += a[i * n + j] * vectors[r * n + j];
      assert.ok(Math.abs(av - values[r] * vectors[r * n + i]) < 1e-9, `row ${r}`);
    }
    for (let s = 0; s < n; s++) {
      let dot = 0;
      for (let j = 0; j < n; j++) dot += vectors[r * n + j] * vectors[s * n + j];
      assert.ok(Math.abs(dot - (r === s ? 1 : 0)) < 1e-9);
    }
  }
});
