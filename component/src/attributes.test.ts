// The lenient attribute parsers: valid strings parse, anything else falls back to the default.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNumber, parseReveal, parseVec3 } from './attributes.ts';

test('reveal: "N%" is a share of the Gaussians, anything else shows the first chunk at once', () => {
  assert.equal(parseReveal('50%'), 0.5);
  assert.equal(parseReveal(' 100 % '), 1);
  assert.equal(parseReveal('250%'), 1);
  assert.equal(parseReveal('12.5%'), 0.125);
  for (const value of ['auto', '', null, undefined, '50', '-10%', 'half', '%'])
    assert.equal(parseReveal(value), 0, String(value));
});

test('numbers and vectors fall back when malformed', () => {
  assert.equal(parseNumber('1.5', 30, 0), 1.5);
  assert.equal(parseNumber('x', 30, 0), 30);
  assert.equal(parseNumber(-4, 30, 0), 0);
  assert.deepEqual(parseVec3('1, 2 3'), [1, 2, 3]);
  assert.equal(parseVec3('1 2'), undefined);
});
