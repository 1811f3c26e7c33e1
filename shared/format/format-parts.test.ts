// Building blocks of the format against independent references: CRC-32 check value, fp16 against exact
// binary16 values, quantizer twins (encode then decode stays within half a step). Range coder and Morton
// keys: range-codec.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from './crc32.ts';
import { fromHalf, toHalf } from './half.ts';
import { decodeLinear, decodeOpacity, encodeLinear, encodeOpacity } from './quantize.ts';

test('crc32 matches the standard check value', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array()), 0);
});

test('fp16 conversion is exact on representable values and rounds to nearest otherwise', () => {
  for (const [v, h] of [
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [2 ** -24, 0x0001],
    [0.5, 0x3800],
    [0, 0],
  ] as const) {
    assert.equal(toHalf(v), h);
    assert.equal(fromHalf(h), v);
  }
  assert.equal(toHalf(1e6), 0x7c00); // overflow -> +Infinity
  // Relative error of rounding to 11 significant bits is <= 2^-11.
  for (const v of [0.1, -0.333, Math.PI, 1e-3])
    assert.ok(Math.abs(fromHalf(toHalf(v)) - v) <= Math.abs(v) * 2 ** -11);
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

test('opacity codes sigmoid(logit) linearly and decodes a clamped logit', () => {
  for (const v of [-6, -1, 0, 0.5, 3]) {
    const q = encodeOpacity(v, 8);
    const back = 1 / (1 + Math.exp(-decodeOpacity(q, 8, 20)));
    // Half a step of 1/255 in opacity, the quantity rendered.
    assert.ok(Math.abs(back - 1 / (1 + Math.exp(-v))) <= 0.5 / 255 + 1e-12);
  }
  assert.equal(decodeOpacity(0, 8, 20), -20);
  assert.equal(decodeOpacity(255, 8, 20), 20);
});
