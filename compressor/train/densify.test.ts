import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScene, sigmoid, logit } from '../../shared/scene/gaussian-scene.ts';
import {
  densifyAndPrune,
  growGaussians,
  pruneBelowOpacity,
  pruneLowestFraction,
  resetOpacity,
  emptyStats,
  rotationColumn,
} from './densify.ts';
import { NEW_ROW } from './new-row.ts';
import { gpuOrSkip } from '../gpu/test-gpu.ts';

/** A lost Dawn instance can leave a readback pending forever: fail instead of hanging the suite. */
const GPU_TEST = { timeout: 60_000 };
import { DensifyStatsPass } from './densify-stats.ts';
import { createStorage } from './gpu-buffers.ts';

function testScene(n: number) {
  const s = createScene(n, 1);
  for (let i = 0; i < n; i++) {
    s.positions.set([i, 0, 0], i * 3);
    s.logScales.set([Math.log(0.1), Math.log(0.4), Math.log(0.2)], i * 3); // longest axis: y
    s.rotations.set([1, 0, 0, 0], i * 4);
    s.opacityLogits[i] = logit(0.5);
    s.shDC.set([i, i, i], i * 3);
    s.shRest.fill(i, i * 9, i * 9 + 9);
  }
  return s;
}

test('long-axis split: children at ±0.45·3·s_max along the longest axis, scales ×0.55 / ×sqrt(1−0.45²), opacity 0.6a', () => {
  const s = testScene(3);
  // rotate Gaussian 1 by 90° about z: local y maps to world −x
  const h = Math.SQRT1_2;
  s.rotations.set([h, 0, 0, h], 4);
  const { scene, sourceIndex } = growGaussians(s, Uint32Array.from([1]), new Uint8Array(1), 0.45, 0.6);
  assert.equal(scene.count, 4);
  assert.deepEqual([...sourceIndex], [0, 2, NEW_ROW, NEW_ROW]);
  const off = 0.45 * 3 * 0.4;
  // 1e-6: float32 storage of positions ~1 and of exp/log scales
  assert.ok(
    Math.abs(scene.positions[6] - (1 - off)) < 1e-6 && Math.abs(scene.positions[9] - (1 + off)) < 1e-6,
  );
  assert.ok(Math.abs(Math.exp(scene.logScales[7]) - 0.4 * 0.55) < 1e-6);
  assert.ok(Math.abs(Math.exp(scene.logScales[6]) - 0.1 * Math.sqrt(1 - 0.45 ** 2)) < 1e-6);
  assert.ok(Math.abs(sigmoid(scene.opacityLogits[2]) - 0.3) < 1e-6);
  assert.equal(scene.shDC[6], 1);
  assert.equal(scene.shRest[2 * 9 + 4], 1);
  assert.deepEqual(
    rotationColumn([h, 0, 0, h], 1).map((x) => Math.round(x * 1e6) / 1e6),
    [-1, 0, 0],
  );
});

test('densifyAndPrune grows to the count target among gradient qualifiers, then prunes a < 0.005', () => {
  const s = testScene(10);
  s.opacityLogits[9] = logit(0.001); // pruned afterwards
  const stats = emptyStats(10);
  for (let i = 0; i < 10; i++) {
    stats.denom[i] = 2;
    stats.gradAccum[i] = i < 5 ? 2 * 0.001 : 2 * 0.0001; // 0..4 qualify (avg 0.001 >= 0.0003)
  }
  const r = densifyAndPrune(s, stats, { countTarget: 13, pruneBelowOpacity: 0.005, seed: 3 });
  assert.equal(r.split, 3);
  assert.equal(r.pruned, 1);
  assert.equal(r.scene.count, 10 + 3 - 1);
  // every split parent was a qualifier: the surviving original rows include all of 5..8
  const kept = new Set([...r.sourceIndex].filter((i) => i !== NEW_ROW));
  for (const i of [5, 6, 7, 8]) assert.ok(kept.has(i));
  assert.equal([...r.sourceIndex].filter((i) => i === NEW_ROW).length, 6);
  // the target is capped by the number of qualifiers
  const capped = densifyAndPrune(s, stats, { countTarget: 100 });
  assert.equal(capped.scene.count, 15);
  // late rule: threshold /1.5 while under budget lets avg 0.00025 qualify
  const late = emptyStats(10);
  late.denom.fill(1);
  late.gradAccum.fill(0.00025);
  assert.equal(densifyAndPrune(s, late, { countTarget: 12 }).split, 0);
  assert.equal(densifyAndPrune(s, late, { countTarget: 12, late: true, budget: 20 }).split, 2);
  // 3DGS clone of small Gaussians keeps the parent
  const cloned = densifyAndPrune(s, stats, {
    countTarget: 12,
    clone: { percentDense: 0.01, sceneExtent: 100 },
  });
  assert.equal(cloned.cloned, 2);
  assert.equal(cloned.scene.count, 12);
});

test('opacity pruning, 20% quantile pruning and reset', () => {
  const s = testScene(10);
  for (let i = 0; i < 10; i++) s.opacityLogits[i] = logit((i + 1) / 20);
  const p = pruneBelowOpacity(s, 0.02);
  assert.equal(p.scene.count, 10);
  assert.equal(pruneBelowOpacity(s, 0.11).scene.count, 8);
  const q = pruneLowestFraction(s, 0.2); // quantile between a = 0.10 and 0.15 -> drops 0.05 and 0.10
  assert.equal(q.scene.count, 8);
  assert.deepEqual([...q.sourceIndex], [2, 3, 4, 5, 6, 7, 8, 9]);
  resetOpacity(s, 0.05);
  for (let i = 0; i < 10; i++) assert.ok(Math.abs(sigmoid(s.opacityLogits[i]) - 0.05) < 1e-6);
});

test('GPU densification statistics: NDC-scaled |grad| norms of visible Gaussians', GPU_TEST, async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const { device } = gpu;
  const grads = new Float32Array(3 * 12);
  grads.set([0.001, 0.002], 9);
  grads[11] = 0.5; // visible
  grads.set([0.003, 0.004], 12 + 9);
  grads[12 + 11] = 0; // not visible
  grads.set([0.0, 0.001], 24 + 9);
  grads[24 + 11] = 1;
  const buffer = createStorage(device, grads);
  const pass = new DensifyStatsPass(device, 3);
  for (let k = 0; k < 2; k++) {
    const encoder = device.createCommandEncoder();
    pass.encode(encoder, buffer, 200, 100);
    device.queue.submit([encoder.finish()]);
  }
  const s = await pass.read();
  // view 200x100: x scaled by 100, y by 50
  const g0 = Math.hypot(0.1, 0.1);
  assert.ok(Math.abs(s.gradAccum[0] - 2 * g0) < 1e-6);
  assert.deepEqual([...s.denom], [2, 0, 2]);
  assert.ok(Math.abs(s.gradAccum[2] - 2 * 0.05) < 1e-6);
  pass.destroy();
  buffer.destroy();
  gpu.check();
});
