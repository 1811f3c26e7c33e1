// Range coder and column schemes: random symbols of every shape round trip exactly, skewed data codes near
// its entropy, a truncated stream fails with GszFormatError, Morton keys invert, and the canonical
// quaternion describes the same covariance as the input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { random } from '../../compressor/io/test-helpers.ts';
import { canonicalQuaternion } from '../../compressor/pack/gsz-encoder.ts';
import { codePositions, codeTriples, demorton48, morton48, newChunkCodes } from './gsz-codec.ts';
import { GszFormatError } from './gsz-error.ts';
import { newModel, RangeDecoder, RangeEncoder } from './range-coder.ts';

test('bits, trees and direct bits round trip exactly', () => {
  const rand = random(5);
  const ops = Array.from({ length: 20000 }, () => {
    const kind = Math.floor(rand() * 3);
    const bits = 1 + Math.floor(rand() * (kind === 2 ? 24 : 12));
    return { kind, bits, value: Math.floor(rand() * 2 ** bits) };
  });
  const run = (c: RangeEncoder | RangeDecoder) => {
    const probs = newModel(1 << 13);
    return ops.map((op) =>
      op.kind === 0
        ? c.bit(probs, 1 + (op.bits % 7), op.value & 1)
        : op.kind === 1
          ? c.tree(probs, 0, op.bits, op.value)
          : c.direct(op.bits, op.value),
    );
  };
  const enc = new RangeEncoder();
  run(enc);
  const bytes = enc.finish();
  const back = run(new RangeDecoder(bytes, 'test'));
  assert.deepEqual(
    back,
    ops.map((op) => (op.kind === 0 ? op.value & 1 : op.value)),
  );
  // Truncation is a GszFormatError, never garbage forever or another exception.
  assert.throws(
    () => run(new RangeDecoder(bytes.subarray(0, bytes.length >> 1), 'test')),
    (e: unknown) => e instanceof GszFormatError,
  );
});

test('adaptive models code skewed data near its entropy', () => {
  // 90% zeros: entropy 0.469 bits/bit; the adaptive coder should stay within 10% of it on 100k bits.
  const rand = random(9);
  const bits = Array.from({ length: 100000 }, () => (rand() < 0.1 ? 1 : 0));
  const enc = new RangeEncoder();
  const probs = newModel(2);
  for (const b of bits) enc.bit(probs, 1, b);
  const size = enc.finish().length * 8;
  assert.ok(size < 0.469 * bits.length * 1.1, `${size} bits`);
});

test('positions and triples round trip through their column schemes', () => {
  const rand = random(3);
  const n = 3000;
  const codes = newChunkCodes(n);
  const keys = Array.from({ length: n }, () =>
    morton48(Math.floor(rand() * 65536), Math.floor(rand() * 65536), Math.floor(rand() * 65536)),
  ).sort((a, b) => a - b);
  codes.keys.set(keys);
  for (let i = 0; i < n * 3; i++) codes.logScale[i] = Math.floor(rand() * 300);
  const enc = new RangeEncoder();
  codePositions(enc, codes, 'p');
  codeTriples(enc, codes.logScale, n, 9, 's', 'log-scale');
  const back = newChunkCodes(n);
  const dec = new RangeDecoder(enc.finish(), 'test');
  codePositions(dec, back, 'p');
  codeTriples(dec, back.logScale, n, 9, 's', 'log-scale');
  assert.deepEqual(back.keys, codes.keys);
  assert.deepEqual(back.logScale, codes.logScale);
});

test('morton48 interleaves x, y, z bits and demorton48 inverts it', () => {
  assert.equal(morton48(1, 0, 0), 1);
  assert.equal(morton48(0, 1, 0), 2);
  assert.equal(morton48(0, 0, 1), 4);
  assert.equal(morton48(65535, 65535, 65535), 2 ** 48 - 1);
  assert.equal(morton48(256, 0, 0), 2 ** 24);
  const out = new Int32Array(3);
  for (const [x, y, z] of [
    [0, 0, 0],
    [65535, 1, 32768],
    [12345, 54321, 999],
  ]) {
    demorton48(morton48(x, y, z), out, 0);
    assert.deepEqual([...out], [x, y, z]);
  }
});

/** Rotation matrix (row-major) of a unit quaternion (w, x, y, z). */
function matrix([w, x, y, z]: number[]): number[] {
  return [
    1 - 2 * (y * y + z * z),
    2 * (x * y - w * z),
    2 * (x * z + w * y),
    2 * (x * y + w * z),
    1 - 2 * (x * x + z * z),
    2 * (y * z - w * x),
    2 * (x * z - w * y),
    2 * (y * z + w * x),
    1 - 2 * (x * x + y * y),
  ];
}
/** R diag(s) R^T. */
function covariance(q: number[], s: number[]): number[] {
  const r = matrix(q);
  const out: number[] = [];
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      out.push(
        r[i * 3] * s[0] * r[j * 3] + r[i * 3 + 1] * s[1] * r[j * 3 + 1] + r[i * 3 + 2] * s[2] * r[j * 3 + 2],
      );
  return out;
}

test('the canonical quaternion has w largest and >= 0 and gives the same covariance', () => {
  const rand = random(11);
  const out = new Float64Array(4);
  for (let k = 0; k < 2000; k++) {
    const q = [rand() - 0.5, rand() - 0.5, rand() - 0.5, rand() - 0.5];
    const n = Math.hypot(...q);
    const unit = q.map((v) => v / n);
    canonicalQuaternion(q[0], q[1], q[2], q[3], out);
    const c = [...out];
    assert.ok(c[0] >= 0 && c.every((v) => Math.abs(v) <= c[0] + 1e-12), `canonical ${c}`);
    assert.ok(Math.abs(Math.hypot(...c) - 1) < 1e-12);
    const s = [rand() + 0.1, rand() + 0.1, rand() + 0.1];
    const a = covariance(unit, s);
    const b = covariance(c, s);
    // Same covariance up to double rounding of products of unit-size numbers.
    a.forEach((v, i) => {
      assert.ok(Math.abs(v - b[i]) < 1e-12, `covariance entry ${i}: ${v} vs ${b[i]}`);
    });
  }
});
