// Natural selection end to end without a renderer: opacity logits under Adam, a stand-in "rendering"
// gradient that holds useful Gaussians up (pulls them toward a = 0.9) and nothing for useless ones,
// the field, the controller, pruning and the exact-budget cut, on a scaled 2,000-iteration schedule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSchedule } from './schedule.ts';
import { NaturalSelection } from './natural-selection.ts';
import { addOpacityFieldGradient } from './opacity-field.ts';
import { sampleByOpacity } from './sampling.ts';
import { mulberry32 } from './sampling.ts';

test('selection keeps exactly B, mostly the Gaussians the images need', (t) => {
  const iterations = 2000;
  const s = makeSchedule({ iterations, budget: 300 });
  const ns = new NaturalSelection(s);
  const random = mulberry32(7);
  let n = 1500;
  let useful = Uint8Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0)); // 300 useful
  let v = Float64Array.from({ length: n }, () => -2 + 4 * random()); // a in ~[0.12, 0.88]
  let m = new Float64Array(n),
    w2 = new Float64Array(n);
  let step = 0;
  let lrFactor = 1;
  const keep = (idx: ArrayLike<number>) => {
    const pick = <T extends Float64Array | Uint8Array>(a: T) =>
      a.constructor === Uint8Array
        ? (Uint8Array.from(idx, (i) => a[i]) as T)
        : (Float64Array.from(idx, (i) => a[i]) as T);
    v = pick(v);
    m = pick(m);
    w2 = pick(w2);
    useful = pick(useful);
    n = v.length;
  };
  for (let it = 1; it <= iterations; it++) {
    if (it < s.regStart) continue; // training before selection is not simulated
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = 1 / (1 + Math.exp(-v[i]));
      // rendering loss (a − 0.9)² on useful Gaussians, through the sigmoid: 2(a − 0.9)·a(1 − a)
      if (useful[i]) g[i] = 2 * (a - 0.9) * a * (1 - a) * 0.05;
    }
    if (ns.needsField(it)) {
      const opac = ns.needsOpacities(it) ? Float32Array.from(v, (x) => 1 / (1 + Math.exp(-x))) : undefined;
      const f = ns.fieldAt(it, opac);
      if (f) addOpacityFieldGradient(v, g, f);
    }
    const actions = ns.afterBackward(it, n);
    if (actions.opacityLrFactor) lrFactor *= actions.opacityLrFactor;
    if (actions.sampleToBudget) keep(sampleByOpacity(Float32Array.from(v), actions.sampleToBudget, 1));
    else if (actions.pruneBelowOpacity) {
      const idx: number[] = [];
      for (let i = 0; i < n; i++) if (!(1 / (1 + Math.exp(-v[i])) < actions.pruneBelowOpacity)) idx.push(i);
      keep(idx);
    }
    if (g.length !== n) continue; // rows changed under this iteration's gradient: skip its step (reference: grad is dropped)
    step++;
    const lr = 0.025 * lrFactor;
    for (let i = 0; i < n; i++) {
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      w2[i] = 0.999 * w2[i] + 0.001 * g[i] * g[i];
      v[i] -= ((lr / (1 - 0.9 ** step)) * m[i]) / (Math.sqrt(w2[i] / (1 - 0.999 ** step)) + 1e-15);
    }
  }
  t.diagnostic(
    `selection ended at iteration ${ns.endedAt} (regStart ${s.regStart}, regEnd ${s.regEnd}); strength ${ns.strength.toExponential(2)}; useful kept ${useful.reduce((x, y) => x + y, 0)}`,
  );
  assert.equal(ns.active, false, 'selection ended');
  assert.equal(n, 300, 'exactly the budget');
  let kept = 0;
  for (let i = 0; i < n; i++) kept += useful[i];
  // The field alone drives useless Gaussians down while the stand-in rendering gradient holds useful
  // ones near 0.9; the ∝-opacity cut then strongly favours them. Uniform selection would keep 60.
  assert.ok(kept >= 240, `useful survivors ${kept} of 300`);
});
