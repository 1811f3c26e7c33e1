// The packed GPU layout (splat-layout.ts / splat-layout.wgsl): pack -> unpack on the CPU matches the
// input within each field's quantization (and a file's own grid passes unchanged), the WGSL unpacks
// exactly what the TypeScript packs (field order, on the GPU when there is one), and the per-splat byte
// counts the README quotes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gpuOrSkip } from '../../../compressor/gpu/test-gpu.ts';
import { mulberry32 } from '../../../shared/math/random.ts';
import { createScene, shRestCount } from '../../../shared/scene/gaussian-scene.ts';
import { composeWgsl } from '../../../shared/wgsl/compose.ts';
import { readU32, uploadU32 } from '../../../shared/gpu/test-buffers.ts';
import { gridsOfFile, gridsOfScene, packSplats } from './packed-splats.ts';
import splatLayoutWgsl from './splat-layout.wgsl';
import {
  gpuBytesPerSplat,
  layoutDefines,
  ORDER_WORDS,
  shRestWords,
  SPLAT_WORDS,
  truncateShRest,
  unpackSplat,
} from './splat-layout.ts';
import { packRotation, unpackRotation } from './smallest-three.ts';

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

test('per-splat GPU bytes: record, SH rest of the drawn degree, draw order', (t) => {
  t.diagnostic(
    `GPU bytes per splat drawn at SH degree 0-3: ${[0, 1, 2, 3].map(gpuBytesPerSplat).join(' / ')} ` +
      `(record ${4 * SPLAT_WORDS}, SH rest ${[0, 1, 2, 3].map((d) => 4 * shRestWords(d)).join('/')}, ` +
      `order ${4 * ORDER_WORDS})`,
  );
  assert.deepEqual([0, 1, 2, 3].map(shRestWords), [0, 3, 5, 9]);
  assert.deepEqual([0, 1, 2, 3].map(gpuBytesPerSplat), [28, 40, 48, 64]);
  assert.deepEqual(layoutDefines, { SPLAT_WORDS });
});

test('pack -> unpack matches the scene within each quantization', () => {
  const scene = randomScene(500, 3);
  const grids = gridsOfScene(scene);
  const packed = packSplats(scene, grids);
  const rest = shRestCount(3) * 3;
  assert.equal(packed.splats.length, 500 * SPLAT_WORDS);
  assert.equal(packed.shRest.length, 500 * shRestWords(3));
  for (let i = 0; i < scene.count; i++) {
    const u = unpackSplat(packed.splats, packed.shRest, shRestWords(3), grids, i);
    for (let a = 0; a < 3; a++) {
      // Positions are float32 as in the scene: exact.
      assert.equal(u.position[a], scene.positions[i * 3 + a]);
      // Grid codes: half a step (plus float32 rounding of the grid).
      near(u.logScale[a]!, scene.logScales[i * 3 + a]!, grids.logScale.step / 2 + 1e-5, 'log-scale');
      near(u.shDC[a]!, scene.shDC[i * 3 + a]!, grids.shDC.step / 2 + 1e-5, 'SH DC');
    }
    // Opacity: 8-bit sigmoid, half a step.
    const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
    near(sigmoid(u.opacityLogit), sigmoid(scene.opacityLogits[i]!), 0.5 / 255 + 1e-7, 'opacity');
    // Rotation: the same rotation (q or -q), each component within 10-bit quantization of [-1/sqrt2, 1/sqrt2].
    const q = Array.from(scene.rotations.subarray(i * 4, i * 4 + 4));
    const len = Math.hypot(...q);
    const dot = q.reduce((sum, c, k) => sum + (c / len) * u.rotation[k]!, 0);
    const sign = Math.sign(dot) || 1;
    q.forEach((c, k) => {
      near(u.rotation[k]! * sign, c / len, 1.5e-3, `rotation ${k}`);
    });
    // SH rest: 6-bit codes of the Gaussian's largest |coefficient|: at most half a step (scale / 62),
    // the scale itself rounded up to a half float.
    let scale = 0;
    for (let j = 0; j < rest; j++) scale = Math.max(scale, Math.abs(scene.shRest[i * rest + j]!));
    assert.equal(u.shRest.length, rest);
    for (let j = 0; j < rest; j++)
      near(u.shRest[j]!, scene.shRest[i * rest + j]!, (scale * (1 + 2 ** -10)) / 62 + 1e-9, `SH rest ${j}`);
  }
});

test("values on the file's grids pass unchanged; finer file grids keep every other line", () => {
  const quant = { logScale: { min: -11.5, step: 0.062, bits: 8 }, shDC: { min: -2.1, step: 0.026, bits: 9 } };
  const grids = gridsOfFile(quant);
  const scene = randomScene(200, 0);
  for (let i = 0; i < 600; i++) {
    scene.logScales[i] = quant.logScale.min + (i % 256) * quant.logScale.step;
    scene.shDC[i] = quant.shDC.min + ((i * 7) % 512) * quant.shDC.step;
  }
  const packed = packSplats(scene, grids);
  for (let i = 0; i < 200; i++) {
    const u = unpackSplat(packed.splats, packed.shRest, 0, grids, i);
    for (let a = 0; a < 3; a++) {
      near(u.logScale[a]!, scene.logScales[i * 3 + a]!, 1e-5, 'log-scale on the file grid');
      near(u.shDC[a]!, scene.shDC[i * 3 + a]!, 1e-5, 'DC on the file grid');
    }
  }
  assert.deepEqual(gridsOfFile({ ...quant, logScale: { min: 0, step: 0.01, bits: 11 } }).logScale, {
    min: 0,
    step: 0.04,
  });
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
  const grids = gridsOfScene(scene);
  const packed = packSplats(scene, grids);
  for (const degree of [1, 2] as const) {
    const low = truncateShRest(packed.shRest, 50, 9, shRestWords(degree));
    for (let i = 0; i < 50; i++) {
      const full = unpackSplat(packed.splats, packed.shRest, 9, grids, i);
      const part = unpackSplat(packed.splats, low, shRestWords(degree), grids, i);
      const n = shRestCount(degree) * 3;
      assert.deepEqual(Array.from(part.shRest), Array.from(full.shRest).slice(0, n));
    }
  }
});

const fieldOrderShader = `
#import splat_layout
@group(0) @binding(0) var<storage, read> splats: array<u32>;
@group(0) @binding(1) var<storage, read> sh_rest: array<u32>;
@group(0) @binding(2) var<storage, read> grid: vec4f;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

const OUT = 60u;
const SH_WORDS = 9u;

@compute @workgroup_size(1)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  var w: array<u32, \${SPLAT_WORDS}>;
  for (var k = 0u; k < \${SPLAT_WORDS}u; k++) { w[k] = splats[i * \${SPLAT_WORDS}u + k]; }
  let s = unpack_splat(w, grid);
  let o = i * OUT;
  out[o] = s.mean.x; out[o + 1u] = s.mean.y; out[o + 2u] = s.mean.z;
  out[o + 3u] = s.log_scale.x; out[o + 4u] = s.log_scale.y; out[o + 5u] = s.log_scale.z;
  out[o + 6u] = s.quat.x; out[o + 7u] = s.quat.y; out[o + 8u] = s.quat.z; out[o + 9u] = s.quat.w;
  out[o + 10u] = s.opacity_logit;
  out[o + 11u] = s.dc.x; out[o + 12u] = s.dc.y; out[o + 13u] = s.dc.z;
  let base = i * SH_WORDS;
  let scale = sh_rest_scale(sh_rest[base]);
  for (var j = 0u; j < 45u; j++) {
    let bit = sh_rest_bit(j);
    let word = base + (bit >> 5u);
    let hi = select(0u, sh_rest[min(word + 1u, base + SH_WORDS - 1u)], (bit & 31u) > 26u);
    out[o + 14u + j] = sh_rest_code(sh_rest[word], hi, bit) * scale;
  }
}
`;

test('the WGSL unpacks what the TypeScript packs', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const { device } = gpu;
  const n = 64;
  const scene = randomScene(n, 3, 9);
  const grids = gridsOfScene(scene);
  const packed = packSplats(scene, grids);
  const module = device.createShaderModule({
    code: composeWgsl(fieldOrderShader, { splat_layout: splatLayoutWgsl }, layoutDefines),
  });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const out = uploadU32(device, new Uint32Array(n * 60), 'test.out');
  const grid = new Float32Array([grids.logScale.min, grids.logScale.step, grids.shDC.min, grids.shDC.step]);
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      uploadU32(device, packed.splats, 'test.splats'),
      uploadU32(device, packed.shRest, 'test.shRest'),
      uploadU32(device, new Uint32Array(grid.buffer), 'test.grid'),
      out,
    ].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(n);
  pass.end();
  device.queue.submit([encoder.finish()]);
  const got = new Float32Array((await readU32(device, out, n * 60)).buffer);
  gpu.check();
  for (let i = 0; i < n; i++) {
    const u = unpackSplat(packed.splats, packed.shRest, 9, grids, i);
    const g = got.subarray(i * 60, i * 60 + 60);
    // Field by field (float32 arithmetic on the GPU: the grid's multiply-add, the rotation's square
    // root, the opacity's logarithm may differ from float64 by a few ulps).
    assert.deepEqual(Array.from(g.subarray(0, 3)), Array.from(u.position), 'position');
    for (let a = 0; a < 3; a++) {
      near(g[3 + a]!, u.logScale[a]!, 1e-5 * Math.max(1, Math.abs(u.logScale[a]!)), 'log-scale');
      near(g[11 + a]!, u.shDC[a]!, 1e-5 * Math.max(1, Math.abs(u.shDC[a]!)), 'SH DC');
    }
    Array.from(u.rotation).forEach((c, k) => {
      near(g[6 + k]!, c, 1e-6, `rotation ${k}`);
    });
    near(g[10]!, u.opacityLogit, 1e-4 * Math.max(1, Math.abs(u.opacityLogit)), 'opacity logit');
    Array.from(u.shRest).forEach((c, j) => {
      near(g[14 + j]!, c, Math.abs(c) * 1e-6 + 1e-9, `SH rest ${j}`);
    });
  }
});
