// The streaming reader must produce exactly what the whole-file decoder produces, however the bytes
// are split across network reads, and fail with a specific error when the stream ends early.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateDemoGaussians } from '../../compressor/demo-scene/gaussians.ts';
import { encodeGsz } from '../../compressor/pack/gsz-encoder.ts';
import { decodeGsz, GszFormatError } from '../../shared/format/gsz-decoder.ts';
import { readGszStream } from './gsz-stream.ts';
import { packSplats } from './render/packed-splats.ts';
import { SPLAT_WORDS } from './render/splat-layout.ts';

const file = await encodeGsz(generateDemoGaussians({ count: 2500, seed: 3, shDegree: 1 }), {
  firstChunk: 500,
  chunkGrowth: 2,
  maxChunk: 1000,
  codebookSize: 32,
  kmeansIterations: 2,
});

/** A reader that hands out `bytes` in pieces of the given sizes (cycled). */
function readerOf(
  bytes: Uint8Array,
  sizes: number[],
  stopAt = bytes.length,
): ReadableStreamDefaultReader<Uint8Array> & { cancelled: boolean } {
  let offset = 0;
  let k = 0;
  const reader = {
    cancelled: false,
    async read() {
      if (offset >= stopAt) return { done: true as const, value: undefined };
      const n = Math.min(sizes[k++ % sizes.length], stopAt - offset);
      const value = bytes.slice(offset, offset + n);
      offset += n;
      return { done: false as const, value };
    },
    async cancel() {
      reader.cancelled = true;
    },
    releaseLock() {},
    closed: Promise.resolve(undefined),
  };
  return reader as unknown as ReadableStreamDefaultReader<Uint8Array> & { cancelled: boolean };
}

async function stream(sizes: number[], maxSplats = Infinity, stopAt?: number) {
  const expected = packSplats(decodeGsz(file));
  const splats = new Uint32Array(expected.splats.length);
  const shRest = new Uint32Array(expected.shRest.length);
  const stride = expected.shRest.length / expected.count;
  let next = 0;
  let calls = 0;
  let count = -1;
  let lastBytes = 0;
  const reader = readerOf(file, sizes, stopAt);
  await readGszStream(reader, maxSplats, {
    header(scene) {
      count = scene.count;
    },
    chunk(first, packed) {
      // New chunks extend the loaded prefix; a chunk sent again (DC-only before the codebook) overwrites.
      assert.ok(first <= next, 'chunks arrive as a growing prefix');
      next = Math.max(next, first + packed.count);
      splats.set(packed.splats, first * SPLAT_WORDS);
      shRest.set(packed.shRest, first * stride);
      calls++;
    },
    bytes(loaded) {
      assert.ok(loaded >= lastBytes, 'byte count is monotonic');
      lastBytes = loaded;
    },
  });
  return {
    count,
    loaded: next,
    splats: splats.subarray(0, next * SPLAT_WORDS),
    shRest: shRest.subarray(0, next * stride),
    calls,
    cancelled: reader.cancelled,
  };
}

test('streamed chunks equal the whole-file decode for any split of the bytes', async () => {
  const expected = packSplats(decodeGsz(file));
  for (const sizes of [[file.length], [1], [7, 1000, 3], [4096]]) {
    const got = await stream(sizes);
    assert.equal(got.count, 2500);
    assert.equal(got.loaded, 2500);
    assert.equal(got.calls, 4, 'three chunks, the first sent again with SH once the codebook came');
    assert.deepEqual(got.splats, expected.splats);
    assert.deepEqual(got.shRest, expected.shRest);
  }
});

test('max-splats stops after a prefix and cancels the download', async () => {
  const got = await stream([512], 1200);
  const expected = packSplats(decodeGsz(file), 1200);
  assert.deepEqual(got.shRest, expected.shRest, 'the prefix has its SH (the codebook was read)');
  assert.equal(got.count, 1200);
  assert.equal(got.loaded, 1200);
  assert.equal(got.splats.length, 1200 * SPLAT_WORDS);
  assert.ok(got.cancelled);
});

test('a stream that ends early is a truncated error naming what was missing', async () => {
  await assert.rejects(
    stream([300], Infinity, file.length - 5),
    (e: unknown) => e instanceof GszFormatError && e.code === 'truncated' && /chunk/.test(e.message),
  );
  await assert.rejects(
    stream([3], Infinity, 10),
    (e: unknown) => e instanceof GszFormatError && e.code === 'truncated',
  );
});
