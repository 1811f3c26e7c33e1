// Fuzz: 10,000+ mutated .gsz files (bit flips, truncations, spliced chunks, garbage, and header fields set
// to absurd values with the header checksum recomputed so the validation behind it is reached). Every case
// must either decode to a finite scene or throw GszFormatError — quickly, never another exception type,
// never a hang, and never a scene larger than the file justifies (the expansion limit in FORMAT.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Packr, Unpackr } from 'msgpackr';
import { assertFiniteScene } from '../scene/gaussian-scene.ts';
import { randomScene, random } from '../../compressor/io/test-helpers.ts';
import { encodeGsz } from '../../compressor/pack/gsz-encoder.ts';
import { crc32 } from './crc32.ts';
import { decodeGsz, decodeGszHeader, GszFormatError } from './gsz-decoder.ts';
import { GSZ_LIMITS, GSZ_PREAMBLE_BYTES } from './gsz-layout.ts';

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
const packr = new Packr({ useRecords: false, variableMapSize: true });
type Header = Record<string, unknown> & { chunks: unknown[][]; codebook: Record<string, unknown> | null };

/** The file with its header replaced by `mutate(header)`; offsets are shifted so sections stay addressable. */
function rewriteHeader(file: Uint8Array, mutate: (h: Header) => void): Uint8Array {
  const length = new DataView(file.buffer, file.byteOffset).getUint32(8, true);
  const original = unpackr.unpack(file.subarray(GSZ_PREAMBLE_BYTES, GSZ_PREAMBLE_BYTES + length)) as Header;
  const body = file.subarray(GSZ_PREAMBLE_BYTES + length);
  let delta = 0;
  let packed: Uint8Array = new Uint8Array();
  for (let i = 0; i < 4; i++) {
    const h = structuredClone(original);
    for (const c of h.chunks) if (typeof c[0] === 'number') c[0] += delta;
    if (h.codebook && typeof h.codebook.offset === 'number') h.codebook.offset += delta;
    mutate(h);
    packed = packr.pack(h);
    if (packed.length - length === delta) break;
    delta = packed.length - length;
  }
  const out = new Uint8Array(GSZ_PREAMBLE_BYTES + packed.length + body.length);
  out.set(file.subarray(0, 8));
  const view = new DataView(out.buffer);
  view.setUint32(8, packed.length, true);
  view.setUint32(12, crc32(packed), true);
  out.set(packed, GSZ_PREAMBLE_BYTES);
  out.set(body, GSZ_PREAMBLE_BYTES + packed.length);
  return out;
}

const ABSURD = [
  -1,
  0,
  1,
  2 ** 31,
  2 ** 32 + 5,
  2 ** 53,
  1e300,
  -1e300,
  0.5,
  NaN,
  Infinity,
  'x',
  null,
  [],
  {},
  true,
];

function check(bytes: Uint8Array, what: string): 'ok' | string {
  const t = performance.now();
  try {
    const scene = decodeGsz(bytes);
    assertFiniteScene(scene, what);
    // A decoded scene never exceeds what the expansion limit allows for this many stored bytes.
    assert.ok(
      scene.count * 6 <= GSZ_LIMITS.expansion * bytes.length + GSZ_LIMITS.expansionSlack * 7,
      `${what}: ${scene.count} Gaussians from ${bytes.length} bytes`,
    );
    return 'ok';
  } catch (e) {
    if (!(e instanceof GszFormatError))
      throw new Error(`${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    return e.code;
  } finally {
    // Any single case taking this long would mean work out of proportion to a ~10 KB file (a hang in the limit).
    assert.ok(performance.now() - t < 2000, `${what} took ${performance.now() - t} ms`);
  }
}

test('10,000 mutated files each decode or throw GszFormatError quickly', async () => {
  const scene = randomScene(300, 1, 9);
  const base = await encodeGsz(scene, {
    firstChunk: 40,
    chunkGrowth: 2,
    maxChunk: 100,
    codebookSize: 32,
    kmeansIterations: 1,
  });
  const header = decodeGszHeader(base);
  assert.ok(header.chunks.length >= 3 && base.length < 30_000, 'a small multi-chunk base file');
  assert.equal(check(base, 'base'), 'ok');
  const rand = random(12345);
  const int = (n: number) => Math.floor(rand() * n);
  const codes = new Map<string, number>();
  const t0 = performance.now();
  const CASES = 10_000;
  for (let i = 0; i < CASES; i++) {
    let bytes: Uint8Array;
    let what: string;
    const kind = i % 6;
    if (kind === 0) {
      bytes = base.slice();
      const flips = 1 + int(8);
      for (let f = 0; f < flips; f++) bytes[int(bytes.length)] ^= 1 << int(8);
      what = `case ${i}: ${flips} bit flips`;
    } else if (kind === 1) {
      bytes = base.slice(0, int(base.length));
      what = `case ${i}: truncated to ${bytes.length}`;
    } else if (kind === 2) {
      // Splice: one chunk's bytes (or a random range) copied over another place in the file.
      const a = header.chunks[int(header.chunks.length)];
      const b = header.chunks[int(header.chunks.length)];
      bytes = base.slice();
      bytes.set(base.subarray(a.offset, a.offset + Math.min(a.length, b.length)), b.offset);
      what = `case ${i}: chunk spliced`;
    } else if (kind === 3) {
      // Header table spliced: chunk entries swapped/duplicated, checksum recomputed.
      const x = int(header.chunks.length);
      const y = int(header.chunks.length);
      const field = int(17);
      bytes = rewriteHeader(base, (h) => {
        if (field < 16) h.chunks[x][field] = h.chunks[y][field];
        else h.chunks[x] = h.chunks[y];
      });
      what = `case ${i}: chunk table field ${field} of ${x} from ${y}`;
    } else if (kind === 4) {
      // Absurd values in header fields, checksum recomputed so validation (not the CRC) must catch them.
      const value = ABSURD[int(ABSURD.length)];
      const target = int(8);
      const c = int(header.chunks.length);
      const field = int(17);
      bytes = rewriteHeader(base, (h) => {
        const q = h.quant as Record<string, Record<string, unknown>>;
        if (target === 0) h.count = value;
        else if (target === 1) h.chunks[c][field] = value;
        else if (target === 2 && h.codebook)
          h.codebook[['offset', 'length', 'centroids', 'dims', 'crc'][field % 5]] = value;
        else if (target === 3) h.shDegree = value;
        else if (target === 4)
          q[['position', 'logScale', 'rotation', 'opacity', 'shDC'][field % 5]].bits = value;
        else if (target === 5) (q.position as Record<string, unknown>).step = [value, 1, 1];
        else if (target === 6) h.chunks = field % 2 ? (value as unknown[][]) : [...h.chunks, ...h.chunks];
        else h.bounds = value;
      });
      what = `case ${i}: header target ${target} = ${String(value)}`;
    } else {
      bytes = base.slice(0, GSZ_PREAMBLE_BYTES + int(base.length));
      for (let k = GSZ_PREAMBLE_BYTES; k < bytes.length; k += 1 + int(64)) bytes[k] = int(256);
      what = `case ${i}: garbage`;
    }
    const code = check(bytes, what);
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  const seconds = (performance.now() - t0) / 1000;
  // Every kind of failure shows up (the fuzz reaches each check), and the whole run stays fast.
  for (const code of ['truncated', 'corrupt', 'limit'])
    assert.ok((codes.get(code) ?? 0) > 0, `no '${code}' case in ${JSON.stringify([...codes])}`);
  assert.ok(seconds < 40, `fuzz took ${seconds} s`);
});

test('absurd counts are rejected as limits before anything is allocated', async () => {
  const base = await encodeGsz(randomScene(200, 0, 2), { firstChunk: 50, maxChunk: 100 });
  const huge = rewriteHeader(base, (h) => {
    h.count = 2 ** 27;
    (h.chunks[0] as number[])[3] = 2 ** 27 - 150;
  });
  assert.throws(
    () => decodeGsz(huge),
    (e: unknown) => e instanceof GszFormatError && e.code === 'limit',
  );
  const tooMany = rewriteHeader(base, (h) => {
    h.count = 2 ** 40;
  });
  assert.throws(
    () => decodeGsz(tooMany),
    (e: unknown) => e instanceof GszFormatError && e.code === 'limit',
  );
  assert.throws(
    () => decodeGsz(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])),
    (e: unknown) => e instanceof GszFormatError && e.code === 'bad-magic',
  );
  // Versions 1 (zstd columns) and 2 (v2's SH-residual binarisation) and any later version are rejected, not misread;
  // version 3 (v4 without the SH colour basis, which an SH-0 file does not use) still reads.
  for (const version of [1, 2, 5]) {
    const other = base.slice();
    other[4] = version;
    assert.throws(
      () => decodeGsz(other),
      (e: unknown) => e instanceof GszFormatError && e.code === 'unsupported-version',
    );
  }
  const v3 = base.slice();
  v3[4] = 3;
  assert.deepEqual(decodeGsz(v3).positions, decodeGsz(base).positions);
});

test('the SH colour basis in the header must be 9 finite numbers with orthonormal rows', async () => {
  const base = await encodeGsz(randomScene(300, 1, 4), { codebookSize: 8, kmeansIterations: 1 });
  const withBasis = (basis: unknown) =>
    rewriteHeader(base, (h) => {
      ((h.quant as Record<string, unknown>).shResidual as Record<string, unknown>).basis = basis;
    });
  const corrupt = (e: unknown) =>
    e instanceof GszFormatError && e.code === 'corrupt' && /basis/.test(e.message);
  assert.throws(() => decodeGsz(withBasis([1, 0, 0, 0, 1, 0, 0, 0])), corrupt);
  assert.throws(() => decodeGsz(withBasis([1, 0, 0, 0, 1, 0, 0, 0, Number.NaN])), corrupt);
  assert.throws(() => decodeGsz(withBasis([1, 0, 0, 0, 1, 0, 0, 0.1, 1])), corrupt);
  assert.throws(() => decodeGsz(withBasis('rgb')), corrupt);
  // A valid rotation of the basis decodes (to other values: the residual codes are coordinates in it).
  assert.equal(decodeGsz(withBasis([0, 1, 0, 1, 0, 0, 0, 0, 1])).count, 300);
});
