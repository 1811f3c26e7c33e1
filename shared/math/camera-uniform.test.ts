// The Camera uniform's layout in shared/wgsl/projection.wgsl (derived from the WGSL source) is the one
// camera-uniform.ts packs: names, order, types, offsets and size; and packCamera puts each value there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wgslStructLayout } from '../wgsl/struct-layout.ts';
import projectionWgsl from '../wgsl/projection.wgsl';
import { CAMERA_UNIFORM_BYTES, CAMERA_UNIFORM_LAYOUT, packCamera } from './camera-uniform.ts';

test('Camera struct layout matches camera-uniform.ts', () => {
  const wgsl = wgslStructLayout(projectionWgsl, 'Camera');
  assert.deepEqual(
    wgsl.fields.map(({ name, type, offset }) => ({ name, type, offset })),
    Object.entries(CAMERA_UNIFORM_LAYOUT).map(([name, f]) => ({ name, type: f.type, offset: f.offset })),
  );
  assert.equal(wgsl.size, CAMERA_UNIFORM_BYTES);
});

test('packCamera writes each value at its field', () => {
  const viewMatrix = Float32Array.from({ length: 16 }, (_, i) => i + 1);
  const out = packCamera({ viewMatrix, fx: 100, fy: 101, cx: 32, cy: 24, width: 64, height: 48 });
  const f = new Float32Array(out);
  const u = new Uint32Array(out);
  assert.deepEqual([...f.subarray(0, 16)], [...viewMatrix]);
  assert.deepEqual([...f.subarray(16, 20)], [100, 101, 32, 24]);
  assert.deepEqual([...u.subarray(20, 24)], [64, 48, 0, 0]);
  const frame = { x0: 3, y0: 5, width: 640, height: 480 };
  const windowed = new Uint32Array(
    packCamera({ viewMatrix, fx: 100, fy: 101, cx: 32, cy: 24, width: 64, height: 48, frame }),
  );
  assert.deepEqual([...windowed.subarray(22, 24)], [3 | (5 << 16), 640 | (480 << 16)]);
});
