// Real scenes from <repo>/../shared/data (or GS_DATA_DIR): every file loads, and the compressed originals
// agree with the float PLYs decoded from them within each source format's own quantization step.
// Skips with a reason where the data is absent (a fresh clone has no ../shared).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { strFromU8, unzipSync } from 'fflate';
import { join } from 'node:path';
import { sigmoid, SH_C0, type GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { readScene } from './read-scene.ts';
import { dataDir } from './test-helpers.ts';

const data = dataDir();
const skip = data ? false : 'real data absent: set GS_DATA_DIR or place it at <repo>/../shared/data';
const scenes = data ? join(data, 'scenes') : '';

/** Counts and SH degrees from shared/data/README.md. */
const EXPECTED: Record<string, [number, number]> = {
  'playbot.ply': [500000, 2],
  'biker.ply': [152746, 0],
  'guitar.ply': [90854, 0],
  'statue_st-peter.ply': [133618, 0],
  'statue_massa.ply': [58649, 0],
  'biker.compressed.ply': [152746, 0],
  'biker.spz': [152746, 0],
  'massa.sog': [58649, 0],
};

test('every scene in scenes/ and scenes/originals/ loads with the documented count and SH degree', {
  skip,
}, async (t) => {
  const files = [
    ...(await readdir(scenes)).filter((f) => f !== 'originals').map((f) => join(scenes, f)),
    ...(await readdir(join(scenes, 'originals'))).map((f) => join(scenes, 'originals', f)),
  ];
  for (const file of files) {
    const name = file.split('/').at(-1)!;
    const started = performance.now();
    const scene = await readScene(file); // playbot (76 MB) is loaded here once
    t.diagnostic(
      `${name}: ${scene.count} Gaussians, SH ${scene.shDegree}, ${(performance.now() - started).toFixed(0)} ms`,
    );
    if (EXPECTED[name]) assert.deepEqual([scene.count, scene.shDegree], EXPECTED[name], name);
    assertFinite(scene, name);
  }
});

function assertFinite(scene: GaussianScene, name: string): void {
  for (const key of ['positions', 'logScales', 'rotations', 'opacityLogits', 'shDC', 'shRest'] as const) {
    assert.ok(scene[key].every(Number.isFinite), `${name} ${key} finite`);
  }
}

/** Largest |a - b| / tolerance over a column; <= 1 means within tolerance everywhere. Also the raw max. */
function worst(
  a: Float32Array,
  b: Float32Array,
  tolerance: (i: number) => number,
): { ratio: number; max: number; at: number } {
  let ratio = 0,
    max = 0,
    at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > max) max = d;
    const r = d / tolerance(i);
    if (r > ratio) {
      ratio = r;
      at = i;
    }
  }
  return { ratio, max, at };
}

/** Largest rotation angle in degrees between matching quaternions (sign-agnostic, unnormalised input). */
function worstAngle(a: Float32Array, b: Float32Array): number {
  let worstDeg = 0;
  for (let i = 0; i < a.length; i += 4) {
    let dot = 0,
      na = 0,
      nb = 0;
    for (let c = 0; c < 4; c++) {
      dot += a[i + c] * b[i + c];
      na += a[i + c] ** 2;
      nb += b[i + c] ** 2;
    }
    worstDeg = Math.max(
      worstDeg,
      (2 * Math.acos(Math.min(1, Math.abs(dot) / Math.sqrt(na * nb))) * 180) / Math.PI,
    );
  }
  return worstDeg;
}

function worstOpacity(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(sigmoid(a[i]) - sigmoid(b[i])));
  return m;
}

function check(
  t: { diagnostic(message: string): void },
  label: string,
  result: { ratio: number; max: number; at: number },
): void {
  t.diagnostic(
    `${label}: max |diff| ${result.max.toExponential(3)}, ${(result.ratio * 100).toFixed(1)}% of tolerance`,
  );
  assert.ok(result.ratio <= 1, `${label}: element ${result.at} is ${result.ratio.toFixed(2)}x its tolerance`);
}

test('biker.spz agrees with biker.ply within SPZ quantization (same Gaussian order)', { skip }, async (t) => {
  const ply = await readScene(join(scenes, 'biker.ply'));
  const spz = await readScene(join(scenes, 'originals', 'biker.spz'));
  assert.equal(spz.count, ply.count);
  // Order: i matches i (checked by the position bound itself; a reordering would exceed it by orders of magnitude).
  // Positions: 24-bit fixed point with 12 fractional bits -> half a step 2^-13 (+ float32 rounding).
  check(
    t,
    'SPZ position',
    worst(spz.positions, ply.positions, () => 2 ** -13 + 1e-6),
  );
  // Log-scales: 8-bit codes of (s + 10) * 16, range [-10, 5.94]: half a step 1/32 inside it; outside, the
  // code clamps, so the tolerance is the distance to the range plus half a step.
  check(
    t,
    'SPZ log-scale',
    worst(
      spz.logScales,
      ply.logScales,
      (i) => 1 / 32 + 1e-6 + Math.max(0, -10 - ply.logScales[i], ply.logScales[i] - 255 / 16 + 10),
    ),
  );
  // DC: 8-bit codes of dc * 0.15 * 255 + 127.5 -> half a code is 0.5 / (0.15 * 255) in SH units.
  check(
    t,
    'SPZ SH DC',
    worst(spz.shDC, ply.shDC, () => 0.5 / (0.15 * 255) + 1e-6),
  );
  // Opacity: 8-bit sigmoid -> half a step in opacity.
  const alpha = worstOpacity(spz.opacityLogits, ply.opacityLogits);
  t.diagnostic(`SPZ opacity: max |sigmoid diff| ${alpha.toExponential(3)}`);
  assert.ok(alpha <= 0.5 / 255 + 1e-6);
  // Rotation: v4/v3 smallest-three, 9-bit magnitudes of |q| <= sqrt(1/2): each component within
  // 0.5 * sqrt(1/2) / 511 = 6.9e-4, three of them plus the derived one: under 0.3° of rotation.
  const angle = worstAngle(spz.rotations, ply.rotations);
  t.diagnostic(`SPZ rotation: max angle ${angle.toFixed(4)}°`);
  assert.ok(angle < 0.3);
});

test('biker.compressed.ply agrees with biker.ply within its per-chunk quantization', { skip }, async (t) => {
  const ply = await readScene(join(scenes, 'biker.ply'));
  const packed = await readScene(join(scenes, 'originals', 'biker.compressed.ply'));
  assert.equal(packed.count, ply.count);
  // Positions and log-scales are unorms of 11/10/11 bits between per-256-splat chunk bounds: the step is
  // the chunk's range / (2^bits - 1); we take the range from the PLY's own values in the chunk.
  const step = (column: Float32Array, i: number) => {
    const axis = i % 3,
      gaussian = Math.floor(i / 3),
      first = gaussian - (gaussian % 256);
    let lo = Infinity,
      hi = -Infinity;
    for (let g = first; g < Math.min(first + 256, ply.count); g++) {
      lo = Math.min(lo, column[g * 3 + axis]);
      hi = Math.max(hi, column[g * 3 + axis]);
    }
    return (hi - lo) / ((axis === 1 ? 1024 : 2048) - 1) + 1e-6;
  };
  check(
    t,
    'compressed position',
    worst(packed.positions, ply.positions, (i) => step(ply.positions, i)),
  );
  check(
    t,
    'compressed log-scale',
    worst(packed.logScales, ply.logScales, (i) => step(ply.logScales, i)),
  );
  // Colour: 8 bits of 0.5 + SH_C0 * dc (no chunk colour bounds in this file) -> one step is 1 / (255 SH_C0).
  check(
    t,
    'compressed SH DC',
    worst(packed.shDC, ply.shDC, () => 1 / (255 * SH_C0) + 1e-6),
  );
  const alpha = worstOpacity(packed.opacityLogits, ply.opacityLogits);
  t.diagnostic(`compressed opacity: max |sigmoid diff| ${alpha.toExponential(3)}`);
  assert.ok(alpha <= 0.5 / 255 + 1e-6);
  // Rotation: smallest-three with 10-bit components over ±sqrt(1/2): a step of 1.4e-3, far under 0.3°.
  const angle = worstAngle(packed.rotations, ply.rotations);
  t.diagnostic(`compressed rotation: max angle ${angle.toFixed(4)}°`);
  assert.ok(angle < 0.3);
});

test('massa.sog agrees with statue_massa.ply within SOG quantization (same Gaussian order)', {
  skip,
}, async (t) => {
  const ply = await readScene(join(scenes, 'statue_massa.ply'));
  const sog = await readScene(join(scenes, 'originals', 'massa.sog'));
  assert.equal(sog.count, ply.count);
  const meta = JSON.parse(
    strFromU8(
      unzipSync(await readFile(join(scenes, 'originals', 'massa.sog')), {
        filter: (f) => f.name === 'meta.json',
      })['meta.json'],
    ),
  ) as {
    means: { mins: number[]; maxs: number[] };
    scales: { codebook: number[] };
    sh0: { codebook: number[] };
  };
  // Positions: 16 bits over [min, max] of v = sign(x) ln(1 + |x|); half a step dv = range / 65535 / 2
  // moves x by at most exp(|v| + dv) dv = (1 + |x|) dv (to first order).
  const ranges = [0, 1, 2].map((a) => meta.means.maxs[a] - meta.means.mins[a]);
  check(
    t,
    'SOG position',
    worst(
      sog.positions,
      ply.positions,
      (i) => (((1 + Math.abs(ply.positions[i])) * ranges[i % 3]) / 65535 / 2) * 1.01 + 1e-6,
    ),
  );
  // Scales and DC index 256-entry codebooks: a decoded value is a codebook entry, at most half the widest
  // gap between neighbouring entries away from the value it stands for.
  const halfGap = (book: number[]) => Math.max(...book.slice(1).map((v, i) => v - book[i])) / 2 + 1e-6;
  const scaleTolerance = halfGap(meta.scales.codebook);
  const dcTolerance = halfGap(meta.sh0.codebook);
  check(
    t,
    'SOG log-scale',
    worst(sog.logScales, ply.logScales, () => scaleTolerance),
  );
  check(
    t,
    'SOG SH DC',
    worst(sog.shDC, ply.shDC, () => dcTolerance),
  );
  // Opacity: 8 bits of sigmoid (255 decodes to +Infinity -> clamped; the PLY tool clamped at 1 - 1e-6).
  const alpha = worstOpacity(sog.opacityLogits, ply.opacityLogits);
  t.diagnostic(`SOG opacity: max |sigmoid diff| ${alpha.toExponential(3)}`);
  assert.ok(alpha <= 0.5 / 255 + 1e-6);
  // Rotation: smallest-three in 8 bits over ±sqrt(1/2): component step 5.5e-3 -> under 1°.
  const angle = worstAngle(sog.rotations, ply.rotations);
  t.diagnostic(`SOG rotation: max angle ${angle.toFixed(4)}°`);
  assert.ok(angle < 1);
});
