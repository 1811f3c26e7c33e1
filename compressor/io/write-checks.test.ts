// The checks every writer runs first: SH degree and count limits name the format and the numbers; the first
// non-finite value or zero quaternion is named by Gaussian. (The count limits cannot be reached with real
// buffers in a test, so a scene that claims a count is used: the count is checked before any array is read.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomScene } from './test-helpers.ts';
import { checkWritable } from './write-checks.ts';
import { SceneWriteError } from './write-error.ts';

const limits = { name: 'Fmt', maxShDegree: 2, maxCount: 1000 };

test('checkWritable: SH degree, count, non-finite values and zero quaternions, each one line', () => {
  const fails = (scene: Parameters<typeof checkWritable>[1], message: string) =>
    assert.throws(
      () => checkWritable('out.x', scene, limits),
      (e: unknown) => e instanceof SceneWriteError && e.message === `out.x: ${message}`,
    );
  checkWritable('out.x', randomScene(10, 2, 1), limits);
  fails(
    randomScene(10, 3, 1),
    'Fmt holds SH degree 2 at most, the scene has degree 3 (pass --sh-degree 2 to drop the higher bands)',
  );
  fails({ ...randomScene(1, 0, 1), count: 1001 }, 'Fmt holds 1000 Gaussians at most, the scene has 1001');
  const scene = randomScene(10, 1, 1);
  scene.logScales[13] = Number.NEGATIVE_INFINITY;
  fails(scene, 'Gaussian 4 has a non-finite log-scale (-Infinity); Fmt cannot hold it');
  const zero = randomScene(10, 0, 1);
  zero.rotations.fill(0, 36, 40);
  fails(zero, 'Gaussian 9 has a zero-length rotation quaternion (no orientation)');
});
