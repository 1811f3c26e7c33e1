// Real data: biker.spz (SPZ v4 written by Niantic's reference library, via splat-transform), read and written
// again by our SPZ writer as v4, gives back the reference's header fields, stream layout and arrays — byte for
// byte except rotations, whose smallest-three fields may move by one code after the float round trip.
// Skips with a reason where the data is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decompress } from 'fzstd';
import { decodeSpz } from './read-spz.ts';
import { dataDir } from './test-helpers.ts';
import { encodeSpz } from './write-spz.ts';

const data = dataDir();
const skip = data ? false : 'real data absent: set GS_DATA_DIR or place it at <repo>/../shared/data';

/** Header fields and decompressed streams of an SPZ v4 file (layout in write-spz.ts). */
function v4Parts(bytes: Uint8Array): { header: number[]; streams: Uint8Array[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes[15];
  const table = view.getUint32(16, true);
  let at = table + count * 16;
  const streams: Uint8Array[] = [];
  for (let s = 0; s < count; s++) {
    const length = Number(view.getBigUint64(table + s * 16, true));
    streams.push(decompress(bytes.subarray(at, at + length)));
    at += length;
  }
  return {
    header: [view.getUint32(4, true), view.getUint32(8, true), bytes[12], bytes[13], bytes[14], count],
    streams,
  };
}

test('re-encoding the reference biker.spz reproduces its arrays', { skip }, async () => {
  const file = new Uint8Array(await readFile(join(data ?? '', 'scenes', 'originals', 'biker.spz')));
  const scene = decodeSpz('biker.spz', file);
  const reference = v4Parts(file);
  const oursBytes = await encodeSpz('biker.spz', scene, 4);
  const ours = v4Parts(oursBytes);
  assert.deepEqual(ours.header, reference.header); // version, count, SH degree, fractional bits, flags, streams
  const n = scene.count;
  const names = ['positions', 'alphas', 'colours', 'scales', 'rotations', 'SH'];
  reference.streams.forEach((a, s) => {
    const b = ours.streams[s];
    assert.equal(b.length, a.length, names[s]);
    if (names[s] !== 'rotations') {
      const first = a.findIndex((v, i) => v !== b[i]);
      assert.equal(first, -1, `${names[s]} differ first at byte ${first}`);
      return;
    }
    // Smallest-three re-encoding of an already quantized rotation: a zero may change sign, a field may move a
    // code, and where two components tie the other may become the largest; the rotation stays the same.
    let moved = 0;
    for (let i = 0; i < n * 4; i += 4)
      if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2] || a[i + 3] !== b[i + 3]) moved++;
    const again = decodeSpz('ours.spz', oursBytes);
    for (let i = 0; i < n; i++) {
      const q = scene.rotations.subarray(i * 4, i * 4 + 4);
      const r = again.rotations.subarray(i * 4, i * 4 + 4);
      const cos = Math.abs(q[0] * r[0] + q[1] * r[1] + q[2] * r[2] + q[3] * r[3]);
      assert.ok(cos > 1 - 1e-5, `rotation ${i}: |cos| ${cos}`);
    }
    console.log(`biker.spz: ${moved} of ${n} rotation codes differ, every rotation within |cos| > 1 - 1e-5`);
  });
});
