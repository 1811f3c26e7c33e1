import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  makeSchedule,
  REFERENCE,
  isDensifyStep,
  densifyCountTarget,
  optimizerStepsAt,
  phaseAt,
} from './schedule.ts';
import { NaturalSelection } from './natural-selection.ts';
import { sampleByOpacity, sampleWithoutReplacement } from './sampling.ts';
import { kthLargest, topKIndices } from './rank.ts';
import { topByOpacity, lightGaussianImportance, topByLightGaussianImportance } from './baselines.ts';
import { addOpacityFieldGradient, opacityFieldValue } from './opacity-field.ts';

test('the 30k schedule reproduces the reference boundaries exactly', () => {
  const s = makeSchedule({ iterations: 30_000, budget: 1000 });
  assert.equal(s.densifyFrom, 500);
  assert.equal(s.densifyUntil, 15_000);
  assert.equal(s.densifyInterval, 100);
  assert.equal(s.regStart, 15_000);
  assert.equal(s.regEnd, 23_000);
  assert.equal(s.priorFreeEnd, 16_000);
  assert.equal(s.selectionPruneFrom, 16_000);
  assert.equal(s.goalEnd, 22_000);
  assert.deepEqual(s.percentPruneAt, [3300, 6300]);
  assert.equal(s.accumulate5From, 20_000);
  assert.equal(s.accumulate20From, 24_000);
  assert.equal(densifyCountTarget(s, 14_500), 3000);
  assert.equal(densifyCountTarget(s, 500 + 3500), Math.floor(0.5 * 3000)); // sqrt(1/4) = 0.5
  assert.equal(isDensifyStep(s, 500), false); // open interval, as the reference
  assert.equal(isDensifyStep(s, 600), true);
  assert.equal(optimizerStepsAt(s, 20_000), true);
  assert.equal(optimizerStepsAt(s, 20_001), false);
  assert.equal(optimizerStepsAt(s, 20_005), true);
  assert.equal(optimizerStepsAt(s, 24_005), false);
  assert.equal(optimizerStepsAt(s, 24_020), true);
});

test('a 2,000-iteration schedule keeps the proportions, periods floor at 1', () => {
  const s = makeSchedule({ iterations: 2000, budget: 100 });
  const frac = (x: number) => x / 2000;
  // Rounding to whole iterations moves a boundary by at most half an iteration: 0.5 / 2000.
  assert.ok(Math.abs(frac(s.regStart) - REFERENCE.regStart / 30_000) <= 0.5 / 2000);
  assert.ok(Math.abs(frac(s.regEnd) - REFERENCE.regEnd / 30_000) <= 0.5 / 2000);
  assert.ok(Math.abs(frac(s.densifyUntil) - 0.5) <= 0.5 / 2000);
  assert.equal(s.regInterval, 3); // 50/15 = 3.33
  assert.equal(s.densifyInterval, 7); // 100/15 = 6.67
  assert.equal(s.controllerInterval, 6); // every second field application
  const tiny = makeSchedule({ iterations: 100, budget: 10 });
  assert.equal(tiny.regInterval, 1); // 50/300 rounds to 0 -> 1
  assert.equal(tiny.selectionPruneInterval, 1);
  assert.equal(phaseAt(s, 10), 'densify');
  assert.equal(phaseAt(s, s.regStart), 'selection');
  assert.equal(phaseAt(s, s.regEnd + 1), 'fine-tune');
});

test('the controller: opacity_min at first application, x0.8 / x1.2 rule, LR factors and the exact-budget cut', () => {
  const s = makeSchedule({ iterations: 30_000, budget: 4 });
  const ns = new NaturalSelection(s);
  assert.equal(ns.needsField(14_951), false);
  assert.equal(ns.needsField(15_001), true);
  assert.equal(ns.needsField(15_002), false);
  const opac = new Float32Array([0.9, 0.8, 0.7, 0.5, 0.1, 0.05]);
  assert.equal(ns.afterBackward(15_000, 6).opacityLrFactor, 4);
  const f = ns.fieldAt(15_001, opac);
  assert.equal(f?.kind, 'prior-free');
  assert.ok(Math.abs((ns.opacityMin ?? 0) - 0.8 * 0.5) < 1e-6);
  assert.equal(ns.needsOpacities(15_051), false);
  assert.equal(ns.fieldAt(15_051)?.weight, 2e-4);
  // goal at 15,101: (1 - 101/6000) * 0.4 ≈ 0.393; ranked 0.5 > 1.1 goal -> w x1.2
  ns.fieldAt(15_101, opac);
  assert.ok(Math.abs(ns.strength - 2.4e-4) < 1e-12);
  // ranked far below goal -> x0.8
  ns.fieldAt(15_201, new Float32Array([0.9, 0.8, 0.7, 0.01, 0.001, 0.001]));
  assert.ok(Math.abs(ns.strength - 2.4e-4 * 0.8) < 1e-12);
  assert.equal(ns.fieldAt(16_001, opac)?.kind, 'finite-prior');
  assert.equal(ns.afterBackward(15_950, 6).pruneBelowOpacity, undefined); // before regStart + 1000
  assert.equal(ns.afterBackward(16_050, 6).pruneBelowOpacity, 0.001);
  const cut = ns.afterBackward(16_051, 4); // 4 < 1.05 * 4: cut (nothing to sample: already at budget)
  assert.equal(cut.sampleToBudget, undefined);
  assert.equal(ns.active, false);
  assert.equal(ns.needsField(16_101), false);
  assert.equal(ns.afterBackward(17_051, 4).opacityLrFactor, 0.25);
  // the opacity Adam state restarts at the field's phase boundaries, while selection runs
  const ns3 = new NaturalSelection(s);
  assert.deepEqual(
    [14_999, 15_000, 15_001, 15_999, 16_000, 16_001].map((it) => ns3.restartsOpacityMomentsAt(it)),
    [false, true, false, false, true, false],
  );
  assert.equal(ns.restartsOpacityMomentsAt(16_000), false, 'not after the cut');
  // at regEnd the cut happens regardless of count
  const ns2 = new NaturalSelection(s);
  assert.equal(ns2.afterBackward(23_000, 10).sampleToBudget, 4);
});

test('controller options: w scales by (1 + step) / (1 - step), the opacity rate by the given boost', () => {
  const s = makeSchedule({ iterations: 30_000, budget: 4 });
  const ns = new NaturalSelection(s, { controllerStep: 0.05 });
  const opac = new Float32Array([0.9, 0.8, 0.7, 0.5, 0.1, 0.05]);
  ns.fieldAt(15_001, opac); // first application: opacity_min = 0.4, w unchanged
  assert.equal(ns.strength, 2e-4);
  ns.fieldAt(15_101, opac); // ranked 0.5 > 1.1 x goal 0.393
  assert.ok(Math.abs(ns.strength - 2e-4 * 1.05) < 1e-12);
  ns.fieldAt(15_201, new Float32Array([0.9, 0.8, 0.7, 0.01, 0.001, 0.001])); // far below the goal
  assert.ok(Math.abs(ns.strength - 2e-4 * 1.05 * 0.95) < 1e-12);
  assert.throws(() => new NaturalSelection(s, { controllerStep: 1 }), /controllerStep/);
  const boosted = new NaturalSelection(s, { opacityLrBoost: 2 });
  assert.equal(boosted.afterBackward(15_000, 6).opacityLrFactor, 2);
  assert.equal(boosted.afterBackward(16_051, 4).sampleToBudget, undefined); // cut at 4 < 1.05 B
  assert.equal(boosted.afterBackward(17_051, 4).opacityLrFactor, 0.5); // restored 1,000 iterations later
});

test('exact-budget sampling keeps exactly B and favours opaque Gaussians', () => {
  const n = 2000;
  const logits = new Float32Array(n);
  for (let i = 0; i < n; i++) logits[i] = i < n / 2 ? -3 : 2; // a ≈ 0.047 vs 0.881
  const kept = sampleByOpacity(logits, 500, 1234);
  assert.equal(kept.length, 500);
  assert.equal(new Set(kept).size, 500);
  for (let i = 1; i < kept.length; i++) assert.ok(kept[i] > kept[i - 1]);
  const opaque = kept.filter((i) => i >= n / 2).length;
  // Sequential weighted draws: 500 of 1000 heavy items with weight ratio ~18.6 — nearly all picks
  // are opaque; a uniform sampler would give 250 ± 11. 400 is > 10 sigma above uniform.
  assert.ok(opaque > 400, `opaque survivors ${opaque}`);
  // Not a top-k: some transparent ones survive.
  assert.ok(opaque < 500, 'sampling, not top-k');
  // Deterministic with a seed.
  assert.deepEqual(sampleByOpacity(logits, 500, 1234), kept);
});

test('without-replacement sampling matches first-draw probabilities', () => {
  // Weights 1,2,3,4 drawing 1: P(i) = w_i / 10. 20,000 trials: the std-dev of a frequency is at most
  // sqrt(0.25/20000) = 0.0035, so 0.015 is > 4 sigma.
  const counts = [0, 0, 0, 0];
  for (let t = 0; t < 20_000; t++) counts[sampleWithoutReplacement([1, 2, 3, 4], 1, t + 1)[0]]++;
  counts.forEach((c, i) => {
    assert.ok(Math.abs(c / 20_000 - (i + 1) / 10) < 0.015, `item ${i}: ${c}`);
  });
});

test('ranking helpers', () => {
  assert.equal(kthLargest([5, 1, 4, 2, 3], 2), 4);
  assert.deepEqual([...topKIndices([0.1, 0.9, 0.5, 0.9, 0.2], 3)], [1, 2, 3]);
  assert.deepEqual([...topKIndices([1, 1, 1, 1], 2)], [0, 1]);
  assert.deepEqual([...topByOpacity(new Float32Array([-5, 3, 0, 2]), 2)], [1, 3]);
  const w = new Float32Array([1, 1, 0.5, 2]);
  const logS = new Float32Array([0, 0, 0, 1, 1, 1, 0, 0, 0, -5, -5, -5]);
  const imp = lightGaussianImportance(w, logS);
  assert.ok(imp[1] > imp[0] && imp[0] > imp[2]);
  assert.deepEqual([...topByLightGaussianImportance(w, logS, 2)], [0, 1]);
});

test('field gradient matches finite differences of the regularizer (both kinds)', () => {
  const logits = [-4, -1, 0.3, 2.5, 5];
  for (const kind of ['prior-free', 'finite-prior'] as const) {
    const field = { kind, weight: 2e-4 };
    const g = new Float64Array(logits.length);
    addOpacityFieldGradient(logits, g, field);
    for (let i = 0; i < logits.length; i++) {
      const h = 1e-5;
      const up = logits.slice();
      up[i] += h;
      const dn = logits.slice();
      dn[i] -= h;
      const fd = (opacityFieldValue(up, field) - opacityFieldValue(dn, field)) / (2 * h);
      // central differences in float64 with h = 1e-5: truncation ~h² |f'''| and rounding ~1e-16/h; 1e-6 relative is ample
      assert.ok(Math.abs(fd - g[i]) <= 1e-6 * Math.abs(fd) + 1e-12, `${kind} ${i}: fd ${fd} vs ${g[i]}`);
    }
  }
});

test('the field drives Gaussians with no rendering gradient below the pruning threshold, not the ones that matter', () => {
  // 4 Gaussians the images need (a rendering loss (a − a0)² holds each at its fitted opacity a0) and
  // 4 no view sees (no rendering gradient), same opacities; the field at a fixed strength under Adam
  // (lr 0.1: the reference's x4), prior-free then finite prior with the opacity moments restarted at the
  // switch, as the trainer does (NaturalSelection.restartsOpacityMomentsAt).
  const start = [0.2, 0.4, 0.6, 0.8];
  const logits = Float64Array.from([...start, ...start], (a) => Math.log(a / (1 - a)));
  const n = logits.length;
  let m = new Float64Array(n),
    v = new Float64Array(n),
    t = 0;
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  for (let step = 1; step <= 200; step++) {
    if (step === 41) {
      m = new Float64Array(n);
      v = new Float64Array(n);
      t = 0;
    }
    t++;
    const g = new Float64Array(n);
    for (let i = 0; i < 4; i++) {
      const a = sig(logits[i]);
      g[i] = 2 * (a - start[i]) * a * (1 - a); // d/dv of (a − a0)²
    }
    addOpacityFieldGradient(logits, g, { kind: step <= 40 ? 'prior-free' : 'finite-prior', weight: 2e-5 });
    for (let i = 0; i < n; i++) {
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
      logits[i] -= (0.1 * m[i]) / (1 - 0.9 ** t) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-15);
    }
  }
  for (let i = 0; i < 4; i++) {
    // a held Gaussian settles where the rendering gradient balances the field's push: the finite
    // prior's uniform push shifts it by ~1e-3 (prior-free's, steeper at high a, by ~0.04 at a = 0.8)
    assert.ok(
      Math.abs(sig(logits[i]) - start[i]) < 0.01,
      `needed Gaussian ${i}: ${start[i]} -> ${sig(logits[i])}`,
    );
    assert.ok(sig(logits[4 + i]) < 0.001, `unseen Gaussian ${i}: ${start[i]} -> ${sig(logits[4 + i])}`);
  }
});

test('with no rendering gradient the field lowers every logit under Adam', () => {
  const logits = Float64Array.from([-3, -1, 0, 1, 4]);
  const m = new Float64Array(5),
    v = new Float64Array(5);
  for (let step = 1; step <= 50; step++) {
    const g = new Float64Array(5);
    addOpacityFieldGradient(logits, g, { kind: step < 25 ? 'prior-free' : 'finite-prior', weight: 2e-4 });
    for (let i = 0; i < 5; i++) {
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
      logits[i] -= (0.1 * m[i]) / (1 - 0.9 ** step) / (Math.sqrt(v[i] / (1 - 0.999 ** step)) + 1e-15);
    }
  }
  [-3, -1, 0, 1, 4].forEach((start, i) => {
    assert.ok(logits[i] < start - 1, `logit ${i}: ${logits[i]}`);
  });
});
