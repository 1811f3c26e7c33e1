// The fast column decoders (column-decoder.ts) read exactly the bitstream of the generic schemes
// (gsz-codec.ts through range-coder.ts): every column of random data, with skewed and uniform values, is
// encoded once and decoded by both; the codes must be identical. Truncated or corrupted streams must fail
// with GszFormatError (or decode to codes in range), never another exception or a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { random } from '../../compressor/io/test-helpers.ts';
import {
  decodeCodebookHalves,
  decodeColours,
  decodeIndices,
  decodeOpacityCodes,
  decodePositionKeys,
  decodeResidualCodes,
  decodeRotations,
  decodeTriples,
  ResidualCodeReader,
} from './column-decoder.ts';
import {
  codeCodebook,
  codeColours,
  codeOpacity,
  codePositions,
  codeResiduals,
  codeRotations,
  codeSingles,
  codeTriples,
  morton48,
  newChunkCodes,
  type ChunkCodes,
} from './gsz-codec.ts';
import { GszFormatError } from './gsz-error.ts';
import { RangeDecoder, RangeEncoder, type BitCoder } from './range-coder.ts';

const DIMS = 24;
const K_BITS = 9;

interface Case {
  name: string;
  generic: (c: BitCoder, k: ChunkCodes) => void;
  fast: (bytes: Uint8Array, k: ChunkCodes) => void;
  field: 'keys' | 'logScale' | 'rotation' | 'opacity' | 'shDC' | 'shIndex' | 'shResidual';
}

const CASES: Case[] = [
  {
    name: 'position',
    field: 'keys',
    generic: (c, k) => codePositions(c, k, 'p'),
    fast: (b, k) => decodePositionKeys(b, k.keys, k.n, 'p'),
  },
  {
    name: 'logScale',
    field: 'logScale',
    generic: (c, k) => codeTriples(c, k.logScale, k.n, 8, 's', 's'),
    fast: (b, k) => decodeTriples(b, k.logScale, k.n, 8, 's', 's'),
  },
  {
    name: 'rotation',
    field: 'rotation',
    generic: (c, k) => codeRotations(c, k.rotation, k.n, 10, 1000),
    fast: (b, k) => decodeRotations(b, k.rotation, k.n, 10, 1000, 'r'),
  },
  {
    name: 'opacity',
    field: 'opacity',
    generic: (c, k) => codeOpacity(c, k, 8, 8),
    fast: (b, k) => decodeOpacityCodes(b, k.opacity, k.logScale, k.n, 8, 8, 'o'),
  },
  {
    name: 'shDC',
    field: 'shDC',
    generic: (c, k) => codeColours(c, k.shDC, k.n, 12, 'd'),
    fast: (b, k) => decodeColours(b, k.shDC, k.n, 12, 'd'),
  },
  {
    name: 'shIndex',
    field: 'shIndex',
    generic: (c, k) => codeSingles(c, k.shIndex, k.n, K_BITS, false),
    fast: (b, k) => decodeIndices(b, k.shIndex, k.n, K_BITS, 'i'),
  },
  {
    name: 'shResidual',
    field: 'shResidual',
    generic: (c, k) => codeResiduals(c, k.shResidual, k.n, DIMS),
    fast: (b, k) => decodeResidualCodes(b, k.shResidual, k.n, DIMS, 'z'),
  },
];

/** Random codes: smooth-ish (small steps, as real data) in the first half, uniform in the second. */
function randomCodes(n: number, seed: number): ChunkCodes {
  const rand = random(seed);
  const k = newChunkCodes(n);
  k.shResidual = new Uint16Array(n * DIMS);
  const keys = Array.from({ length: n }, (_, i) =>
    i < n / 2
      ? morton48(Math.floor(rand() * 64), Math.floor(rand() * 64), Math.floor(rand() * 64))
      : morton48(Math.floor(rand() * 65536), Math.floor(rand() * 65536), Math.floor(rand() * 65536)),
  ).sort((a, b) => a - b);
  k.keys.set(keys);
  const around = (center: number, spread: number, top: number): number =>
    Math.max(0, Math.min(top, Math.round(center + (rand() - 0.5) * spread)));
  for (let i = 0; i < n; i++) {
    const smooth = i < n / 2;
    const s = around(128, smooth ? 40 : 256, 255);
    k.logScale.set([s, around(s, smooth ? 8 : 512, 255), around(s, smooth ? 8 : 512, 255)], i * 3);
    for (let j = 0; j < 3; j++) k.rotation[i * 3 + j] = Math.floor(rand() * 1000);
    k.opacity[i] = Math.floor(rand() * 256);
    const d = around(2048, smooth ? 100 : 4096, 4095);
    k.shDC.set([d, around(d, smooth ? 20 : 8192, 4095), around(d, smooth ? 20 : 8192, 4095)], i * 3);
    k.shIndex[i] = Math.floor(rand() * 2 ** K_BITS);
    for (let j = 0; j < DIMS; j++)
      k.shResidual[i * DIMS + j] =
        rand() < 0.7 ? 0 : rand() < 0.97 ? Math.floor(rand() * 20) : Math.floor(rand() * 271);
  }
  return k;
}

function emptyLike(k: ChunkCodes): ChunkCodes {
  const out = newChunkCodes(k.n);
  out.shResidual = new Uint16Array(k.n * DIMS);
  out.logScale.set(k.logScale); // opacity's context
  return out;
}

test('fast column decoders read exactly what the generic schemes wrote', () => {
  for (const n of [1, 7, 2000]) {
    const codes = randomCodes(n, n);
    for (const c of CASES) {
      const enc = new RangeEncoder();
      c.generic(enc, codes);
      const bytes = enc.finish();
      const viaGeneric = emptyLike(codes);
      c.generic(new RangeDecoder(bytes, 'g'), viaGeneric);
      const viaFast = emptyLike(codes);
      c.fast(bytes, viaFast);
      assert.deepEqual(viaFast[c.field], codes[c.field], `${c.name}, n = ${n}`);
      assert.deepEqual(viaGeneric[c.field], codes[c.field], `${c.name}, n = ${n} (generic)`);
    }
  }
});

test('fast codebook decoder matches the generic scheme', () => {
  const rand = random(4);
  const halves = Uint16Array.from(
    { length: 64 * DIMS },
    () => (rand() < 0.5 ? 0x3c00 : 0xb800) + Math.floor(rand() * 1024),
  );
  const enc = new RangeEncoder();
  codeCodebook(enc, halves.slice(), DIMS);
  const back = new Uint16Array(halves.length);
  decodeCodebookHalves(enc.finish(), back, DIMS, 'codebook');
  assert.deepEqual(back, halves);
});

test('fast column decoders fail on truncated or damaged streams with GszFormatError only', () => {
  const codes = randomCodes(500, 9);
  const rand = random(21);
  for (const c of CASES) {
    const enc = new RangeEncoder();
    c.generic(enc, codes);
    const bytes = enc.finish();
    let failures = 0;
    for (let trial = 0; trial < 40; trial++) {
      const damaged = trial < 20 ? bytes.slice(0, Math.floor(rand() * bytes.length)) : bytes.slice();
      if (trial >= 20)
        for (let f = 0; f < 3; f++)
          damaged[1 + Math.floor(rand() * (damaged.length - 1))] ^= 1 << Math.floor(rand() * 8);
      const generic = (() => {
        try {
          const decoder = new RangeDecoder(damaged, 'g');
          c.generic(decoder, emptyLike(codes));
          decoder.checkConsumed();
          return 'ok';
        } catch (e) {
          return e instanceof GszFormatError ? e.code : `other: ${String(e)}`;
        }
      })();
      try {
        const out = emptyLike(codes);
        c.fast(damaged, out);
        // Decoding past damage is allowed (the CRC catches it in a file); the outcome must match the generic decoder.
        assert.equal(generic, 'ok', `${c.name}: fast decoder accepted what the generic one rejects`);
      } catch (e) {
        assert.ok(e instanceof GszFormatError, `${c.name}: ${String(e)}`);
        assert.equal(e.code, generic, `${c.name}: same failure as the generic decoder`);
        failures++;
      }
    }
    assert.ok(failures >= 10, `${c.name}: truncations must fail (${failures} failures)`);
  }
});

test('a column holding more values than the count fails (bytes left over); zero padding is accepted', () => {
  const codes = randomCodes(300, 5);
  for (const c of CASES) {
    const enc = new RangeEncoder();
    c.generic(enc, codes);
    const bytes = enc.finish();
    const padded = new Uint8Array(bytes.length + 64);
    padded.set(bytes);
    c.fast(padded, emptyLike(codes));
    const fewer = { ...emptyLike(codes), n: codes.n - 10 };
    assert.throws(
      () => c.fast(bytes, fewer),
      (e: unknown) => e instanceof GszFormatError && /left over/.test(e.message),
      c.name,
    );
  }
});

test('SH-rest residual codes read a block of Gaussians at a time equal one read of the whole column', () => {
  const codes = randomCodes(700, 5);
  const enc = new RangeEncoder();
  codeResiduals(enc, codes.shResidual, codes.n, DIMS);
  const bytes = enc.finish();
  for (const block of [1, 7, 256, 700]) {
    const reader = new ResidualCodeReader(bytes, DIMS, 'z');
    const back = new Uint16Array(codes.n * DIMS);
    for (let i = 0; i < codes.n; i += block) {
      const m = Math.min(block, codes.n - i);
      const z = new Uint16Array(m * DIMS);
      reader.read(z, m);
      back.set(z, i * DIMS);
    }
    reader.finish();
    assert.deepEqual(back, codes.shResidual, `blocks of ${block}`);
  }
  // Reading past the column's Gaussians fails as the whole-column decoder does.
  const reader = new ResidualCodeReader(bytes, DIMS, 'z');
  reader.read(new Uint16Array(codes.n * DIMS), codes.n - 1);
  assert.throws(() => reader.finish(), GszFormatError);
});
