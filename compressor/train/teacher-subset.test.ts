// Teacher subsets (mode c on a CPU): the crop keeps exactly the Gaussians nearest its centre, at full
// density, with their attributes; the random subset keeps a uniform sample; both keep the input order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScene } from '../../shared/scene/gaussian-scene.ts';
import { mulberry32 } from '../select/sampling.ts';
import { denseCrop, randomSubset, teacherSubset } from './teacher-subset.ts';

/** A unit cube of points (x, y, z in [-1, 1]) with each Gaussian's index stored in its opacity logit. */
function cube(count: number): ReturnType<typeof createScene> {
  const scene = createScene(count, 0);
  const random = mulberry32(5);
  for (let i = 0; i < count * 3; i++) scene.positions[i] = random() * 2 - 1;
  for (let i = 0; i < count; i++) scene.opacityLogits[i] = i;
  return scene;
}

test('denseCrop keeps the count nearest Gaussians to the lifted centre, in input order, with their attributes', () => {
  const scene = cube(4000);
  const lift = 0.3;
  const crop = denseCrop(scene, 400, { lift, up: [0, 0, 2] });
  assert.equal(crop.count, 400);
  // Independent check: the robust centre of a uniform cube is ~0, the robust radius ~sqrt(3) * 0.96.
  const cz = lift * Math.sqrt(3) * 0.96;
  const dist = (i: number) =>
    Math.hypot(scene.positions[3 * i], scene.positions[3 * i + 1], scene.positions[3 * i + 2] - cz);
  const kept = Array.from(crop.opacityLogits, (v) => v);
  for (let k = 1; k < kept.length; k++) assert.ok(kept[k] > kept[k - 1], 'input order kept');
  const inside = new Set(kept);
  const maxKept = Math.max(...kept.map(dist));
  let nearerLeftOut = 0;
  for (let i = 0; i < scene.count; i++) if (!inside.has(i) && dist(i) < maxKept - 0.02) nearerLeftOut++;
  assert.equal(nearerLeftOut, 0, 'no Gaussian clearly nearer the centre is left out');
  for (const [k, i] of kept.entries()) {
    for (let a = 0; a < 3; a++) assert.equal(crop.positions[3 * k + a], scene.positions[3 * i + a]);
  }
  // Full density: the crop is a ball, so its radius is ~ (400 / 4000 * 8 / (4/3 pi))^(1/3) ~ 0.58.
  assert.ok(maxKept > 0.5 && maxKept < 0.66, `crop radius ${maxKept}`);
});

test('randomSubset draws a seeded uniform sample in input order; teacherSubset passes small scenes through', () => {
  const scene = cube(2000);
  const a = randomSubset(scene, 500, 7);
  const b = randomSubset(scene, 500, 7);
  assert.deepEqual(a.opacityLogits, b.opacityLogits);
  const kept = Array.from(a.opacityLogits);
  for (let k = 1; k < kept.length; k++) assert.ok(kept[k] > kept[k - 1]);
  // Uniform: about a quarter of each half of the index range.
  const low = kept.filter((i) => i < 1000).length;
  assert.ok(low > 200 && low < 300, `${low} of 500 from the first half`);
  assert.equal(teacherSubset(scene, 'crop', 5000), scene);
  assert.throws(() => denseCrop(scene, 0), /count must be an integer/);
});
