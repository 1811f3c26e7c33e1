import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createScene,
  selectGaussians,
  capShDegree,
  shRestCount,
  shDegreeFromRestCount,
  assertFiniteScene,
} from './gaussian-scene.ts';

test('SH rest counts match degrees 0-3 and invert', () => {
  assert.deepEqual(
    [0, 1, 2, 3].map((d) => shRestCount(d as 0)),
    [0, 3, 8, 15],
  );
  assert.equal(shDegreeFromRestCount(8), 2);
  assert.throws(() => shDegreeFromRestCount(5), RangeError);
});

test('selectGaussians copies every column in index order', () => {
  const s = createScene(3, 1);
  for (let i = 0; i < 3; i++) {
    s.positions[i * 3] = i;
    s.opacityLogits[i] = 10 + i;
    s.shRest[i * 9 + 8] = 100 + i;
  }
  const t = selectGaussians(s, [2, 0]);
  assert.equal(t.count, 2);
  assert.deepEqual([...t.opacityLogits], [12, 10]);
  assert.equal(t.positions[3], 0);
  assert.equal(t.shRest[8], 102);
});

test('capShDegree keeps the lower bands of every Gaussian', () => {
  const s = createScene(2, 2);
  for (let i = 0; i < s.shRest.length; i++) s.shRest[i] = i;
  const t = capShDegree(s, 1);
  assert.deepEqual([...t.shRest], [0, 1, 2, 3, 4, 5, 6, 7, 8, 24, 25, 26, 27, 28, 29, 30, 31, 32]);
});

test('assertFiniteScene names the column and Gaussian of a NaN', () => {
  const s = createScene(4, 0);
  s.logScales[7] = NaN;
  assert.throws(() => assertFiniteScene(s, 'x.ply'), /x\.ply: log-scale of Gaussian 2 is NaN/);
});
