// Building blocks of the format against independent references: CRC-32 check value, fp16 against exact
// binary16 values, quantizer twins (encode then decode stays within half a step), zigzag and Morton codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from './crc32.ts';
import { fromHalf, toHalf } from './half.ts';
import { decodeLinear, decodeSmallestThree, encodeLinear, encodeSmallestThree, morton30, unzigzag16, zigzag16 } from './quantize.ts';

test('crc32 matches the standard check value', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array()), 0);
});

test('fp16 conversion is exact on representable values and rounds to nearest otherwise', () => {
  for (const [v, h] of [[1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [2 ** -24, 0x0001], [0.5, 0x3800], [0, 0]] as const) {
    assert.equal(toHalf(v), h);
    assert.equal(fromHalf(h), v);
  }
  assert.equal(toHalf(1e6), 0x7c00); // overflow -> +Infinity
  // Relative error of rounding to 11 significant bits is <= 2^-11.
  for (const v of [0.1, -0.333, 3.14159, 1e-3]) assert.ok(Math.abs(fromHalf(toHalf(v)) - v) <= Math.abs(v) * 2 ** -11);
});

test('linear quantizer round trip is within half a step, and clamps', () => {
  for (let i = 0; i <= 100; i++) {
    const v = -3 + (i / 100) * 7;
    const q = encodeLinear(v, -3, 4, 8);
    assert.ok(Math.abs(decodeLinear(q, -3, 4, 8) - v) <= 7 / 255 / 2 + 1e-12);
  }
  assert.equal(encodeLinear(99, 0, 1, 8), 255);
  assert.equal(encodeLinear(-99, 0, 1, 8), 0);
  assert.equal(decodeLinear(7, 2, 2, 8), 2); // empty range decodes to min
});

test('smallest-three decodes to the same rotation (q and -q are the same rotation)', () => {
  const out = new Float32Array(4);
  const code = [0, 0, 0, 0];
  for (const q of [[1, 0, 0, 0], [0, 0, 0, -1], [0.5, -0.5, 0.5, 0.5], [0.1, 0.9, -0.3, 0.2], [0, 0, 0, 0]]) {
    encodeSmallestThree(q[0], q[1], q[2], q[3], 10, code);
    decodeSmallestThree(code[0], code[1], code[2], code[3], 10, out, 0);
    const n = Math.hypot(...q) || 1;
    const ref = Math.hypot(...q) ? q : [1, 0, 0, 0];
    const dot = Math.abs(out[0] * ref[0] + out[1] * ref[1] + out[2] * ref[2] + out[3] * ref[3]) / n;
    // 10-bit components: the angle error stays under 0.3° (bound derived in gsz-roundtrip.test.ts).
    assert.ok(2 * Math.acos(Math.min(1, dot)) < (0.3 * Math.PI) / 180, `q = ${q}`);
  }
});

test('zigzag16 round trips every 16-bit delta; morton30 interleaves bits', () => {
  for (let d = -70000; d <= 70000; d += 7) assert.equal(unzigzag16(zigzag16(d)) & 0xffff, d & 0xffff);
  assert.equal(zigzag16(-1), 1);
  assert.equal(zigzag16(1), 2);
  assert.equal(morton30(1, 0, 0), 1);
  assert.equal(morton30(0, 1, 0), 2);
  assert.equal(morton30(0, 0, 1), 4);
  assert.equal(morton30(1023, 1023, 1023), 2 ** 30 - 1);
});
