// The streaming reader must produce exactly what the whole-file decoder produces, however the bytes
// are split across network reads, and fail with a specific error when the stream ends early.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateDemoGaussians } from '../../../compressor/demo-scene/gaussians.ts';
import { encodeGsz } from '../../../compressor/pack/gsz-encoder.ts';
import { decodeGsz, decodeGszHeader, GszFormatError } from '../../../shared/format/gsz-decoder.ts';
import { type ChunkDecoder, DecodePool, decodePoolSize, serveDecodes } from './decode-pool.ts';
import { reorderChunks, rewriteHeader } from '../../../e2e/gsz-tamper.ts';
import { readGszStream } from './gsz-stream.ts';
import { gridsOfFile, packSplats } from '../render/packed-splats.ts';
import { SPLAT_WORDS } from '../render/splat-layout.ts';

/** A whole file packed as the stream packs it (on the file's grids). */
function packFile(bytes: Uint8Array, count?: number) {
  return packSplats(decodeGsz(bytes), gridsOfFile(decodeGszHeader(bytes).quant), count);
}

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

async function stream(
  sizes: number[],
  maxSplats = Infinity,
  stopAt?: number,
  decoder?: ChunkDecoder,
  bytes = file,
) {
  const expected = packFile(bytes);
  const splats = new Uint32Array(expected.splats.length);
  const shRest = new Uint32Array(expected.shRest.length);
  const stride = expected.shRest.length / expected.count;
  let next = 0;
  let calls = 0;
  let count = -1;
  let lastBytes = 0;
  const reader = readerOf(bytes, sizes, stopAt);
  await readGszStream(
    reader,
    maxSplats,
    {
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
    },
    decoder,
  );
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
  const expected = packFile(file);
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
  const expected = packFile(file, 1200);
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

// The Worker pool's protocol, run over in-process MessageChannels (the element runs serveDecodes in helper
// Workers): a file of many chunks, decoded by the reading side and two helpers.
const many = await encodeGsz(generateDemoGaussians({ count: 4000, seed: 5, shDegree: 1 }), {
  firstChunk: 300,
  chunkGrowth: 1.5,
  maxChunk: 500,
  codebookSize: 32,
  kmeansIterations: 2,
});

function poolWithHelpers(helpers: number, splitAt?: number): DecodePool {
  const ports = Array.from({ length: helpers }, () => {
    const channel = new MessageChannel();
    serveDecodes(channel.port2);
    return channel.port1;
  });
  return new DecodePool(ports, splitAt);
}

test('chunks stored out of index order are all emitted, numbered in arrival order', async () => {
  // Chunks 500, 1000, 1000 Gaussians, stored in the order 2, 0, 1 (the format allows any order).
  const shuffled = reorderChunks(file, [2, 0, 1]);
  const expected = packFile(file);
  const inArrivalOrder = (n: number) => {
    const ranges = [
      [1500, 2500],
      [0, 500],
      [500, 1500],
    ];
    const out = new Uint32Array(2500 * SPLAT_WORDS);
    let at = 0;
    for (const [from, to] of ranges) {
      out.set(expected.splats.subarray(from * SPLAT_WORDS, to * SPLAT_WORDS), at);
      at += (to - from) * SPLAT_WORDS;
    }
    return out.subarray(0, n * SPLAT_WORDS);
  };
  for (const sizes of [[shuffled.length], [777]]) {
    const got = await stream(sizes, Infinity, undefined, undefined, shuffled);
    assert.equal(got.count, 2500);
    assert.equal(got.loaded, 2500, 'every Gaussian, not just the chunk stored first');
    assert.deepEqual(got.splats, inArrivalOrder(2500));
  }
  const prefix = await stream([4096], 1200, undefined, undefined, shuffled);
  assert.equal(prefix.loaded, 1200);
  assert.deepEqual(prefix.splats, inArrivalOrder(1200));
});

test('headers that cannot be drawn are corrupt errors: zero up, bounds missing or dwarfing the Gaussians', async () => {
  const cases: [string, (h: Parameters<Parameters<typeof rewriteHeader>[1]>[0]) => void, RegExp][] = [
    ['zero up', (h) => (h.up = [0, 0, 0]), /up axis/],
    ['bounds far away', (h) => (h.bounds = [1e29, 1e29, 1e29, 1e30, 1e30, 1e30]), /outside the scene bounds/],
    ['inverted bounds', (h) => (h.bounds = [1e30, 1e30, 1e30, -1e30, -1e30, -1e30]), /exceeds/],
    ['bounds of +-1e30', (h) => (h.bounds = [-1e30, -1e30, -1e30, 1e30, 1e30, 1e30]), /over 100x/],
  ];
  for (const [what, mutate, message] of cases) {
    await assert.rejects(
      stream([4096], Infinity, undefined, undefined, rewriteHeader(file, mutate)),
      (e: unknown) => e instanceof GszFormatError && e.code === 'corrupt' && message.test(e.message),
      what,
    );
  }
  // The untouched header passes through the same rewrite.
  assert.equal(
    (
      await stream(
        [4096],
        Infinity,
        undefined,
        undefined,
        rewriteHeader(file, () => undefined),
      )
    ).loaded,
    2500,
  );
});

test('a section longer than its Gaussians can need is a limit error before it is buffered', async () => {
  // Chunk 2 (the last) claims 1 GiB more in its last column: a header a gzip bomb could feed.
  const huge = rewriteHeader(file, (h) => {
    const chunk = h.chunks[2];
    chunk[1] += 2 ** 30;
    chunk[chunk.length - 1] += 2 ** 30;
  });
  let chunks = 0;
  await assert.rejects(
    readGszStream(readerOf(huge, [4096]), Infinity, {
      header() {},
      chunk() {
        chunks++;
      },
      bytes() {},
    }),
    (e: unknown) =>
      e instanceof GszFormatError && e.code === 'limit' && /chunk 2 stores 1000/.test(e.message),
  );
  assert.equal(chunks, 0, 'refused at the header, before any chunk');
});

test('a pool of helpers streams the same Gaussians, in chunk order', async () => {
  const chunks = decodeGszHeader(many).chunks.length;
  assert.ok(chunks >= 8, `${chunks} chunks`);
  const expected = packFile(many);
  for (const sizes of [[many.length], [777]]) {
    const pool = poolWithHelpers(2);
    const helped = { count: 0 };
    const decode = pool.decode.bind(pool);
    pool.decode = (index, bytes, count, local) => {
      if (!local) helped.count++;
      return decode(index, bytes, count, local);
    };
    try {
      const got = await stream(sizes, Infinity, undefined, pool, many);
      assert.equal(got.loaded, 4000);
      assert.deepEqual(got.splats, expected.splats);
      assert.deepEqual(got.shRest, expected.shRest);
      assert.ok(helped.count >= chunks - 1, 'every chunk after the first may go to a helper');
    } finally {
      pool.close();
    }
  }
});

test('a chunk that fails in a helper ends the stream with its GszFormatError', async () => {
  const header = decodeGszHeader(many);
  const bad = many.slice();
  const c = header.chunks[header.chunks.length - 1];
  bad[c.offset + (c.length >> 1)] ^= 0x5a;
  let expected: unknown;
  try {
    decodeGsz(bad);
  } catch (e) {
    expected = e;
  }
  assert.ok(expected instanceof GszFormatError);
  const pool = poolWithHelpers(3);
  try {
    await assert.rejects(stream([many.length], Infinity, undefined, pool, bad), (e: unknown) => {
      assert.ok(e instanceof GszFormatError);
      assert.equal(e.code, expected.code);
      assert.equal(e.message, expected.message);
      return true;
    });
  } finally {
    pool.close();
  }
});

test('the pool is sized from hardwareConcurrency, at least 1 and at most 4 Workers', () => {
  assert.equal(decodePoolSize(1), 1);
  assert.equal(decodePoolSize(3), 3);
  assert.equal(decodePoolSize(16), 4);
  assert.equal(decodePoolSize(undefined), 2, 'unknown core count: two');
  assert.equal(decodePoolSize(0), 2);
});

test('large chunks split by parts between the threads give the same Gaussians and errors', async () => {
  const expected = packFile(many);
  for (const helpers of [1, 3]) {
    // Every chunk after the first (>= 300 Gaussians) is split.
    const pool = poolWithHelpers(helpers, 300);
    try {
      const got = await stream([many.length], Infinity, undefined, pool, many);
      assert.deepEqual(got.splats, expected.splats);
      assert.deepEqual(got.shRest, expected.shRest);
    } finally {
      pool.close();
    }
  }
  const header = decodeGszHeader(many);
  const c = header.chunks[3];
  // Damage the SH index column: the checksum (part 0) and the SH part fail on different threads.
  const bad = many.slice();
  bad[c.offset + c.columnLengths.slice(0, 5).reduce((a, b) => a + b, 0) + 2] ^= 0xff;
  let expectedError: unknown;
  try {
    decodeGsz(bad);
  } catch (e) {
    expectedError = e;
  }
  assert.ok(expectedError instanceof GszFormatError);
  const pool = poolWithHelpers(2, 300);
  try {
    await assert.rejects(stream([bad.length], Infinity, undefined, pool, bad), (e: unknown) => {
      assert.ok(e instanceof GszFormatError);
      assert.equal(e.message, expectedError.message);
      return true;
    });
  } finally {
    pool.close();
  }
});
