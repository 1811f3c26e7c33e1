// SPZ decoding on synthetic v2/v3 files written with the published layout (header, attribute order,
// fixed-point positions, smallest-three or first-three rotations, RUB axes), plus an independent check of
// the SH sign table used for the RUB -> RDF axis flip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'fflate';
import {
  shRestCount,
  sigmoid,
  type GaussianScene,
  type ShDegree,
} from '../../shared/scene/gaussian-scene.ts';
import { decodeSpz, SH_FLIP_RUB_TO_RDF } from './read-spz.ts';
import { SceneReadError } from './scene-read-error.ts';
import { randomScene } from './test-helpers.ts';

const FRACTIONAL_BITS = 12;
const toByte = (v: number) => Math.max(0, Math.min(255, Math.round(v)));

/** Encodes an RDF scene as SPZ (stored RUB), following nianticlabs/spz's packing formulas. */
function encodeSpz(scene: GaussianScene, version: 2 | 3): Uint8Array {
  return gzipSync(encodeSpzPayload(scene, version));
}

/** The uncompressed v2/v3 payload: 16-byte header, then the attribute arrays back to back. */
function encodeSpzPayload(scene: GaussianScene, version: 2 | 3): Uint8Array {
  const n = scene.count;
  const k = shRestCount(scene.shDegree);
  const rotationBytes = version === 3 ? 4 : 3;
  const out = new Uint8Array(16 + n * (9 + 1 + 3 + 3 + rotationBytes + k * 3));
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x5053474e, true);
  view.setUint32(4, version, true);
  view.setUint32(8, n, true);
  out[12] = scene.shDegree;
  out[13] = FRACTIONAL_BITS;
  out[14] = 0;
  out[15] = 0;
  let o = 16;
  const flip = [1, -1, -1];
  for (let i = 0; i < n * 3; i++) {
    const fixed = Math.round(flip[i % 3] * scene.positions[i] * (1 << FRACTIONAL_BITS));
    out[o++] = fixed & 0xff;
    out[o++] = (fixed >> 8) & 0xff;
    out[o++] = (fixed >> 16) & 0xff;
  }
  for (let i = 0; i < n; i++) out[o++] = toByte(sigmoid(scene.opacityLogits[i]) * 255);
  for (let i = 0; i < n * 3; i++) out[o++] = toByte(scene.shDC[i] * 0.15 * 255 + 127.5);
  for (let i = 0; i < n * 3; i++) out[o++] = toByte((scene.logScales[i] + 10) * 16);
  for (let i = 0; i < n; i++) {
    const [w, x, y, z] = scene.rotations.subarray(i * 4, i * 4 + 4);
    const len = Math.hypot(w, x, y, z);
    const q = [x / len, -y / len, -z / len, w / len]; // xyzw, RDF -> RUB
    if (version === 2) {
      const s = q[3] < 0 ? -127.5 : 127.5;
      for (let c = 0; c < 3; c++) out[o++] = toByte(q[c] * s + 127.5);
    } else {
      let largest = 0;
      for (let c = 1; c < 4; c++) if (Math.abs(q[c]) > Math.abs(q[largest])) largest = c;
      const negate = q[largest] < 0 ? 1 : 0;
      let packed = largest;
      for (let c = 0; c < 4; c++) {
        if (c === largest) continue;
        const sign = (q[c] < 0 ? 1 : 0) ^ negate;
        const magnitude = Math.floor(511 * (Math.abs(q[c]) / Math.SQRT1_2) + 0.5);
        packed = ((packed << 10) | (sign << 9) | magnitude) >>> 0;
      }
      view.setUint32(o, packed, true);
      o += 4;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      for (let c = 0; c < 3; c++)
        out[o++] = toByte(SH_FLIP_RUB_TO_RDF[j] * scene.shRest[(i * k + j) * 3 + c] * 128 + 128);
    }
  }
  return out;
}

/** A zstd frame holding `data` in raw (stored) blocks: valid zstd without needing a compressor. */
function zstdStoredFrame(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / (128 << 10)));
  const out = new Uint8Array(4 + 1 + 4 + blocks * 3 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xfd2fb528, true);
  out[4] = 0xa0; // 4-byte frame content size, single segment, no checksum, no dictionary
  view.setUint32(5, data.length, true);
  let o = 9;
  for (let b = 0; b < blocks; b++) {
    const chunk = data.subarray(b * (128 << 10), (b + 1) * (128 << 10));
    const header = (chunk.length << 3) | (0 << 1) | (b === blocks - 1 ? 1 : 0); // raw block, last flag
    out[o++] = header & 0xff;
    out[o++] = (header >> 8) & 0xff;
    out[o++] = (header >> 16) & 0xff;
    out.set(chunk, o);
    o += chunk.length;
  }
  return out;
}

/** SPZ v4: 32-byte header (stream count at byte 15, table offset at 16), a table of (compressed,
 *  uncompressed) u64 sizes, then one zstd frame per attribute array, as in nianticlabs' v4 files. */
function encodeSpzV4(scene: GaussianScene): Uint8Array {
  const v3 = encodeSpzPayload(scene, 3);
  const n = scene.count;
  const sizes = [n * 9, n, n * 3, n * 3, n * 4, n * shRestCount(scene.shDegree) * 3].filter(
    (s, i) => i < 5 || s > 0,
  );
  let offset = 16;
  const frames = sizes.map((size) => {
    offset += size;
    return zstdStoredFrame(v3.subarray(offset - size, offset));
  });
  const out = new Uint8Array(32 + sizes.length * 16 + frames.reduce((s, f) => s + f.length, 0));
  const view = new DataView(out.buffer);
  out.set(v3.subarray(0, 16));
  view.setUint32(4, 4, true);
  out[15] = sizes.length;
  view.setUint32(16, 32, true);
  let o = 32;
  for (let s = 0; s < sizes.length; s++) {
    view.setBigUint64(o, BigInt(frames[s].length), true);
    view.setBigUint64(o + 8, BigInt(sizes[s]), true);
    o += 16;
  }
  for (const frame of frames) {
    out.set(frame, o);
    o += frame.length;
  }
  return out;
}

function quaternionAngle(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0,
    na = 0,
    nb = 0;
  for (let c = 0; c < 4; c++) {
    dot += a[c] * b[c];
    na += a[c] * a[c];
    nb += b[c] * b[c];
  }
  return 2 * Math.acos(Math.min(1, Math.abs(dot) / Math.sqrt(na * nb)));
}

for (const version of [2, 3] as const) {
  for (const degree of [0, 3] as ShDegree[]) {
    test(`SPZ v${version}, SH degree ${degree}: decodes within the format's quantization, back in RDF axes`, () => {
      const scene = randomScene(400, degree, 30 + version + degree);
      scene.logScales.forEach((v, i) => {
        scene.logScales[i] = Math.max(-9.9, v);
      }); // inside SPZ's scale range
      const read = decodeSpz('synthetic.spz', encodeSpz(scene, version));
      assert.equal(read.count, scene.count);
      assert.equal(read.shDegree, degree);
      for (let i = 0; i < scene.count * 3; i++) {
        // Half a fixed-point step 2^-12 (positions), half a 1/16 log step (scales), half an 8-bit colour step.
        assert.ok(
          Math.abs(read.positions[i] - scene.positions[i]) <= 0.5 / (1 << FRACTIONAL_BITS) + 1e-6,
          `position ${i}`,
        );
        assert.ok(Math.abs(read.logScales[i] - scene.logScales[i]) <= 0.5 / 16 + 1e-6, `scale ${i}`);
        const dc = Math.min(127.5, Math.max(-127.5, scene.shDC[i] * 0.15 * 255));
        assert.ok(Math.abs(read.shDC[i] * 0.15 * 255 - dc) <= 0.5 + 1e-4, `colour ${i}`);
      }
      for (let i = 0; i < scene.count; i++) {
        assert.ok(
          Math.abs(sigmoid(read.opacityLogits[i]) - sigmoid(scene.opacityLogits[i])) <= 0.5 / 255 + 1e-6,
          `opacity ${i}`,
        );
        const expected = Array.from(scene.rotations.subarray(i * 4, i * 4 + 4));
        const got = read.rotations.subarray(i * 4, i * 4 + 4);
        if (version === 3) {
          // 9-bit components of |q| <= sqrt(1/2): the measured worst case is ~0.15°; 0.3° leaves margin.
          const angle = (quaternionAngle(got, expected) * 180) / Math.PI;
          assert.ok(angle < 0.3, `rotation ${i} off by ${angle}°`);
        } else {
          // v2 stores x, y, z of the w >= 0 unit quaternion in 8 bits (half step 0.5/127.5) and derives w,
          // which is ill-conditioned near w = 0, so only x, y, z are held to the step.
          const norm = Math.hypot(...expected) * Math.sign(expected[0] || 1);
          for (let c = 1; c < 4; c++)
            assert.ok(Math.abs(got[c] - expected[c] / norm) <= 0.5 / 127.5 + 1e-6, `rotation ${i}.${c}`);
        }
      }
      for (let i = 0; i < scene.shRest.length; i++) {
        // SH: 8 bits over [-1, 1] -> half a step of 1/128, plus clamping at +127/128.
        assert.ok(Math.abs(read.shRest[i] - scene.shRest[i]) <= 1 / 128 + 1e-6, `sh ${i}`);
      }
    });
  }
}

/** Real SH basis of bands 1-3 in the 3DGS order, constants dropped (only signs matter here). */
function shBasis(x: number, y: number, z: number): number[] {
  return [
    y,
    z,
    x,
    x * y,
    y * z,
    2 * z * z - x * x - y * y,
    x * z,
    x * x - y * y,
    y * (3 * x * x - y * y),
    x * y * z,
    y * (4 * z * z - x * x - y * y),
    z * (2 * z * z - 3 * x * x - 3 * y * y),
    x * (4 * z * z - x * x - y * y),
    z * (x * x - y * y),
    x * (x * x - 3 * y * y),
  ];
}

test("SH sign table equals each basis function's parity under y -> -y, z -> -z", () => {
  const [x, y, z] = [0.3, -0.5, 0.81];
  const before = shBasis(x, y, z);
  const after = shBasis(x, -y, -z);
  for (let k = 0; k < 15; k++)
    assert.ok(Math.abs(after[k] - SH_FLIP_RUB_TO_RDF[k] * before[k]) < 1e-12, `coefficient ${k}`);
});

test('SPZ v4 (zstd attribute streams) decodes to the same scene as the equivalent v3 file', () => {
  for (const degree of [0, 2] as ShDegree[]) {
    const scene = randomScene(20000, degree, 50 + degree); // positions stream > 128 KiB: several zstd blocks
    const v3 = decodeSpz('v3.spz', encodeSpz(scene, 3));
    const v4 = decodeSpz('v4.spz', encodeSpzV4(scene));
    assert.deepEqual(v4, v3);
  }
  const v4 = encodeSpzV4(randomScene(10, 1, 2));
  assert.throws(
    () => decodeSpz('cut.spz', v4.subarray(0, v4.length - 5)),
    (e: unknown) => e instanceof SceneReadError && /runs past the end/.test(e.message),
  );
  const wrongSize = v4.slice();
  new DataView(wrongSize.buffer).setBigUint64(32 + 8, 7n, true);
  assert.throws(
    () => decodeSpz('size.spz', wrongSize),
    (e: unknown) => e instanceof SceneReadError && /stream 0 holds 7 bytes/.test(e.message),
  );
});

test('bad SPZ input fails with a SceneReadError', () => {
  const good = encodeSpz(randomScene(10, 0, 3), 3);
  const bad = (bytes: Uint8Array, pattern: RegExp) =>
    assert.throws(
      () => decodeSpz('x.spz', bytes),
      (e: unknown) => e instanceof SceneReadError && pattern.test(e.message),
    );
  bad(new Uint8Array([1, 2, 3]), /too short/);
  bad(new Uint8Array(32), /no NGSP magic/);
  bad(good.subarray(0, good.length - 20), /gzip stream is corrupt/);
  const header = new Uint8Array(16);
  new DataView(header.buffer).setUint32(0, 0x5053474e, true);
  new DataView(header.buffer).setUint32(4, 9, true);
  bad(header, /version 9 is not supported/);
  new DataView(header.buffer).setUint32(4, 3, true);
  new DataView(header.buffer).setUint32(8, 5, true);
  bad(header, /payload truncated/);
});
