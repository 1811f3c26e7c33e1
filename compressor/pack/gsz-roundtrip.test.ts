// Encoder + decoder round trips: per-attribute error bounds derived from each quantization step, prefix
// decoding, importance order, header validity. Synthetic scenes only (fast; real data is in the benchmark).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomScene } from '../io/test-helpers.ts';
import { sigmoid, type GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import {
  decodeGsz,
  decodeGszChunk,
  decodeGszCodebook,
  decodeGszHeader,
  gszHeaderLength,
  gszPreambleLength,
} from '../../shared/format/gsz-decoder.ts';
import { autoCodebookSize, closestAxisTurn, encodeGsz, shKmeans } from './gsz-encoder.ts';

const N = 6000;
const scene = randomScene(N, 1, 7);
// Options that give several chunks on a small scene and a codebook larger than N (so SH is exact up to fp16).
const small = { firstChunk: 500, chunkGrowth: 2, maxChunk: 2000, codebookSize: 8192, kmeansIterations: 1 };
const encoded = encodeGsz(scene, small);

/** Columns of the rotation matrix of quaternion (w, x, y, z) at q[i..i+3] (normalised): the ellipsoid's axes. */
function axes(q: Float32Array, i: number): number[][] {
  const n = Math.hypot(q[i], q[i + 1], q[i + 2], q[i + 3]);
  const [w, x, y, z] = [q[i] / n, q[i + 1] / n, q[i + 2] / n, q[i + 3] / n];
  return [
    [1 - 2 * (y * y + z * z), 2 * (x * y + w * z), 2 * (x * z - w * y)],
    [2 * (x * y - w * z), 1 - 2 * (x * x + z * z), 2 * (y * z + w * x)],
    [2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y)],
  ];
}

/**
 * The ellipsoid's axes are stored in a canonical order (FORMAT.md), so decoded axis k is some source axis
 * perm[k] (up to sign). Independent of the encoder: tries the 6 relabellings and keeps the one whose worst
 * axis angle is smallest. Returns that permutation and the worst angle (radians) between matched axes.
 */
function matchAxes(
  dec: Float32Array,
  i: number,
  src: Float32Array,
  j: number,
): { perm: number[]; angle: number } {
  const da = axes(dec, i);
  const sa = axes(src, j);
  let best = { perm: [0, 1, 2], angle: Infinity };
  for (const perm of [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ]) {
    let angle = 0;
    for (let k = 0; k < 3; k++) {
      const d = Math.abs(da[k][0] * sa[perm[k]][0] + da[k][1] * sa[perm[k]][1] + da[k][2] * sa[perm[k]][2]);
      angle = Math.max(angle, Math.acos(Math.min(1, d)));
    }
    if (angle < best.angle) best = { perm, angle };
  }
  return best;
}

/** Covariance R diag(exp(2 s)) Rᵀ, row-major 3x3. */
function covariance(q: Float32Array, i: number, s: Float32Array): number[] {
  const a = axes(q, i);
  const out = new Array<number>(9).fill(0);
  for (let k = 0; k < 3; k++) {
    const v = Math.exp(2 * s[(i / 4) * 3 + k]);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out[r * 3 + c] += v * a[k][r] * a[k][c];
  }
  return out;
}

/** Maps every decoded Gaussian back to its source index (positions are unique in a random scene). */
function matchSources(source: GaussianScene, decoded: GaussianScene, step: number[]): number[] {
  const key = (p: Float32Array, i: number) =>
    [0, 1, 2].map((a) => Math.round(p[i * 3 + a] / step[a])).join(',');
  const byKey = new Map<string, number>();
  for (let i = 0; i < source.count; i++) byKey.set(key(source.positions, i), i);
  const out: number[] = [];
  for (let i = 0; i < decoded.count; i++) {
    // Quantization moves a point by <= step/2, which can round the key to a neighbour cell: search them.
    let found = -1;
    const base = [0, 1, 2].map((a) => Math.round(decoded.positions[i * 3 + a] / step[a]));
    for (let dx = -1; dx <= 1 && found < 0; dx++)
      for (let dy = -1; dy <= 1 && found < 0; dy++)
        for (let dz = -1; dz <= 1 && found < 0; dz++) {
          found = byKey.get(`${base[0] + dx},${base[1] + dy},${base[2] + dz}`) ?? -1;
        }
    out.push(found);
  }
  return out;
}

test('round trip keeps every attribute within its quantization error bound', async () => {
  const bytes = await encoded;
  const header = decodeGszHeader(bytes);
  const decoded = decodeGsz(bytes);
  assert.equal(decoded.count, N);
  assert.equal(decoded.shDegree, 1);
  const q = header.quant;
  const src = matchSources(scene, decoded, q.position.step);
  assert.ok(
    src.every((s) => s >= 0),
    'every decoded Gaussian maps to one source Gaussian',
  );
  assert.equal(new Set(src).size, N, 'no source Gaussian is lost or duplicated');
  let worstRot = 0;
  for (let i = 0; i < N; i++) {
    const s = src[i];
    const { perm, angle } = matchAxes(decoded.rotations, i * 4, scene.rotations, s * 4);
    for (let a = 0; a < 3; a++) {
      // Positions: rounding to the grid moves <= step/2; float32 storage adds <= 1 ulp of |p| <= 10 (~1e-6).
      assert.ok(
        Math.abs(decoded.positions[i * 3 + a] - scene.positions[s * 3 + a]) <= q.position.step[a] / 2 + 2e-6,
      );
      // Step grids: <= half a step, plus float32 rounding (log-scales under the axis matching).
      assert.ok(
        Math.abs(decoded.logScales[i * 3 + a] - scene.logScales[s * 3 + perm[a]]) <=
          q.logScale.step / 2 + 1e-5,
      );
      assert.ok(Math.abs(decoded.shDC[i * 3 + a] - scene.shDC[s * 3 + a]) <= q.shDC.step / 2 + 1e-5);
    }
    // Opacity is quantized as sigmoid(v) in [0, 1]: half a step of 1/255 in opacity, the quantity rendered.
    assert.ok(
      Math.abs(sigmoid(decoded.opacityLogits[i]) - sigmoid(scene.opacityLogits[s])) <=
        0.5 / (2 ** q.opacity.bits - 1) + 1e-6,
    );
    worstRot = Math.max(worstRot, angle);
    // SH rest: the codebook has >= N centroids, so each vector is its own centroid, stored as fp16
    // (relative error <= 2^-11, absolute <= 2^-11 for |v| <= 1).
    for (let j = 0; j < 9; j++)
      assert.ok(Math.abs(decoded.shRest[i * 9 + j] - scene.shRest[s * 9 + j]) <= 2 ** -11 + 1e-7);
  }
  // Rotation: three smallest components each off by <= h = (√2 / (levels − 1)) / 2; the rebuilt largest one
  // (>= 1/2) moves by at most √3·h·(1/√2)/(1/2) more, so the chord is <= 2·√3·h and the rotation angle (≈ 2 ×
  // chord), which bounds every axis's angle, <= 4·√3·h.
  const h = Math.SQRT2 / (q.rotation.levels - 1) / 2;
  assert.ok(worstRot <= 4 * Math.sqrt(3) * h, `worst rotation error ${worstRot} rad`);
});

test('any prefix of chunks decodes to exactly the first Gaussians of the full decode', async () => {
  const bytes = await encoded;
  const header = decodeGszHeader(bytes.subarray(0, gszHeaderLength(bytes.subarray(0, gszPreambleLength()))));
  assert.ok(header.chunks.length >= 3, 'several chunks');
  assert.ok(header.chunks[0].count < header.chunks[1].count, 'the first chunk is the small one');
  const full = decodeGsz(bytes);
  const cb = header.codebook!;
  // The codebook follows chunk 0, so chunk 0 alone decodes (DC only) before the codebook arrives.
  assert.ok(cb.offset > header.chunks[0].offset);
  const c0 = header.chunks[0];
  const dcOnly = decodeGszChunk(header, 0, bytes.subarray(c0.offset, c0.offset + c0.length));
  assert.equal(dcOnly.shDegree, 0);
  assert.deepEqual(dcOnly.positions, full.positions.subarray(0, c0.count * 3));
  const codebook = decodeGszCodebook(header, bytes.subarray(cb.offset, cb.offset + cb.length));
  for (const [i, c] of header.chunks.entries()) {
    const part = decodeGszChunk(header, i, bytes.subarray(c.offset, c.offset + c.length), codebook);
    const at = c.firstSplat;
    assert.deepEqual(part.positions, full.positions.subarray(at * 3, (at + c.count) * 3));
    assert.deepEqual(part.rotations, full.rotations.subarray(at * 4, (at + c.count) * 4));
    assert.deepEqual(part.opacityLogits, full.opacityLogits.subarray(at, at + c.count));
    assert.deepEqual(part.shRest, full.shRest.subarray(at * 9, (at + c.count) * 9));
    for (let g = 0; g < c.count; g++) {
      for (let a = 0; a < 3; a++) {
        const p = part.positions[g * 3 + a];
        // Chunk bounds are the bounds of its decoded positions (float32 vs float64: 1e-5 relative slack).
        assert.ok(
          p >= c.bounds.min[a] - 1e-5 * (1 + Math.abs(p)) && p <= c.bounds.max[a] + 1e-5 * (1 + Math.abs(p)),
        );
      }
    }
  }
});

test('chunks follow the given importance: every Gaussian of chunk c is at least as important as those after it', async () => {
  const s = randomScene(3000, 0, 3);
  // Importance = opacity: quantizing opacity is monotone, so the decoded opacities must be sorted by chunk.
  const bytes = await encodeGsz(s, {
    importance: Float32Array.from(s.opacityLogits),
    firstChunk: 256,
    maxChunk: 1024,
  });
  const header = decodeGszHeader(bytes);
  const full = decodeGsz(bytes);
  let previousMin = Infinity;
  for (const c of header.chunks) {
    const values = full.opacityLogits.subarray(c.firstSplat, c.firstSplat + c.count);
    assert.ok(Math.max(...values) <= previousMin, `chunk ${c.level} holds less important Gaussians only`);
    previousMin = Math.min(...values);
  }
});

test('degenerate scenes round trip: empty, one Gaussian, all identical', async () => {
  for (const n of [0, 1, 5000]) {
    const s = randomScene(n, 2, 5);
    for (let i = 1; i < n; i++) {
      s.positions.copyWithin(i * 3, 0, 3);
      s.shRest.copyWithin(i * 24, 0, 24);
    }
    const d = decodeGsz(await encodeGsz(s));
    assert.equal(d.count, n);
    assert.equal(d.shDegree, 2);
    if (n > 0) assert.ok(Math.abs(d.positions[3 * (n - 1)] - s.positions[0]) < 1e-5);
  }
});

test('the default SH codebook scales with the scene: small scenes do not pay for 1024 centroids', async () => {
  assert.equal(autoCodebookSize(100), 16);
  assert.equal(autoCodebookSize(64_000), 128);
  assert.equal(autoCodebookSize(500_000), 1024);
  const scene = randomScene(2000, 2, 11);
  const bytes = await encodeGsz(scene, { kmeansIterations: 1 });
  const header = decodeGszHeader(bytes.subarray(0, gszHeaderLength(bytes)));
  assert.equal(header.codebook?.centroids, 16);
});

test('SH residuals bring every coefficient within (1 - rounding offset) of a residual step of its input', async () => {
  // 16 centroids for 3000 random SH vectors: the centroids alone are far off, the residual fixes them.
  const s = randomScene(3000, 2, 13);
  // Correlated channels, as in trained scenes, so the principal colour basis differs from RGB.
  for (let k = 0; k < s.shRest.length; k += 3) {
    s.shRest[k + 1] = 0.8 * s.shRest[k] + 0.2 * s.shRest[k + 1];
    s.shRest[k + 2] = 0.7 * s.shRest[k] + 0.3 * s.shRest[k + 2];
  }
  const step = 0.05;
  const rounding = 0.42; // the default deadzone: |error| <= (1 - rounding) * step per basis coordinate, step / 2 at 0.5
  const byPosition = new Map<string, number>();
  const key = (p: Float32Array, i: number) => [0, 1, 2].map((a) => Math.round(p[i * 3 + a] * 100)).join(',');
  for (let i = 0; i < s.count; i++) byPosition.set(key(s.positions, i), i);
  for (const basisName of ['rgb', 'principal'] as const) {
    // positionStep pinned: the matching below rounds positions to 0.01 and needs most of them on the same side of a cell edge.
    const bytes = await encodeGsz(s, {
      codebookSize: 16,
      kmeansIterations: 2,
      shResidualStep: step,
      shResidualRounding: rounding,
      positionStep: 1 / 15000,
      shResidualBasis: basisName,
    });
    const basis = decodeGszHeader(bytes.subarray(0, gszHeaderLength(bytes))).quant.shResidual?.basis;
    assert.ok(basis);
    if (basisName === 'principal')
      assert.ok(
        basis[0] > 0.5 && basis[1] > 0.5 && basis[2] > 0.4,
        `first axis ${basis.slice(0, 3).join(', ')} follows the correlated channels`,
      );
    // An RGB error is Σ_r basis[r][c] · e_r with |e_r| <= (1 - rounding) · step: bounded by the column's absolute sum.
    const bound = [0, 1, 2].map(
      (c) => (1 - rounding) * step * (Math.abs(basis[c]) + Math.abs(basis[3 + c]) + Math.abs(basis[6 + c])),
    );
    const d = decodeGsz(bytes);
    let checked = 0;
    let squared = 0;
    for (let i = 0; i < d.count; i++) {
      const j = byPosition.get(key(d.positions, i));
      if (j === undefined) continue; // a position rounded across a 0.01 cell edge: skip it
      checked++;
      // plus float32 rounding of centroid + residual (values < 10 in magnitude).
      for (let k = 0; k < 24; k++) {
        const e = d.shRest[i * 24 + k] - s.shRest[j * 24 + k];
        squared += e * e;
        assert.ok(Math.abs(e) <= bound[k % 3] + 2e-6, `${basisName}: Gaussian ${i} coefficient ${k}: ${e}`);
      }
    }
    assert.ok(checked > 2500, `${checked} Gaussians matched`);
    // Orthonormal: the mean squared error stays that of a (deadzone) uniform quantizer of this step, whatever the basis.
    assert.ok(
      Math.sqrt(squared / (checked * 24)) <= step * 0.45,
      `${basisName}: RMS ${Math.sqrt(squared / (checked * 24))}`,
    );
  }
});

test('the closest axis relabelling keeps each covariance (independent reference: R diag(exp(2s)) Rᵀ)', () => {
  const rot = new Float32Array(4);
  const sc = new Float32Array(3);
  const outS = new Float64Array(3);
  const outQ = new Float64Array(4);
  const turnedQ = new Float32Array(4);
  const turnedS = new Float32Array(3);
  let seed = 11;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let t = 0; t < 2000; t++) {
    rot.set([rand() - 0.5, rand() - 0.5, rand() - 0.5, rand() - 0.5]);
    // Every order of three scales, ties included (t % 7 === 0 repeats one).
    sc.set([Math.log(0.01 + rand()), Math.log(0.01 + rand()), Math.log(0.01 + rand())]);
    if (t % 7 === 0) sc[2] = sc[0];
    closestAxisTurn(sc[0], sc[1], sc[2], rot[0], rot[1], rot[2], rot[3], outS, outQ);
    turnedQ.set(outQ);
    turnedS.set(outS);
    // The representative closest to the identity: |x|, |y|, |z| <= tan(π/8)·w (a 90° turn would bring any
    // larger component closer to the identity).
    const lim = Math.tan(Math.PI / 8) * outQ[0] + 1e-9;
    assert.ok(
      outQ[0] > 0 && Math.abs(outQ[1]) <= lim && Math.abs(outQ[2]) <= lim && Math.abs(outQ[3]) <= lim,
      `quaternion ${outQ.join(', ')}`,
    );
    assert.deepEqual([...outS].sort(), [...sc].map(Number).sort(), 'scales are permuted, not changed');
    const a = covariance(rot, 0, sc);
    const b = covariance(turnedQ, 0, turnedS);
    const size = Math.exp(2 * Math.max(...sc));
    // float32 storage of q and s: relative error ~1e-6 of the largest variance.
    for (let k = 0; k < 9; k++)
      assert.ok(Math.abs(a[k] - b[k]) <= 1e-5 * size, `covariance entry ${k}: ${a[k]} vs ${b[k]}`);
  }
});

test('a given SH codebook is used as it is, and one that does not fit the scene is refused', async () => {
  const s = randomScene(500, 1, 21);
  const km = await shKmeans(s, { codebookSize: 8, kmeansIterations: 1 });
  const a = await encodeGsz(s, { shCodebook: km });
  assert.equal(decodeGszHeader(a.subarray(0, gszHeaderLength(a))).codebook?.centroids, 8);
  await assert.rejects(encodeGsz(s, { shCodebook: { ...km, labels: km.labels.subarray(1) } }), /shCodebook/);
  await assert.rejects(encodeGsz(s, { shCodebook: { ...km, labels: km.labels.map(() => 8) } }), /shCodebook/);
});
