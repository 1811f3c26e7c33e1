// The chunk-table row: its field order is FORMAT.md's, and what the encoder writes the decoder reads back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generateDemoGaussians } from '../../compressor/demo-scene/gaussians.ts';
import { encodeGsz } from '../../compressor/pack/gsz-encoder.ts';
import { decodeGszHeader } from './gsz-decoder.ts';
import { CHUNK_ROW_FIELDS, chunkTableRow, GSZ_COLUMNS } from './gsz-layout.ts';

test('chunk-table row fields match FORMAT.md, in order', () => {
  const spec = readFileSync(new URL('./FORMAT.md', import.meta.url), 'utf8');
  const row = /`chunks`: one array per chunk, `\[([^\]]*)\]`/.exec(spec.replace(/\n/g, ' '))?.[1];
  assert.ok(row, 'FORMAT.md describes the chunk row');
  const names = row.replace(/[()]/g, '').split(/,\s*/);
  const fixed = names.filter((n) => !n.startsWith('len_'));
  assert.deepEqual(fixed, [...CHUNK_ROW_FIELDS]);
  assert.deepEqual(
    names.filter((n) => n.startsWith('len_')).map((n) => n.slice(4)),
    [...GSZ_COLUMNS],
  );
  assert.equal(names.indexOf('len_position'), CHUNK_ROW_FIELDS.length);
});

test('chunkTableRow puts each value at its field', () => {
  const row = chunkTableRow({
    offset: 100,
    length: 50,
    crc: 7,
    count: 3,
    level: 1,
    bounds: [-1, -2, -3, 4, 5, 6],
    columnLengths: [10, 10, 10, 10, 10],
  });
  assert.deepEqual(row, [100, 50, 7, 3, 1, -1, -2, -3, 4, 5, 6, 10, 10, 10, 10, 10]);
});

test('the decoder reads back the rows the encoder writes', async () => {
  const bytes = await encodeGsz(generateDemoGaussians({ count: 3000, seed: 2 }), { firstChunk: 1000 });
  const header = decodeGszHeader(bytes);
  assert.ok(header.chunks.length > 1);
  let first = 0;
  for (const [i, chunk] of header.chunks.entries()) {
    assert.equal(chunk.level, i);
    assert.equal(chunk.firstSplat, first);
    assert.equal(
      chunk.columnLengths.reduce((a, b) => a + b, 0),
      chunk.length,
    );
    for (let a = 0; a < 3; a++) assert.ok(chunk.bounds.min[a] <= chunk.bounds.max[a]);
    first += chunk.count;
  }
  assert.equal(first, 3000);
});
