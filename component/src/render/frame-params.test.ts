// FrameParams' layout in frame-params.wgsl (derived from the WGSL source) is the one frame-params.ts
// packs: field names in order, the struct's size, and each value written at its field's offset.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wgslStructLayout } from '../../../shared/wgsl/struct-layout.ts';
import { FRAME_PARAMS_BYTES, FRAME_PARAMS_FIELDS, packFrameParams } from './frame-params.ts';
import frameParamsWgsl from './frame-params.wgsl';

const layout = wgslStructLayout(frameParamsWgsl, 'FrameParams');
const offsetOf = (name: string): number => {
  const field = layout.fields.find((f) => f.name === name);
  assert.ok(field, `FrameParams has no field ${name}`);
  return field.offset;
};

test('FrameParams struct fields and size match frame-params.ts', () => {
  assert.deepEqual(
    layout.fields.map((f) => f.name),
    [...FRAME_PARAMS_FIELDS],
  );
  assert.equal(layout.size, FRAME_PARAMS_BYTES);
});

test('packFrameParams writes each value at its WGSL field offset', () => {
  // Camera at (1, 2, 3) looking down -Z (identity rotation); world-to-camera translation = -eye.
  const viewMatrix = new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, -1, -2, -3, 1]);
  const camera = { viewMatrix, fx: 100, fy: 100, cx: 32, cy: 24, width: 64, height: 48 };
  const out = packFrameParams({
    camera,
    count: 1234,
    shDegree: 2,
    shWords: 13,
    antialiased: true,
    bounds: new Float64Array([-1, -1, -10, 1, 1, -5]),
    grids: { logScale: { min: -7, step: 0.05 }, shDC: { min: -2, step: 0.01 } },
  });
  const f = new DataView(out);
  const f32 = (name: string, i = 0) => f.getFloat32(offsetOf(name) + 4 * i, true);
  const u32 = (name: string) => f.getUint32(offsetOf(name), true);
  assert.deepEqual([f32('eye', 0), f32('eye', 1), f32('eye', 2)], [1, 2, 3]);
  assert.equal(u32('count'), 1234);
  assert.equal(u32('sh_degree'), 2);
  assert.equal(u32('sh_words'), 13);
  assert.equal(u32('antialiased'), 1);
  assert.ok(Number.isFinite(f32('key_offset')) && f32('key_scale') > 0);
  const grid = [0, 1, 2, 3].map((i) => f32('grid', i));
  assert.deepEqual(
    grid.map((v) => Math.fround(v)),
    [-7, 0.05, -2, 0.01].map((v) => Math.fround(v)),
  );
});
