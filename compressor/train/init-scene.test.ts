import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanNeighbourDistance2, randomPointCloud, sceneFromPoints } from './init-scene.ts';
import { sigmoid, SH_C0 } from '../../shared/scene/gaussian-scene.ts';

function bruteForce(p: Float32Array, k: number): Float64Array {
  const n = p.length / 3;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d: number[] = [];
    for (let j = 0; j < n; j++)
      if (j !== i)
        d.push(
          (p[i * 3] - p[j * 3]) ** 2 +
            (p[i * 3 + 1] - p[j * 3 + 1]) ** 2 +
            (p[i * 3 + 2] - p[j * 3 + 2]) ** 2,
        );
    d.sort((a, b) => a - b);
    out[i] = (d[0] + d[1] + d[2]) / k;
  }
  return out;
}

test('grid k-NN matches brute force (uniform and clustered points)', () => {
  const uniform = randomPointCloud(600, 1.3, 5).positions;
  const clustered = Float32Array.from(randomPointCloud(400, 1, 6).positions, (x, i) =>
    i < 600 ? x * 0.01 : x * 5,
  ); // a dense clump and sparse outliers
  for (const p of [uniform, clustered]) {
    const got = meanNeighbourDistance2(p);
    const want = bruteForce(p, 3);
    // same float32 inputs, float64 sums: equal up to rounding of the squared differences
    for (let i = 0; i < want.length; i++)
      assert.ok(Math.abs(got[i] - want[i]) <= 1e-6 * want[i] + 1e-12, `${i}: ${got[i]} vs ${want[i]}`);
  }
});

test('sceneFromPoints: colour to SH DC, isotropic neighbour scale, opacity 0.1, identity rotation', () => {
  const points = {
    count: 4,
    positions: Float32Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]),
    colors: Float32Array.from([1, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
  };
  const s = sceneFromPoints(points, 1);
  assert.equal(s.count, 4);
  assert.ok(Math.abs(0.5 + SH_C0 * s.shDC[0] - 1) < 1e-6 && Math.abs(s.shDC[1]) < 1e-6);
  // point 0: neighbours at distance 1, 1, 1 -> scale 1 (log 0); point 1: 1, √2, √2 -> sqrt(5/3)
  assert.ok(Math.abs(s.logScales[0]) < 1e-6);
  assert.ok(Math.abs(Math.exp(s.logScales[3]) - Math.sqrt(5 / 3)) < 1e-6);
  assert.ok(Math.abs(sigmoid(s.opacityLogits[2]) - 0.1) < 1e-6);
  assert.deepEqual([...s.rotations.subarray(0, 4)], [1, 0, 0, 0]);
});
