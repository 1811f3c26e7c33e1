// `pack --target-psnr`: the ladder search picks the same optimum as a plain enumeration of every
// combination, and on a small scene the file it returns meets the target when decoded and rendered here
// (not the search's own figures), in fewer bytes than the default steps; an unreachable target and
// conflicting options are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpuOrSkip } from '../gpu/test-gpu.ts';
import { clamp01, psnr } from '../eval/metrics.ts';
import { orbitViews } from '../eval/orbit-views.ts';
import { randomScene } from '../io/test-helpers.ts';
import { rasterization } from '../render/rasterization.ts';
import { mulberry32 } from '../../shared/math/random.ts';
import { decodeGsz } from '../../shared/format/gsz-decoder.ts';
import { encodeToPsnr, measureTargetPsnrLadders, searchTargetPsnr } from './target-psnr.ts';
import { pickLevels, predictAdded, predictBytes } from './target-psnr-model.ts';
import { GSZ_DEFAULTS } from './gsz-encoder.ts';

const psnrOf = (errors: number[]) => errors.reduce((s, e) => s + -10 * Math.log10(e), 0) / errors.length;

test('pickLevels: the fewest bytes meeting the target, as a plain enumeration finds', () => {
  const rand = mulberry32(5);
  for (let trial = 0; trial < 40; trial++) {
    const knobs = 2 + (trial % 3);
    const views = 1 + (trial % 2);
    const base = Array.from({ length: views }, () => 1e-6 * (1 + rand()));
    const ladders = Array.from({ length: knobs }, () => {
      let bytes = 1000 + 1000 * rand();
      let added = 0;
      const b: (number | undefined)[] = [];
      const a: (number[] | undefined)[] = [];
      for (let i = 0; i < 6; i++) {
        if (i > 0 && rand() < 0.2) continue; // a level that cannot be realized
        b[i] = bytes;
        a[i] = base.map(() => added * (0.5 + rand()));
        bytes *= 0.6 + 0.3 * rand();
        added = added * 2 + 1e-6 * rand();
      }
      return { bytes: b, added: a };
    });
    const target = 50 + 10 * rand();
    // Reference: every combination.
    let best: number | undefined;
    const walk = (k: number, levels: number[]): void => {
      if (k === knobs) {
        const errors = base.map(
          (e, v) => e + levels.reduce((s, i, kk) => s + Math.max(0, ladders[kk].added[i]![v]), 0),
        );
        const bytes = levels.reduce((s, i, kk) => s + ladders[kk].bytes[i]!, 0);
        if (psnrOf(errors) >= target && (best === undefined || bytes < best)) best = bytes;
        return;
      }
      ladders[k].bytes.forEach((b, i) => {
        if (b !== undefined) walk(k + 1, [...levels, i]);
      });
    };
    walk(0, []);
    const picked = pickLevels(ladders, base, target);
    if (best === undefined) {
      assert.equal(picked, undefined);
      continue;
    }
    assert.ok(picked);
    const bytes = picked.reduce((s, i, k) => s + ladders[k].bytes[i]!, 0);
    assert.ok(Math.abs(bytes - best) < 1e-9, `trial ${trial}: ${bytes} vs ${best}`);
  }
});

test('predictAdded: error added over the default grows as the step squared (zero at the default)', () => {
  // Ladder index 8 is the default step, 14 the probe (8x), each index a factor sqrt(2) in step.
  const probe = 63e-6; // (8^2 - 1) * 1e-6
  assert.equal(predictAdded(probe, 8), 0);
  assert.ok(Math.abs(predictAdded(probe, 14) - probe) < 1e-18);
  assert.ok(Math.abs(predictAdded(probe, 12) - 15e-6) < 1e-12); // 4x: 4^2 - 1
  assert.ok(Math.abs(predictAdded(probe, 4) - (1 / 16 - 1) * 1e-6) < 1e-12); // 1/4x removes 15/16 of it
  assert.ok(Math.abs(predictAdded(probe, 0) - (1 / 256 - 1) * 1e-6) < 1e-12); // 1/16x: 255/256 of it
  assert.equal(predictAdded(-1e-6, 16), 0, 'a probe that measured no added error predicts none');
});

test('predictBytes: linear in log step between measurements, extrapolated past them', () => {
  const measured = new Map([
    [4, 1000],
    [10, 400],
    [16, 250],
  ]);
  assert.equal(predictBytes(measured, 10), 400);
  assert.equal(predictBytes(measured, 7), 700);
  assert.equal(predictBytes(measured, 13), 325);
  assert.equal(predictBytes(measured, 2), 1200); // the first slope continues to finer steps
  const two = new Map([
    [4, 1000],
    [10, 400],
  ]);
  assert.equal(predictBytes(two, 12), 200); // the last slope continues ...
  assert.equal(predictBytes(two, 16), 100); // ... down to a quarter of the last measurement
});

test('encodeToPsnr: the file meets the target when decoded and rendered, in fewer bytes than the defaults', {
  timeout: 600_000,
}, async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const scene = randomScene(3000, 1, 11);
  for (let i = 0; i < scene.logScales.length; i++)
    scene.logScales[i] = -2.5 + (1.5 * (scene.logScales[i] + 8)) / 9; // -2.5..-1
  const views = { views: 2, width: 64, height: 48 };
  const base = { codebookSize: 16, kmeansIterations: 2, firstChunk: 512 };
  const targetDb = 40;
  const found = await encodeToPsnr(scene, { targetDb, gpu, views, base });
  assert.ok(
    found.bytes.length < 0.8 * found.defaultBytes,
    `${found.bytes.length} vs default ${found.defaultBytes}`,
  );
  assert.ok(found.defaultPsnrDb > targetDb);
  // The target holds over the scene's pixels (either render's alpha >= 0.05), computed here on its own.
  const decoded = decodeGsz(found.bytes);
  let sum = 0;
  for (const camera of orbitViews(scene, views)) {
    const a = await rasterization(gpu, scene, camera, { background: [0, 0, 0] });
    const b = await rasterization(gpu, decoded, camera, { background: [0, 0, 0] });
    const [ia, ib] = [clamp01(a.image), clamp01(b.image)];
    const pa: number[] = [];
    const pb: number[] = [];
    for (let p = 0; p < a.alpha.length; p++) {
      if (a.alpha[p] < 0.05 && b.alpha[p] < 0.05) continue;
      pa.push(ia[3 * p], ia[3 * p + 1], ia[3 * p + 2]);
      pb.push(ib[3 * p], ib[3 * p + 1], ib[3 * p + 2]);
    }
    assert.ok(pa.length > 0.1 * a.image.length, 'the scene covers part of the view');
    sum += psnr(pb, pa);
  }
  const measured = sum / views.views;
  assert.ok(measured >= targetDb, `decoded file renders at ${measured} dB, target ${targetDb}`);
  assert.ok(
    Math.abs(measured - found.psnrDb) < 1e-6,
    `search reported ${found.psnrDb} dB, measured ${measured}`,
  );

  // One set of ladders serves several targets. Without SH (whose codebook error no step removes), a target
  // above the default steps' fidelity is met with finer steps and more bytes, still verified by a render.
  const ladders = await measureTargetPsnrLadders(scene, { gpu, views, base: { ...base, shDegree: 0 } });
  const above = ladders.defaults.psnr + 2;
  const finer = await searchTargetPsnr(ladders, above);
  assert.ok(finer.psnrDb >= above, `${finer.psnrDb} vs ${above}`);
  const d = GSZ_DEFAULTS;
  const st = finer.steps;
  assert.ok(
    st.positionStep! < d.positionStep ||
      st.rotationLevels! > d.rotationLevels ||
      st.logScaleStep! < d.logScaleStep ||
      st.opacityBits! > d.opacityBits ||
      st.shDCStep! < d.shDCStep,
    `some step finer than the default: ${JSON.stringify(st)}`,
  );
  assert.ok(finer.renders <= 5, `${finer.renders} renders for one more target`); // 1-2 picks, <= 3 refines
  // The same target again (bench:format searches one per peer, and peers share PSNRs): no new render.
  const again = await searchTargetPsnr(ladders, above);
  assert.equal(again.renders, 0);
  assert.deepEqual(again.bytes, finer.bytes);
  // Far past what steps of 1/16 of the defaults can reach (noise / 256: ~24 dB).
  await assert.rejects(searchTargetPsnr(ladders, ladders.defaults.psnr + 40), /out of reach/);
  await assert.rejects(
    encodeToPsnr(scene, { targetDb, gpu, views, base: { ...base, positionStep: 1e-3 } }),
    /chooses positionStep itself/,
  );
});
