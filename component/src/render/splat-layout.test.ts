// The packed GPU layouts (splat-layout.ts / splat-layout.wgsl): pack -> unpack on the CPU matches the
// input within each field's quantization, the WGSL unpacks exactly what the TypeScript packs (field order,
// on the GPU when there is one), the WGSL's projected slots read back in TypeScript, and the per-splat
// byte counts the README quotes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gpuOrSkip } from '../../../compressor/gpu/test-gpu.ts';
import { mulberry32 } from '../../../shared/math/random.ts';
import { createScene, shRestCount } from '../../../shared/scene/gaussian-scene.ts';
import { composeWgsl } from '../../../shared/wgsl/compose.ts';
import { readU32, uploadU32 } from '../../../shared/gpu/test-buffers.ts';
import { packSplats } from './packed-splats.ts';
import splatLayoutWgsl from './splat-layout.wgsl';
import {
  gpuBytesPerSplat,
  layoutDefines,
  packProjected,
  PROJECTED_WORDS,
  packRotation,
  shRestWords,
  SPLAT_WORDS,
  truncateShRest,
  unpackProjected,
  unpackRotation,
  unpackSplat,
} from './splat-layout.ts';

function randomScene(count: number, degree: 0 | 1 | 2 | 3, seed = 5) {
  const rand = mulberry32(seed);
  const scene = createScene(count, degree);
  for (let i = 0; i < count; i++) {
    for (let a = 0; a < 3; a++) {
      // Far from the origin too: positions stay float32.
      scene.positions[i * 3 + a] = (rand() - 0.5) * (i % 7 === 0 ? 2e5 : 20);
      scene.logScales[i * 3 + a] = -9 + rand() * 10;
      scene.shDC[i * 3 + a] = (rand() - 0.5) * 6;
    }
    for (let a = 0; a < 4; a++) scene.rotations[i * 4 + a] = (rand() - 0.5) * (i % 5 === 0 ? 40 : 2);
    scene.opacityLogits[i] = (rand() - 0.5) * 16;
  }
  for (let i = 0; i < scene.shRest.length; i++) scene.shRest[i] = (rand() - 0.5) * (i % 11 === 0 ? 3 : 0.4);
  return scene;
}

/** |a - b| <= tol, with a message. */
function near(a: number, b: number, tol: number, what: string): void {
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tolerance ${tol})`);
}

test('per-splat GPU bytes: record, SH rest of the drawn degree, projected slot, sort', (t) => {
  t.diagnostic(
    `GPU bytes per splat drawn at SH degree 0-3: ${[0, 1, 2, 3].map(gpuBytesPerSplat).join(' / ')} ` +
      `(record ${4 * SPLAT_WORDS}, SH rest ${[0, 1, 2, 3].map((d) => 4 * shRestWords(d)).join('/')}, ` +
      `projected ${4 * PROJECTED_WORDS}, sort 16)`,
  );
  assert.deepEqual([0, 1, 2, 3].map(shRestWords), [0, 3, 6, 12]);
  assert.deepEqual([0, 1, 2, 3].map(gpuBytesPerSplat), [72, 84, 96, 120]);
  assert.equal(SPLAT_WORDS % 4, 0, 'records are read as vec4u pairs');
  assert.deepEqual(layoutDefines, { SPLAT_WORDS, PROJECTED_WORDS });
});

test('pack -> unpack matches the scene within each quantization', () => {
  const scene = randomScene(500, 3);
  const packed = packSplats(scene);
  const rest = shRestCount(3) * 3;
  assert.equal(packed.splats.length, 500 * SPLAT_WORDS);
  assert.equal(packed.shRest.length, 500 * shRestWords(3));
  for (let i = 0; i < scene.count; i++) {
    const u = unpackSplat(packed.splats, packed.shRest, shRestWords(3), i, rest);
    for (let a = 0; a < 3; a++) {
      // Positions are float32 as in the scene: exact.
      assert.equal(u.position[a], scene.positions[i * 3 + a]);
      // Half floats: relative 2^-11 (half an ulp).
      const s = scene.logScales[i * 3 + a]!;
      near(u.logScale[a]!, s, Math.abs(s) * 2 ** -11, 'log-scale');
      const dc = scene.shDC[i * 3 + a]!;
      near(u.shDC[a]!, dc, Math.abs(dc) * 2 ** -11 + 2 ** -25, 'SH DC');
    }
    const o = scene.opacityLogits[i]!;
    near(u.opacityLogit, o, Math.abs(o) * 2 ** -11, 'opacity logit');
    // Rotation: the same rotation (q or -q), each component within 10-bit quantization of [-1/sqrt2, 1/sqrt2].
    const q = Array.from(scene.rotations.subarray(i * 4, i * 4 + 4));
    const len = Math.hypot(...q);
    const dot = q.reduce((sum, c, k) => sum + (c / len) * u.rotation[k]!, 0);
    const sign = Math.sign(dot) || 1;
    q.forEach((c, k) => {
      near(u.rotation[k]! * sign, c / len, 1.5e-3, `rotation ${k}`);
    });
    // SH rest: signed bytes of the Gaussian's largest |coefficient|: at most half a step (scale / 254),
    // the scale itself rounded up to a half float.
    let scale = 0;
    for (let j = 0; j < rest; j++) scale = Math.max(scale, Math.abs(scene.shRest[i * rest + j]!));
    for (let j = 0; j < rest; j++)
      near(u.shRest[j]!, scene.shRest[i * rest + j]!, (scale * (1 + 2 ** -10)) / 254 + 1e-9, `SH rest ${j}`);
  }
});

test('rotation packing: identity, zero and sign-flipped quaternions', () => {
  assert.deepEqual(
    unpackRotation(packRotation(1, 0, 0, 0)).map((v) => Math.round(v * 1000) / 1000),
    [1, 0.001, 0.001, 0.001],
  );
  assert.deepEqual(unpackRotation(packRotation(0, 0, 0, 0)), unpackRotation(packRotation(1, 0, 0, 0)));
  assert.deepEqual(unpackRotation(packRotation(0, 0, -3, 0)), unpackRotation(packRotation(0, 0, 3, 0)));
});

test("a lower drawn SH degree is a prefix of each Gaussian's words", () => {
  const scene = randomScene(50, 3);
  const packed = packSplats(scene);
  const sh1 = truncateShRest(packed.shRest, 50, 12, 3);
  for (let i = 0; i < 50; i++) {
    const full = unpackSplat(packed.splats, packed.shRest, 12, i, 45);
    const low = unpackSplat(packed.splats, sh1, 3, i, 9);
    assert.deepEqual(Array.from(low.shRest), Array.from(full.shRest).slice(0, 9));
  }
});

const fieldOrderShader = `
#import splat_layout
@group(0) @binding(0) var<storage, read> splats: array<vec4u>;
@group(0) @binding(1) var<storage, read> sh_rest: array<u32>;
@group(0) @binding(2) var<storage, read> p: array<f32>; // projected fields, 10 per slot
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read_write> projected_out: array<u32>;

const OUT = 80u;

@compute @workgroup_size(1)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  let s = unpack_splat(splats[i * (\${SPLAT_WORDS}u / 4u)], splats[i * (\${SPLAT_WORDS}u / 4u) + 1u]);
  let o = i * OUT;
  out[o] = s.mean.x; out[o + 1u] = s.mean.y; out[o + 2u] = s.mean.z;
  out[o + 3u] = s.log_scale.x; out[o + 4u] = s.log_scale.y; out[o + 5u] = s.log_scale.z;
  out[o + 6u] = s.quat.x; out[o + 7u] = s.quat.y; out[o + 8u] = s.quat.z; out[o + 9u] = s.quat.w;
  out[o + 10u] = s.opacity_logit;
  out[o + 11u] = s.dc.x; out[o + 12u] = s.dc.y; out[o + 13u] = s.dc.z;
  for (var w = 0u; w < 12u; w++) {
    let v = unpack4x8snorm(sh_rest[i * 12u + w]) * s.sh_scale;
    out[o + 14u + w * 4u] = v.x; out[o + 15u + w * 4u] = v.y; out[o + 16u + w * 4u] = v.z; out[o + 17u + w * 4u] = v.w;
  }
  let f = i * 10u;
  var words = pack_projected(vec2f(p[f], p[f + 1u]), vec2f(p[f + 2u], p[f + 3u]), p[f + 4u],
    vec4f(p[f + 5u], p[f + 6u], p[f + 7u], p[f + 8u]), p[f + 9u]);
  for (var w = 0u; w < \${PROJECTED_WORDS}u; w++) { projected_out[i * \${PROJECTED_WORDS}u + w] = words[w]; }
  let u = unpack_projected(words);
  out[o + 62u] = u.centre.x; out[o + 63u] = u.centre.y; out[o + 64u] = u.major.x; out[o + 65u] = u.major.y;
  out[o + 66u] = u.minor.x; out[o + 67u] = u.minor.y;
  out[o + 68u] = u.colour.r; out[o + 69u] = u.colour.g; out[o + 70u] = u.colour.b; out[o + 71u] = u.colour.a;
  out[o + 72u] = u.exponent_scale;
}
`;

test('the WGSL unpacks what the TypeScript packs, and packs projected slots the TypeScript reads', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const { device } = gpu;
  const n = 64;
  const scene = randomScene(n, 3, 9);
  const packed = packSplats(scene);
  const rand = mulberry32(11);
  const fields = new Float32Array(n * 10).map((_, k) => (k % 10 < 2 ? rand() * 2000 - 500 : rand() * 8));
  const module = device.createShaderModule({
    code: composeWgsl(fieldOrderShader, { splat_layout: splatLayoutWgsl }, layoutDefines),
  });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const out = uploadU32(device, new Uint32Array(n * 80), 'test.out');
  const projectedOut = uploadU32(device, new Uint32Array(n * PROJECTED_WORDS), 'test.projected');
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      uploadU32(device, packed.splats, 'test.splats'),
      uploadU32(device, packed.shRest, 'test.shRest'),
      uploadU32(device, new Uint32Array(fields.buffer), 'test.fields'),
      out,
      projectedOut,
    ].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(n);
  pass.end();
  device.queue.submit([encoder.finish()]);
  const got = new Float32Array((await readU32(device, out, n * 80)).buffer);
  const projected = await readU32(device, projectedOut, n * PROJECTED_WORDS);
  gpu.check();
  for (let i = 0; i < n; i++) {
    const u = unpackSplat(packed.splats, packed.shRest, 12, i, 45);
    const g = got.subarray(i * 80, i * 80 + 80);
    // Identical field by field (the rotation's square root and the snorm division may differ by an ulp).
    assert.deepEqual(Array.from(g.subarray(0, 3)), Array.from(u.position), 'position');
    assert.deepEqual(Array.from(g.subarray(3, 6)), Array.from(u.logScale), 'log-scale');
    Array.from(u.rotation).forEach((c, k) => {
      near(g[6 + k]!, c, 1e-6, `rotation ${k}`);
    });
    assert.equal(g[10], u.opacityLogit, 'opacity logit');
    assert.deepEqual(Array.from(g.subarray(11, 14)), Array.from(u.shDC), 'SH DC');
    Array.from(u.shRest).forEach((c, j) => {
      near(g[14 + j]!, c, Math.abs(c) * 1e-6 + 1e-9, `SH rest ${j}`);
    });
    // WGSL-packed projected slot read by the TypeScript: every field in its place.
    const f = fields.subarray(i * 10, i * 10 + 10);
    const p = unpackProjected(projected, i);
    const half = (v: number) => Math.abs(v) * 2 ** -11;
    assert.deepEqual(p.centre, [f[0], f[1]], 'centre');
    p.major.forEach((v, k) => {
      near(v, f[2 + k]!, half(f[2 + k]!), 'major');
    });
    near(p.minorLength, f[4]!, half(f[4]!), 'minor length');
    p.rgb.forEach((v, k) => {
      near(v, f[5 + k]!, half(f[5 + k]!), 'rgb');
    });
    near(p.opacity, f[8]!, half(f[8]!), 'opacity');
    near(p.exponentScale, f[9]!, half(f[9]!), 'exponent scale');
    // TypeScript packing of the same fields gives the same words.
    const words = new Uint32Array(PROJECTED_WORDS);
    packProjected(p, 0, words);
    assert.deepEqual(
      Array.from(words),
      Array.from(projected.subarray(i * PROJECTED_WORDS, (i + 1) * PROJECTED_WORDS)),
    );
    // unpack_projected: the minor half-axis is the major one turned a quarter, at the minor length.
    const ml = Math.hypot(p.major[0], p.major[1]);
    near(g[66]!, (-p.major[1] * p.minorLength) / ml, 1e-4 * Math.max(1, p.minorLength), 'minor x');
    near(g[67]!, (p.major[0] * p.minorLength) / ml, 1e-4 * Math.max(1, p.minorLength), 'minor y');
    assert.deepEqual([g[68], g[69], g[70], g[71], g[72]], [...p.rgb, p.opacity, p.exponentScale]);
  }
});
