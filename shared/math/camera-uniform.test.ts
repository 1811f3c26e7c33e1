// The Camera uniform's field order in shared/wgsl/projection.wgsl matches the TS packer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import projectionWgsl from '../wgsl/projection.wgsl';
import { CAMERA_UNIFORM_FIELDS } from './camera-uniform.ts';

test('Camera struct fields match camera-uniform.ts', () => {
  const body = /struct Camera \{([^}]*)\}/.exec(projectionWgsl)?.[1] ?? '';
  const names = [...body.matchAll(/^\s*(\w+)\s*:/gm)].map((m) => m[1]);
  assert.deepEqual(names, [...CAMERA_UNIFORM_FIELDS]);
});
