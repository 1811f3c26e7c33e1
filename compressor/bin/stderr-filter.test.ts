// The launcher's stderr filter drops exactly Dawn's adapter-probing warning blocks and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DawnNoiseFilter } from './stderr-filter.js';

const PROBE = [
  'Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.',
  ' - While initializing adapter (backend=BackendType::Vulkan)',
  '    at InitializeImpl (/home/runner/work/node-webgpu/third_party/dawn/src/dawn/native/vulkan/PhysicalDeviceVk.cpp:257)',
].join('\n');

const run = (chunks: string[]): string => {
  const f = new DawnNoiseFilter();
  return chunks.map((c) => f.push(c)).join('') + f.end();
};

test('adapter-probing warnings are dropped, in one chunk or split anywhere', () => {
  const text = `${PROBE}\nwrote out.png\n`;
  assert.equal(run([text]), 'wrote out.png\n');
  for (let cut = 1; cut < text.length; cut += 7)
    assert.equal(run([text.slice(0, cut), text.slice(cut)]), 'wrote out.png\n');
  assert.equal(run([`${PROBE}\n${PROBE}\n`]), '');
});

test('real errors, other warnings and plain lines pass through unchanged', () => {
  const kept = [
    'gs-compress pack: in.ply: vertex 3 has x = NaN (not a finite number)',
    'Warning: something else entirely',
    'Error: Loader Message: setup_loader_term_phys_devs: Failed to detect any valid GPUs',
    ' - While validating [ComputePipeline] (a device error, not adapter probing)',
    'Warning: held to the end',
  ].join('\n');
  assert.equal(run([kept]), kept);
  assert.equal(run([`${kept}\n`]), `${kept}\n`);
  assert.equal(run(['Warning: a\nWarning: b']), 'Warning: a\nWarning: b');
  assert.equal(
    run([`Warning: x\n - While calling [Device].CreateBuffer\n`]),
    'Warning: x\n - While calling [Device].CreateBuffer\n',
  );
});

test('a line without a newline yet (a progress bar redrawn with \\r) is passed through at once', () => {
  const f = new DawnNoiseFilter();
  assert.equal(f.push('\rtrain |###   | 30/100'), '\rtrain |###   | 30/100');
  assert.equal(f.push('\rtrain |####  | 40/100'), '\rtrain |####  | 40/100');
  assert.equal(f.push(' done\nWarn'), ' done\n');
  assert.equal(f.push('ing: Vulkan x required.\n - While initializing adapter (backend=X)\nok\n'), 'ok\n');
  assert.equal(f.end(), '');
});
