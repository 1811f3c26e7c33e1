// SplatStore on the GPU: buffers start small whatever the header claims (a response claiming 2^24
// Gaussians allocated ~2 GB before), grow by doubling as chunks arrive with the data already uploaded
// kept, never beyond the budget, and hold the drawn SH degree only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gpuOrSkip } from '../../../compressor/gpu/test-gpu.ts';
import { readU32 } from '../../../shared/gpu/test-buffers.ts';
import { createScene } from '../../../shared/scene/gaussian-scene.ts';
import { packSplats } from './packed-splats.ts';
import { SPLAT_WORDS, shRestWords } from './splat-layout.ts';
import { INITIAL_CAPACITY, SplatStore } from './splat-store.ts';

function chunk(count: number, seed: number) {
  const scene = createScene(count, 3);
  for (let i = 0; i < count; i++) {
    scene.positions.set([seed, i, -i], i * 3);
    scene.rotations.set([1, 0, 0, 0], i * 4);
    scene.opacityLogits[i] = seed;
  }
  for (let i = 0; i < scene.shRest.length; i++) scene.shRest[i] = ((i * 7 + seed) % 13) / 13 - 0.5;
  return packSplats(scene);
}

test('buffers grow with the data received, keep it, and stop at the budget', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const { device } = gpu;
  const claimed = 2 ** 24;
  const store = new SplatStore(device, claimed, shRestWords(1));
  assert.equal(store.capacity, INITIAL_CAPACITY);
  assert.equal(store.splats.size, INITIAL_CAPACITY * SPLAT_WORDS * 4);
  assert.equal(store.shRest.size, INITIAL_CAPACITY * shRestWords(1) * 4);
  const first = chunk(300, 1);
  store.write(0, first);
  store.flush();
  assert.equal(store.version, 0);
  const second = chunk(100_000, 2);
  store.write(300, second);
  assert.equal(store.capacity, 2 * INITIAL_CAPACITY);
  assert.equal(store.version, 1);
  assert.equal(store.count, 100_300);
  const splats = await readU32(device, store.splats, 100_300 * SPLAT_WORDS);
  assert.deepEqual(splats.subarray(0, 300 * SPLAT_WORDS), first.splats, 'copied from the old buffer');
  assert.deepEqual(splats.subarray(300 * SPLAT_WORDS), second.splats, 'written after growing');
  // SH degree 3 chunks (9 words) into a degree-1 store: each Gaussian's first 3 words.
  const sh = await readU32(device, store.shRest, 2 * 3);
  assert.deepEqual(Array.from(sh), [...first.shRest.subarray(0, 3), ...first.shRest.subarray(9, 12)]);
  gpu.check();
  store.destroy();

  const capped = new SplatStore(device, 1000, 0);
  capped.write(0, chunk(600, 3));
  capped.write(600, chunk(600, 4));
  assert.equal(capped.count, 1000);
  assert.equal(capped.capacity, 1000);
  assert.equal(capped.splats.size, 1000 * SPLAT_WORDS * 4);
  capped.destroy();
});
