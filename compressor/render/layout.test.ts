// Packed parameter layout and uniform packing agree with the WGSL declarations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import rasterCommon from './wgsl/raster_common.wgsl';
import { columnsOf, gaussianLayout, packGaussians } from './gaussian-layout.ts';
import { wgslStructLayout } from '../../shared/wgsl/struct-layout.ts';
import { RENDER_PARAMS_BYTES, RENDER_PARAMS_FIELDS } from './render-params.ts';
import { randomScene } from './test/scenes.ts';

test('RenderParams fields match raster_common.wgsl, in order', () => {
  const layout = wgslStructLayout(rasterCommon, 'RenderParams');
  assert.deepEqual(
    layout.fields.map((f) => f.name),
    [...RENDER_PARAMS_FIELDS],
  );
  // All 4-byte scalars: a field's offset is 4 x its index, as render-params.ts packs them.
  assert.deepEqual(
    layout.fields.map((f) => f.offset),
    RENDER_PARAMS_FIELDS.map((_, i) => 4 * i),
  );
  assert.ok(layout.size <= RENDER_PARAMS_BYTES);
});

test('sections are 256-byte aligned, disjoint, and round-trip the scene', () => {
  const layout = gaussianLayout(37, 2);
  const o = layout.offsets;
  const starts = [o.means, o.logScales, o.quats, o.opacities, o.shDC, o.shRest];
  assert.ok(starts.every((s) => s % 64 === 0));
  assert.deepEqual(starts, [0, 128, 256, 448, 512, 640]);
  assert.equal(layout.length, 640 + 64 * Math.ceil((37 * 8 * 3) / 64));
  const scene = randomScene(37, 2, 3);
  const { data } = packGaussians(scene);
  const c = columnsOf(layout, data);
  assert.deepEqual(c.rotations, scene.rotations);
  assert.deepEqual(c.shRest, scene.shRest);
  assert.deepEqual(c.opacityLogits, scene.opacityLogits);
});
