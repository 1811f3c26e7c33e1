// WGSL struct layout by the spec's alignment rules, on the spec's own kinds of fields.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wgslStructLayout } from './struct-layout.ts';

test('offsets follow WGSL alignment (vec3 aligns to 16, vec2 to 8, mat columns to 16)', () => {
  const layout = wgslStructLayout(
    'struct S {\n  a: f32, // comment: b\n  b: vec3f,\n  c: vec2<u32>,\n  d: mat3x3f,\n  e: u32,\n}',
    'S',
  );
  assert.deepEqual(
    layout.fields.map((f) => [f.name, f.offset, f.size]),
    [
      ['a', 0, 4],
      ['b', 16, 12],
      ['c', 32, 8],
      ['d', 48, 48],
      ['e', 96, 4],
    ],
  );
  assert.equal(layout.size, 112);
  assert.throws(() => wgslStructLayout('struct T { x: array<f32, 4> }', 'T'), /unsupported/);
  assert.throws(() => wgslStructLayout('', 'Missing'), /no struct/);
});
