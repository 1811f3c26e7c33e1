// PlayCanvas compressed PLY on a hand-built file: chunk bounds (with per-chunk colour bounds), packed
// position/scale/colour/rotation words and an `sh` element, checked against values chosen to hit each
// bit field's ends and the channel-major -> interleaved SH reordering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SH_C0, sigmoid } from '../../shared/scene/gaussian-scene.ts';
import { readPly } from './read-ply.ts';
import { SceneReadError } from './scene-read-error.ts';
import { random, withTempDir } from './test-helpers.ts';

const CHUNK_PROPS = [
  'min_x',
  'min_y',
  'min_z',
  'max_x',
  'max_y',
  'max_z',
  'min_scale_x',
  'min_scale_y',
  'min_scale_z',
  'max_scale_x',
  'max_scale_y',
  'max_scale_z',
  'min_r',
  'min_g',
  'min_b',
  'max_r',
  'max_g',
  'max_b',
];

interface Built {
  bytes: Uint8Array;
  quaternions: number[][];
}

/** count splats; chunk c has bounds [c, c + 1] on every position/scale axis and colour range [0.1, 0.9]. */
function build(count: number, shBytes: number[][] | undefined, truncateSh = false): Built {
  const chunks = Math.ceil(count / 256);
  const restCount = shBytes?.[0].length ?? 0;
  const header = [
    'ply',
    'format binary_little_endian 1.0',
    `element chunk ${chunks}`,
    ...CHUNK_PROPS.map((p) => `property float ${p}`),
    `element vertex ${count}`,
    ...['packed_position', 'packed_rotation', 'packed_scale', 'packed_color'].map(
      (p) => `property uint ${p}`,
    ),
    ...(shBytes
      ? [`element sh ${count}`, ...Array.from({ length: restCount }, (_, j) => `property uchar f_rest_${j}`)]
      : []),
    'end_header',
    '',
  ].join('\n');
  const head = new TextEncoder().encode(header);
  const size = head.length + chunks * 72 + count * 16 + (shBytes ? count * restCount : 0);
  const out = new Uint8Array(size - (truncateSh ? 1 : 0));
  out.set(head);
  const view = new DataView(out.buffer);
  let o = head.length;
  for (let c = 0; c < chunks; c++) {
    for (const p of CHUNK_PROPS) {
      const value =
        p.endsWith('_r') || p.endsWith('_g') || p.endsWith('_b')
          ? p.startsWith('min')
            ? 0.1
            : 0.9
          : p.startsWith('min')
            ? c
            : c + 1;
      view.setFloat32(o, value, true);
      o += 4;
    }
  }
  const rand = random(5);
  const quaternions: number[][] = [];
  for (let i = 0; i < count; i++) {
    // Position codes: x = 2047 (max), y = 0 (min), z = i % 2048; scale codes: x = 0, y = 1023, z = 1024.
    view.setUint32(o, ((2047 << 21) | (0 << 11) | (i % 2048)) >>> 0, true);
    // Rotation: a random unit quaternion (w, x, y, z), smallest-three, largest index in the top two bits.
    const q = [rand() - 0.5, rand() - 0.5, rand() - 0.5, rand() - 0.5];
    const n = Math.hypot(...q);
    for (let c = 0; c < 4; c++) q[c] /= n;
    quaternions.push(q);
    let largest = 0;
    for (let c = 1; c < 4; c++) if (Math.abs(q[c]) > Math.abs(q[largest])) largest = c;
    const sign = q[largest] < 0 ? -1 : 1;
    let word = largest;
    for (let c = 0; c < 4; c++) {
      if (c !== largest) word = ((word << 10) | Math.round((sign * q[c] * Math.SQRT1_2 + 0.5) * 1023)) >>> 0;
    }
    view.setUint32(o + 4, word, true);
    view.setUint32(o + 8, ((0 << 21) | (1023 << 11) | 1024) >>> 0, true);
    // Colour: r = 255 (chunk max), g = 0 (chunk min), b = 128, opacity byte = i % 256.
    view.setUint32(o + 12, ((255 << 24) | (0 << 16) | (128 << 8) | (i % 256)) >>> 0, true);
    o += 16;
  }
  if (shBytes) {
    for (let i = 0; i < count && o < out.length; i++)
      for (const b of shBytes[i]) if (o < out.length) out[o++] = b;
  }
  return { bytes: out, quaternions };
}

test('compressed PLY fields decode to the chunk-relative values they encode', async () => {
  const count = 300; // two chunks, the second partial
  const sh = Array.from({ length: count }, (_, i) => Array.from({ length: 9 }, (_, j) => (j * 20 + i) % 256));
  const { bytes, quaternions } = build(count, sh);
  await withTempDir(async (dir) => {
    const path = join(dir, 'scene.compressed.ply');
    await writeFile(path, bytes);
    const scene = await readPly(path);
    assert.equal(scene.count, count);
    assert.equal(scene.shDegree, 1);
    for (let i = 0; i < count; i++) {
      const c = Math.floor(i / 256);
      const close = (a: number, b: number, what: string) =>
        assert.ok(Math.abs(a - b) < 1e-6, `${what} ${i}: ${a} vs ${b}`);
      close(scene.positions[i * 3], c + 1, 'x');
      close(scene.positions[i * 3 + 1], c, 'y');
      close(scene.positions[i * 3 + 2], c + (i % 2048) / 2047, 'z');
      close(scene.logScales[i * 3], c, 'scale x');
      close(scene.logScales[i * 3 + 1], c + 1, 'scale y');
      close(scene.logScales[i * 3 + 2], c + 1024 / 2047, 'scale z');
      close(0.5 + SH_C0 * scene.shDC[i * 3], 0.9, 'red');
      close(0.5 + SH_C0 * scene.shDC[i * 3 + 1], 0.1, 'green');
      close(0.5 + SH_C0 * scene.shDC[i * 3 + 2], 0.1 + (0.8 * 128) / 255, 'blue');
      const alpha = (i % 256) / 255;
      if (alpha > 0 && alpha < 1) close(sigmoid(scene.opacityLogits[i]), alpha, 'opacity');
      // Smallest-three with 10-bit fields over ±sqrt(1/2): per component within one step sqrt(2)/1023.
      const q = quaternions[i];
      const got = scene.rotations.subarray(i * 4, i * 4 + 4);
      const dot = q.reduce((s, v, k) => s + v * got[k], 0);
      for (let k = 0; k < 4; k++)
        assert.ok(Math.abs(got[k] - Math.sign(dot) * q[k]) < (2 * Math.SQRT2) / 1023, `rotation ${i}`);
      // SH: f_rest_j is channel j / 3, coefficient j % 3; byte b -> ((b + 0.5) / 256 - 0.5) * 8, ends exact.
      for (let j = 0; j < 9; j++) {
        const b = sh[i][j];
        const expected = ((b === 0 ? 0 : b === 255 ? 1 : (b + 0.5) / 256) - 0.5) * 8;
        close(scene.shRest[(i * 3 + (j % 3)) * 3 + Math.floor(j / 3)], expected, `sh ${j}`);
      }
    }
    assert.equal(scene.opacityLogits[0], -20, 'alpha byte 0 clamps to -OPACITY_LOGIT_LIMIT');
    assert.equal(scene.opacityLogits[255], 20, 'alpha byte 255 clamps to +OPACITY_LOGIT_LIMIT');
  });
});

test('a truncated compressed PLY fails with a SceneReadError', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'short.compressed.ply');
    await writeFile(
      path,
      build(10, [Array(9).fill(1)].concat(Array.from({ length: 9 }, () => Array(9).fill(2))), true).bytes,
    );
    await assert.rejects(
      readPly(path),
      (e: unknown) => e instanceof SceneReadError && /truncated/.test(e.message),
    );
  });
});
