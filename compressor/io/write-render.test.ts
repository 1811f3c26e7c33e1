// Files the interop writers produce render like their input: each is decoded by the format's own reader
// (Niantic's for SPZ, splat-transform's for .splat) or ours (glTF), rendered from orbit views through the
// compressor's rasterizer, and compared with the input's renders on the scene's pixels. The PSNR is
// printed; the bound is what each format's quantization allows on this scene (measured, with margin).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { meanPsnr, orbitViews, renderViews, viewErrors } from '../eval/orbit-views.ts';
import { gpuOrSkip } from '../gpu/test-gpu.ts';
import { peerDecodeSpz, peerReadScene } from './peer-formats.ts';
import { decodeGltf } from './read-gltf.ts';
import { randomScene } from './test-helpers.ts';
import { encodeGlb } from './write-gltf.ts';
import { encodeSplat } from './write-splat.ts';
import { encodeSpz, type SpzVersion } from './write-spz.ts';

/** A small scene that renders as a dense blob: scales and opacities in a trained scene's range. */
function renderableScene(degree: 0 | 3): GaussianScene {
  const scene = randomScene(3000, degree, 60 + degree);
  for (let i = 0; i < scene.count * 3; i++) {
    scene.positions[i] *= 0.2;
    scene.logScales[i] = -3.5 + (scene.logScales[i] + 8) / 9;
    scene.shDC[i] *= 0.6;
  }
  for (let i = 0; i < scene.count; i++) scene.opacityLogits[i] = scene.opacityLogits[i] / 5;
  for (let i = 0; i < scene.shRest.length; i++) scene.shRest[i] *= 0.3;
  return scene;
}

test('SPZ v4 / v3, glTF and .splat files render within their quantization of the input', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const views = { views: 2, width: 96, height: 72 };
  const cases: [string, GaussianScene, (s: GaussianScene) => Promise<GaussianScene>, number][] = [];
  const sh3 = renderableScene(3);
  const sh0 = renderableScene(0);
  // Measured here (SwiftShader, 96x72): SPZ 36.1 dB (4-bit SH bands 2-3, 8-bit colour), glTF 147.5 dB (float32
  // throughout), .splat 63.6 dB (8-bit colour and opacity, degree 0). Bounds sit ~3 dB (SPZ, .splat) below.
  for (const version of [4, 3] as SpzVersion[])
    cases.push([
      `SPZ v${version}`,
      sh3,
      async (s) => peerDecodeSpz(await encodeSpz('x.spz', s, version)),
      33,
    ]);
  cases.push(['glTF', sh3, async (s) => decodeGltf('x.glb', encodeGlb('x.glb', s)), 100]);
  cases.push([
    '.splat',
    sh0,
    async (s) => peerReadScene(new Map([['x.splat', encodeSplat('x.splat', s)]]), 'x.splat', 'splat'),
    60,
  ]);
  for (const [name, scene, roundTrip, minDb] of cases) {
    const cameras = orbitViews(scene, views);
    const reference = await renderViews(gpu, scene, cameras);
    const decoded = await renderViews(gpu, await roundTrip(scene), cameras);
    const psnr = meanPsnr(viewErrors(decoded, reference, true));
    console.log(
      `${name}: ${psnr.toFixed(2)} dB scene-pixel PSNR against the input (${views.width}x${views.height})`,
    );
    assert.ok(psnr >= minDb, `${name}: ${psnr.toFixed(2)} dB < ${minDb} dB`);
  }
});
