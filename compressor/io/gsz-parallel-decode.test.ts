// decodeGszParallel against the serial decoder (shared/format decodeGsz): byte-identical columns for any
// thread count, and bad input ends in the same GszFormatError (code and message) whichever thread meets it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeGsz, decodeGszHeader, GszFormatError } from '../../shared/format/gsz-decoder.ts';
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { encodeGsz } from '../pack/gsz-encoder.ts';
import { decodeGszParallel } from './gsz-parallel-decode.ts';
import { randomScene } from './test-helpers.ts';

// SH degree 2 (codebook and residual columns) in many small chunks, so every thread gets several.
const bytes = await encodeGsz(randomScene(6000, 2, 11), {
  firstChunk: 300,
  chunkGrowth: 2,
  maxChunk: 700,
  codebookSize: 256,
  kmeansIterations: 1,
});
const COLUMNS = ['positions', 'logScales', 'rotations', 'opacityLogits', 'shDC', 'shRest'] as const;

function assertSameScene(actual: GaussianScene, expected: GaussianScene): void {
  assert.equal(actual.count, expected.count);
  assert.equal(actual.shDegree, expected.shDegree);
  assert.equal(actual.antialiased, expected.antialiased);
  for (const k of COLUMNS) {
    const a = new Uint8Array(actual[k].buffer, actual[k].byteOffset, actual[k].byteLength);
    const e = new Uint8Array(expected[k].buffer, expected[k].byteOffset, expected[k].byteLength);
    assert.ok(Buffer.from(a).equals(Buffer.from(e)), `${k} differs from the serial decoder`);
  }
}

test('parallel decode is bit-identical to the serial decoder for 1 to 4 threads', async () => {
  assert.ok(decodeGszHeader(bytes).chunks.length >= 8, 'the test file should have many chunks');
  const serial = decodeGsz(bytes);
  for (const threads of [1, 2, 3, 4]) assertSameScene(await decodeGszParallel(bytes, { threads }), serial);
  // Workers alone (this thread decodes nothing): their output is what is compared.
  for (const threads of [1, 3])
    assertSameScene(await decodeGszParallel(bytes, { threads, callerDecodes: false }), serial);
});

async function sameError(file: Uint8Array): Promise<void> {
  let expected: unknown;
  try {
    decodeGsz(file);
  } catch (e) {
    expected = e;
  }
  assert.ok(expected instanceof GszFormatError, 'the serial decoder should reject this input');
  for (const options of [{ threads: 3 }, { threads: 2, callerDecodes: false }]) {
    await assert.rejects(decodeGszParallel(file, options), (e: unknown) => {
      assert.ok(e instanceof GszFormatError, `expected a GszFormatError, got ${String(e)}`);
      assert.equal(e.code, expected.code);
      assert.equal(e.message, expected.message);
      return true;
    });
  }
}

test('a corrupt chunk fails with the serial decoder’s GszFormatError, from any thread', async () => {
  const chunks = decodeGszHeader(bytes).chunks;
  // Corrupt the largest chunk (claimed first, so by a worker or this thread) and, separately, the last one.
  for (const c of [chunks[chunks.length - 2], chunks[chunks.length - 1]]) {
    const bad = bytes.slice();
    bad[c.offset + (c.length >> 1)] ^= 0x5a;
    await sameError(bad);
  }
});

test('a truncated file fails before any worker starts, as in the serial decoder', async () => {
  await sameError(bytes.subarray(0, bytes.length - 100));
});
