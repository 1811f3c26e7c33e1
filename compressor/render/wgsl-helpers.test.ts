// The shared WGSL helper modules compile on their own (as the viewer imports them), every rasterizer
// stage builds a pipeline in every compositing variant (the Camera uniform's field order:
// shared/math/camera-uniform.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpuOrSkip } from '../gpu/test-gpu.ts';
import { composeWgsl } from '../../shared/wgsl/compose.ts';
import { SHARED_WGSL_MODULES } from '../../shared/wgsl/modules.ts';
import { withErrorScope } from '../gpu/device.ts';
import * as passes from './passes.ts';

test('math, projection and sh compile standalone', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  for (const name of ['math', 'projection', 'sh']) {
    const code = composeWgsl(
      `#import ${name}\n@compute @workgroup_size(1) fn main() {}`,
      SHARED_WGSL_MODULES,
    );
    const module = gpu.device.createShaderModule({ code, label: `helpers.${name}` });
    const info = await module.getCompilationInfo();
    const errors = info.messages
      .filter((m) => m.type === 'error')
      .map((m) => `${m.lineNum}:${m.linePos} ${m.message}`);
    assert.deepEqual(errors, [], `${name}:\n${errors.join('\n')}`);
  }
  gpu.check();
});

test('every rasterizer stage builds a compute pipeline (every compositing variant)', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  await withErrorScope(gpu.device, () => {
    const d = gpu.device;
    new passes.ProjectForwardPass(d);
    new passes.TileCountsPass(d);
    new passes.MapIntersectionsPass(d);
    new passes.TileRangesPass(d);
    new passes.ProjectBackwardPass(d);
    for (const variant of ['batched', 'direct', 'serial'] as const) {
      new passes.RasterizeForwardPass(d, variant);
      new passes.RasterizeBackwardPass(d, variant);
    }
  });
});
