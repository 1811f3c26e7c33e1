// The generated constants modules declare every TS constant once, with the same f32 value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as projection from '../math/projection-constants.ts';
import * as sh from '../math/sh-constants.ts';
import { PROJECTION_CONSTANTS_WGSL, SH_CONSTANTS_WGSL, wgslFloat } from './constants.ts';

/** name -> values of `const NAME: f32 = v;` and `const NAME = array<f32, n>(v, ...);` lines. */
function parse(wgsl: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of wgsl.split('\n')) {
    const m = /^const (\w+)(?:: f32)? = (?:array<f32, (\d+)>\((.*)\)|(.*));$/.exec(line);
    assert.ok(m, `not a constant: ${line}`);
    const values = (m[3] ?? m[4]).split(', ').map(Number);
    if (m[2] !== undefined) assert.equal(values.length, Number(m[2]));
    out.set(m[1], values);
  }
  return out;
}

test('projection and SH constants reach the WGSL unchanged', () => {
  for (const [wgsl, ts] of [
    [PROJECTION_CONSTANTS_WGSL, projection],
    [SH_CONSTANTS_WGSL, sh],
  ] as const) {
    const parsed = parse(wgsl);
    assert.deepEqual([...parsed.keys()].sort(), Object.keys(ts).sort());
    for (const [name, value] of Object.entries(ts)) {
      const expected = (typeof value === 'number' ? [value] : [...value]).map(Math.fround);
      assert.deepEqual(parsed.get(name)?.map(Math.fround), expected, name);
    }
  }
});

test('wgslFloat always writes a float literal', () => {
  assert.equal(wgslFloat(2), '2.0');
  assert.equal(wgslFloat(-0.5), '-0.5');
  assert.equal(wgslFloat(1e-7), '1e-7');
  assert.throws(() => wgslFloat(Number.NaN), RangeError);
});
