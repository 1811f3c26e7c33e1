// Densification and pruning of 3DGS training (docs/method.md step 1; the authors' Improved-GS densifier):
// AbsGS statistics (accumulated |screen-space gradient|), long-axis split towards a running count
// target sqrt((it − 500)/14,000)·3B, optional 3DGS clone of small Gaussians, opacity pruning, opacity
// reset. Operates on CPU scene arrays (download, edit, upload: it runs every ~100 iterations) and
// returns `sourceIndex` (old row per new row, NEW_ROW for new Gaussians) so the optimizer's moments
// can be re-packed with PackedAdam.gatherRows.
//
// Conventions: logScales are natural-log std-devs, rotations quaternions w,x,y,z (normalised when used),
// opacityLogits v with a = sigmoid(v).
import {
  createScene,
  selectGaussians,
  shRestCount,
  sigmoid,
  logit,
  type GaussianScene,
} from '../../shared/scene/gaussian-scene.ts';
import { sampleWithoutReplacement } from '../select/sampling.ts';
import { kthLargest } from '../select/rank.ts';
import { NEW_ROW } from './new-row.ts';

export interface DensifyStats {
  /** Σ over views of |∂L/∂mean2d| in NDC units (AbsGS), per Gaussian. */
  gradAccum: Float32Array;
  /** Number of views in which each Gaussian was visible. */
  denom: Float32Array;
}

export function emptyStats(count: number): DensifyStats {
  return { gradAccum: new Float32Array(count), denom: new Float32Array(count) };
}

export interface EditResult {
  scene: GaussianScene;
  /** For each new row, the old row it came from, or NEW_ROW (fresh optimizer state). */
  sourceIndex: Uint32Array;
}

export interface DensifyOptions {
  /** Count target of this step (schedule.ts densifyCountTarget). */
  countTarget: number;
  /** AbsGS threshold on the average accumulated gradient (reference 0.0003). */
  gradThreshold?: number;
  /** Late phase (reference it > 14,500): the threshold is divided by 1.5 while under the budget. */
  late?: boolean;
  /** Final budget B (for the late rule). */
  budget?: number;
  /** Prune a below this after densifying (reference 0.005); undefined: no pruning (it >= 14,900). */
  pruneBelowOpacity?: number;
  /** Split offset as a fraction of 3·s_max (reference 0.45). */
  splitDistance?: number;
  /** Child opacity = this × parent opacity (reference 0.6). */
  opacityReduction?: number;
  /** 3DGS clone: qualifying Gaussians with max scale <= percentDense·sceneExtent are duplicated, not split. */
  clone?: { percentDense: number; sceneExtent: number };
  /** Sampling weights for choosing which qualifiers grow (default: their average gradient). */
  scores?: Float32Array;
  seed?: number;
}

export interface DensifyResult extends EditResult {
  split: number;
  cloned: number;
  pruned: number;
}

/** Average accumulated gradient per Gaussian (0 where never visible). */
export function averageGradient(stats: DensifyStats): Float32Array {
  const out = new Float32Array(stats.gradAccum.length);
  for (let i = 0; i < out.length; i++) out[i] = stats.denom[i] > 0 ? stats.gradAccum[i] / stats.denom[i] : 0;
  return out;
}

/** One densification step: grow towards the count target by splitting (or cloning), then prune. */
export function densifyAndPrune(scene: GaussianScene, stats: DensifyStats, o: DensifyOptions): DensifyResult {
  const n = scene.count;
  const grads = averageGradient(stats);
  let minGrad = o.gradThreshold ?? 0.0003;
  if (o.late && o.budget !== undefined && n < o.budget) minGrad /= 1.5;
  const weights = new Float64Array(n);
  let qualifiers = 0;
  for (let i = 0; i < n; i++) {
    if (grads[i] >= minGrad) {
      qualifiers++;
      weights[i] = Math.max(0, (o.scores ?? grads)[i]);
    }
  }
  const target = Math.min(o.countTarget, qualifiers + n);
  let toAdd = target - n;
  let positive = 0;
  for (let i = 0; i < n; i++) if (weights[i] > 0) positive++;
  toAdd = Math.min(toAdd, positive);
  let grown: EditResult = { scene, sourceIndex: Uint32Array.from({ length: n }, (_, i) => i) };
  let split = 0;
  let cloned = 0;
  if (toAdd > 0) {
    const chosen = sampleWithoutReplacement(weights, toAdd, o.seed ?? 0);
    const small = new Uint8Array(chosen.length);
    if (o.clone) {
      const limit = Math.log(o.clone.percentDense * o.clone.sceneExtent);
      chosen.forEach((g, k) => {
        const s = scene.logScales;
        small[k] = Math.max(s[g * 3], s[g * 3 + 1], s[g * 3 + 2]) <= limit ? 1 : 0;
      });
    }
    grown = growGaussians(scene, chosen, small, o.splitDistance ?? 0.45, o.opacityReduction ?? 0.6);
    for (const s of small) if (s) cloned++;
    split = chosen.length - cloned;
  }
  let pruned = 0;
  if (o.pruneBelowOpacity !== undefined) {
    const before = grown.scene.count;
    grown = pruneBelowOpacity(grown, o.pruneBelowOpacity);
    pruned = before - grown.scene.count;
  }
  return { ...grown, split, cloned, pruned };
}

/**
 * Splits (long axis) or clones the Gaussians `chosen`: a split parent is replaced by two children at
 * ±d·3·s_max along its longest axis with that scale ×(1 − d) and the others ×sqrt(1 − d²), opacity
 * reduction·a each; a clone keeps the parent and appends an identical copy (3DGS).
 */
export function growGaussians(
  scene: GaussianScene,
  chosen: Uint32Array,
  cloneMask: Uint8Array,
  d: number,
  reduction: number,
): EditResult {
  const n = scene.count;
  const isSplit = new Uint8Array(n);
  let splits = 0;
  chosen.forEach((g, k) => {
    if (!cloneMask[k]) {
      isSplit[g] = 1;
      splits++;
    }
  });
  const clones = chosen.length - splits;
  const keptCount = n - splits;
  const total = keptCount + 2 * splits + clones;
  const out = createScene(total, scene.shDegree, scene.antialiased);
  const rest = shRestCount(scene.shDegree) * 3;
  const sourceIndex = new Uint32Array(total);
  let r = 0;
  const copyRow = (from: number, to: number) => {
    out.positions.set(scene.positions.subarray(from * 3, from * 3 + 3), to * 3);
    out.logScales.set(scene.logScales.subarray(from * 3, from * 3 + 3), to * 3);
    out.rotations.set(scene.rotations.subarray(from * 4, from * 4 + 4), to * 4);
    out.opacityLogits[to] = scene.opacityLogits[from];
    out.shDC.set(scene.shDC.subarray(from * 3, from * 3 + 3), to * 3);
    if (rest > 0) out.shRest.set(scene.shRest.subarray(from * rest, from * rest + rest), to * rest);
  };
  for (let i = 0; i < n; i++) {
    if (isSplit[i]) continue;
    copyRow(i, r);
    sourceIndex[r++] = i;
  }
  const shrinkOthers = Math.log(Math.sqrt(1 - d * d));
  const shrinkLong = Math.log(1 - d);
  chosen.forEach((g, k) => {
    if (cloneMask[k]) {
      copyRow(g, r);
      sourceIndex[r++] = NEW_ROW;
      return;
    }
    const ls = scene.logScales.subarray(g * 3, g * 3 + 3);
    const axis = ls[0] >= ls[1] ? (ls[0] >= ls[2] ? 0 : 2) : ls[1] >= ls[2] ? 1 : 2;
    const offset = d * 3 * Math.exp(ls[axis]);
    const dir = rotationColumn(scene.rotations.subarray(g * 4, g * 4 + 4), axis);
    const childLogit = logit(reduction * sigmoid(scene.opacityLogits[g]));
    for (const sign of [1, -1]) {
      copyRow(g, r);
      for (let a = 0; a < 3; a++) {
        out.positions[r * 3 + a] = scene.positions[g * 3 + a] + sign * offset * dir[a];
        out.logScales[r * 3 + a] = ls[a] + (a === axis ? shrinkLong : shrinkOthers);
      }
      out.opacityLogits[r] = childLogit;
      sourceIndex[r++] = NEW_ROW;
    }
  });
  return { scene: out, sourceIndex };
}

/** Column `axis` of the rotation matrix of quaternion (w, x, y, z): the local axis in world space. */
export function rotationColumn(q: ArrayLike<number>, axis: number): [number, number, number] {
  const l = Math.hypot(q[0], q[1], q[2], q[3]) || 1;
  const w = q[0] / l,
    x = q[1] / l,
    y = q[2] / l,
    z = q[3] / l;
  if (axis === 0) return [1 - 2 * (y * y + z * z), 2 * (x * y + w * z), 2 * (x * z - w * y)];
  if (axis === 1) return [2 * (x * y - w * z), 1 - 2 * (x * x + z * z), 2 * (y * z + w * x)];
  return [2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y)];
}

/** `next` was computed on `prev.scene`: map its source rows back to the rows before `prev`. */
export function composeEdits(prev: EditResult, next: EditResult): EditResult {
  return {
    scene: next.scene,
    sourceIndex: Uint32Array.from(next.sourceIndex, (i) => (i === NEW_ROW ? NEW_ROW : prev.sourceIndex[i])),
  };
}

/** Composes a further selection onto an edit: keep rows `keep` of edit.scene. */
export function keepRows(edit: EditResult, keep: Uint32Array): EditResult {
  return {
    scene: selectGaussians(edit.scene, keep),
    sourceIndex: Uint32Array.from(keep, (i) => edit.sourceIndex[i]),
  };
}

/** Removes Gaussians with opacity below `minOpacity` (strictly, as the reference's a < t). */
export function pruneBelowOpacity(edit: EditResult | GaussianScene, minOpacity: number): EditResult {
  const e =
    'sourceIndex' in edit
      ? edit
      : { scene: edit, sourceIndex: Uint32Array.from({ length: edit.count }, (_, i) => i) };
  const keep: number[] = [];
  const v = e.scene.opacityLogits;
  for (let i = 0; i < e.scene.count; i++) if (!(sigmoid(v[i]) < minOpacity)) keep.push(i);
  return keepRows(e, Uint32Array.from(keep));
}

/** Drops the `fraction` lowest-opacity Gaussians (reference only_prune(0.2, percent=True) at 3,300 and 6,300). */
export function pruneLowestFraction(scene: GaussianScene, fraction: number): EditResult {
  const n = scene.count;
  if (n === 0) return { scene, sourceIndex: new Uint32Array(0) };
  // torch.quantile(a, q) with linear interpolation between order statistics, then prune a < it.
  const pos = fraction * (n - 1);
  const lo = Math.floor(pos);
  const a = Float64Array.from(scene.opacityLogits, sigmoid);
  const vLo = kthLargest(a, n - lo);
  const vHi = lo + 1 < n ? kthLargest(a, n - lo - 1) : vLo;
  const threshold = vLo + (pos - lo) * (vHi - vLo);
  return pruneBelowOpacity(scene, threshold);
}

/** Sets every opacity to min(a, maxOpacity) in place (3DGS reset; the trainer also zeroes the opacity moments). */
export function resetOpacity(scene: GaussianScene, maxOpacity = 0.05): void {
  const cap = logit(maxOpacity);
  const v = scene.opacityLogits;
  for (let i = 0; i < v.length; i++) if (v[i] > cap) v[i] = cap;
}
