// The SH residual colour basis: Jacobi eigenvectors checked against the defining equations (A v = λ v,
// orthonormal, sorted), and the principal basis of synthetic residuals whose channels move together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../../shared/math/random.ts';
import { checkColourBasis } from '../../shared/format/colour-basis.ts';
import { principalColourBasis, symmetricEigenvectors3 } from './colour-basis.ts';

test('symmetricEigenvectors3: A v = λ v, orthonormal rows, eigenvalues descending', () => {
  const rand = mulberry32(3);
  for (let trial = 0; trial < 200; trial++) {
    const b = Array.from({ length: 9 }, () => rand() * 2 - 1);
    // A = Bᵀ B (symmetric positive semi-definite), sometimes with repeated eigenvalues.
    const a = new Array<number>(9).fill(0);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) a[i * 3 + j] += b[k * 3 + i] * b[k * 3 + j];
    if (trial % 10 === 0) a.splice(0, 9, 2, 0, 0, 0, 2, 0, 0, 0, 1);
    const { values, vectors } = symmetricEigenvectors3(a);
    checkColourBasis(vectors, 'eigenvectors');
    assert.ok(values[0] >= values[1] - 1e-12 && values[1] >= values[2] - 1e-12);
    for (let r = 0; r < 3; r++) {
      for (let i = 0; i < 3; i++) {
        const av =
          a[i * 3] * vectors[r * 3] + a[i * 3 + 1] * vectors[r * 3 + 1] + a[i * 3 + 2] * vectors[r * 3 + 2];
        assert.ok(Math.abs(av - values[r] * vectors[r * 3 + i]) < 1e-9, `trial ${trial} row ${r}`);
      }
    }
  }
});

test('principalColourBasis: the first axis follows channels that move together; zero residuals give RGB', () => {
  const rand = mulberry32(9);
  const n = 2000;
  const dims = 9;
  const shRest = new Float32Array(n * dims);
  for (let k = 0; k < shRest.length; k += 3) {
    const common = rand() * 2 - 1;
    shRest[k] = common + 0.05 * (rand() - 0.5);
    shRest[k + 1] = common + 0.05 * (rand() - 0.5);
    shRest[k + 2] = common + 0.05 * (rand() - 0.5);
  }
  const labels = new Uint32Array(n);
  const basis = principalColourBasis(shRest, labels, new Float32Array(dims), dims);
  for (let c = 0; c < 3; c++)
    assert.ok(Math.abs(basis[c] - 1 / Math.sqrt(3)) < 0.01, `first axis ${basis.slice(0, 3).join(', ')}`);
  checkColourBasis(basis, 'basis');
  assert.deepEqual(
    principalColourBasis(new Float32Array(n * dims), labels, new Float32Array(dims), dims),
    [1, 0, 0, 0, 1, 0, 0, 0, 1],
  );
});
