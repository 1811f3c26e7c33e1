// half-float.ts against an independent reference: every binary16 value decoded from its bits by the
// format's definition round-trips, and float32 inputs round to the nearest half found by search over all
// finite halves (ties to the even one), with overflow to infinity as the GPU's pack2x16float does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from '../../../shared/math/random.ts';
import { halfBits, halfValue, packHalf2, unpackHalf } from './half-float.ts';

test('decoding follows the binary16 definition and every half round-trips', () => {
  for (let h = 0; h < 0x10000; h++) {
    const v = halfValue(h);
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    const sign = h & 0x8000 ? -1 : 1;
    const want =
      e === 0
        ? sign * m * 2 ** -24
        : e === 31
          ? m
            ? Number.NaN
            : sign * Infinity
          : sign * (1 + m / 1024) * 2 ** (e - 15);
    assert.ok(Object.is(v, want) || (Number.isNaN(v) && Number.isNaN(want)) || v === want, `h=${h}`);
    if (!Number.isNaN(v)) assert.equal(halfBits(v), h, `round trip of ${h}`);
  }
});

test('float32 values round to the nearest half, ties to even, overflow to infinity', () => {
  const values = Array.from({ length: 0x7c00 }, (_, h) => halfValue(h));
  const nearest = (x: number): number => {
    // Binary search for the first half >= |x|, then the closer neighbour (even on a tie).
    let lo = 0;
    let hi = values.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    if (values[lo]! < x) {
      // Beyond the largest finite half (65504): infinity from halfway to the next power (65520) on.
      return x >= 65520 ? 0x7c00 : lo;
    }
    if (lo === 0) return 0;
    const below = values[lo - 1]!;
    const above = values[lo]!;
    if (x - below < above - x) return lo - 1;
    if (above - x < x - below) return lo;
    return (lo - 1) % 2 === 0 ? lo - 1 : lo;
  };
  const rand = mulberry32(3);
  const f = new Float32Array(1);
  const samples: number[] = [
    65519.99,
    65520,
    1e-8,
    2 ** -25,
    3 * 2 ** -26,
    2 ** -24,
    1 + 2 ** -11,
    1 + 3 * 2 ** -11,
  ];
  for (let i = 0; i < 20000; i++) samples.push(2 ** (rand() * 44 - 28) * (rand() < 0.5 ? -1 : 1));
  // Exact midpoints between neighbours (ties).
  for (let h = 1; h < 0x7bff; h += 97) samples.push((values[h]! + values[h + 1]!) / 2);
  for (const s of samples) {
    f[0] = s;
    const x = f[0]!;
    const want = nearest(Math.abs(x)) | (x < 0 ? 0x8000 : 0);
    assert.equal(halfBits(x), want, `${x}`);
  }
  assert.equal(halfBits(Infinity), 0x7c00);
  assert.ok(Number.isNaN(halfValue(halfBits(Number.NaN))));
});

test('pack2x16float order: the first value in the low 16 bits', () => {
  const w = packHalf2(1, -2);
  assert.equal(w & 0xffff, 0x3c00);
  assert.equal(w >>> 16, 0xc000);
  assert.equal(unpackHalf(w, 0), 1);
  assert.equal(unpackHalf(w, 1), -2);
});
