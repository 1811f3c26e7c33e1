// The drop knob of `pack --target-psnr`: its error interpolation, the search over drop rungs (the same
// optimum as a plain enumeration), and on the GPU that the least visible Gaussians are the ones left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpuOrSkip } from '../gpu/test-gpu.ts';
import { meanPsnr, orbitViews, renderViews } from '../eval/orbit-views.ts';
import { randomScene } from '../io/test-helpers.ts';
import { mulberry32 } from '../../shared/math/random.ts';
import { interpolateDropError, measureDropLadder } from './prune-ladder.ts';
import { pickWithDrop } from './target-psnr-model.ts';
import { blendingWeights, visibilityViews } from './visibility.ts';

test('interpolateDropError: 0 at 0, measured values exact, geometric between, held past the last', () => {
  const m = [
    { fraction: 0.1, error: 1e-8 },
    { fraction: 0.2, error: 1e-6 },
  ];
  assert.equal(interpolateDropError(m, 0), 0);
  assert.equal(interpolateDropError(m, 0.1), 1e-8);
  assert.ok(Math.abs(interpolateDropError(m, 0.2) - 1e-6) < 1e-18);
  assert.ok(Math.abs(interpolateDropError(m, 0.15) - 1e-7) < 1e-15); // the geometric mean
  assert.ok(Math.abs(interpolateDropError(m, 0.05) - 1e-9) < 1e-17); // the first log-slope continued
  assert.equal(interpolateDropError(m, 0.5), 1e-6);
});

test('pickWithDrop: the fewest bytes meeting the target over steps and drop rungs, as an enumeration finds', () => {
  const rand = mulberry32(9);
  for (let trial = 0; trial < 30; trial++) {
    const views = 1 + (trial % 2);
    const base = Array.from({ length: views }, () => 1e-6 * (1 + rand()));
    const ladders = Array.from({ length: 2 + (trial % 2) }, () => {
      let bytes = 1000 + 1000 * rand();
      let added = 0;
      const b: number[] = [];
      const a: number[][] = [];
      for (let i = 0; i < 5; i++) {
        b[i] = bytes;
        a[i] = base.map(() => added * (0.5 + rand()));
        bytes *= 0.6 + 0.3 * rand();
        added = added * 2 + 1e-6 * rand();
      }
      return { bytes: b, added: a };
    });
    const fractions = [0, 0.05, 0.1, 0.2];
    const drop = { fractions, added: fractions.map((f) => base.map(() => f * f * 1e-4 * rand())) };
    const target = 50 + 10 * rand();
    let best: number | undefined;
    const walk = (k: number, levels: number[]): void => {
      if (k === ladders.length) {
        for (let r = 0; r < fractions.length; r++) {
          const errors = base.map(
            (e, v) => e + drop.added[r][v] + levels.reduce((s, i, kk) => s + ladders[kk].added[i][v], 0),
          );
          const bytes = (1 - fractions[r]) * levels.reduce((s, i, kk) => s + ladders[kk].bytes[i], 0);
          if (meanPsnr(errors) >= target && (best === undefined || bytes < best)) best = bytes;
        }
        return;
      }
      for (let i = 0; i < 5; i++) walk(k + 1, [...levels, i]);
    };
    walk(0, []);
    const picked = pickWithDrop(ladders, drop, base, target);
    if (best === undefined) {
      assert.equal(picked, undefined);
      continue;
    }
    assert.ok(picked);
    const rung = picked[ladders.length];
    const bytes = (1 - fractions[rung]) * ladders.reduce((s, l, k) => s + l.bytes[picked[k]], 0);
    assert.ok(Math.abs(bytes - best) < 1e-9, `trial ${trial}: ${bytes} vs ${best}`);
  }
});

test('measureDropLadder: the Gaussians left out are the least visible; dropping more costs more', {
  timeout: 600_000,
}, async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const scene = randomScene(400, 0, 3);
  for (let i = 0; i < scene.logScales.length; i++) scene.logScales[i] = -2 + (scene.logScales[i] + 8) / 9;
  // Gaussian 7 is transparent: nothing of it shows in any view, so it goes first.
  scene.opacityLogits[7] = -30;
  const views = orbitViews(scene, { views: 2, width: 64, height: 48 });
  const reference = await renderViews(gpu, scene, views);
  const ladder = await measureDropLadder(gpu, scene, views, reference, () => {});
  assert.equal(ladder.kept(0).length, 400);
  const weights = await blendingWeights(
    gpu,
    scene,
    visibilityViews(scene, { azimuths: 8, elevationsDegrees: [-10, 20, 50], width: 64, height: 48 }),
  );
  assert.ok(weights[7] < 1e-6, `transparent Gaussian weight ${weights[7]}`);
  const rung = ladder.fractions.indexOf(0.1);
  const kept = new Set(ladder.kept(rung));
  assert.equal(kept.size, 360);
  assert.ok(!kept.has(7));
  let maxDropped = 0;
  let minKept = Infinity;
  for (let i = 0; i < 400; i++) {
    if (kept.has(i)) minKept = Math.min(minKept, weights[i]);
    else maxDropped = Math.max(maxDropped, weights[i]);
  }
  assert.ok(maxDropped <= minKept, `dropped up to ${maxDropped}, kept from ${minKept}`);
  const total = (r: number) => ladder.added[r].reduce((s, e) => s + e, 0);
  assert.equal(total(0), 0);
  for (let r = 1; r < ladder.fractions.length; r++) assert.ok(total(r) >= total(r - 1), `rung ${r}`);
});
