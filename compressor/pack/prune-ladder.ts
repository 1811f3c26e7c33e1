// The drop ladder of a render-PSNR search (target-psnr.ts): fractions of the Gaussians, least visible first
// (visibility.ts: blending weight summed over orbit views other than the PSNR check's), and the squared
// error per view that dropping them adds to the renders. Many trained Gaussians add almost nothing to any
// pixel (biker: a tenth of them less than 0.13 pixel of weight over 24 views; dropping 5% renders at 72 dB
// against the input), so at a PSNR target they cost bytes and buy nothing.
import type { Camera } from '../../shared/math/camera.ts';
import { type GaussianScene, selectGaussians } from '../../shared/scene/gaussian-scene.ts';
import type { GpuContext } from '../gpu/device.ts';
import { meanPsnr, renderViews, type ViewRender, viewErrors } from '../eval/orbit-views.ts';
import type { KmeansResult } from './kmeans.ts';
import { blendingWeights, VISIBILITY_VIEW_DEFAULTS, visibilityViews } from './visibility.ts';

/** Fractions dropped whose error is rendered; the ladder's other rungs are interpolated between them. */
export const MEASURED_DROP_FRACTIONS = [0.05, 0.1, 0.2, 0.35] as const;
/** The ladder's rungs (ascending, from none). */
export const DROP_FRACTIONS = [0, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.275, 0.35] as const;

export interface DropLadder {
  fractions: readonly number[];
  /** Per rung, the squared error per view that dropping adds (measured or interpolated). */
  added: number[][];
  /** Indices of the Gaussians kept at rung i, ascending (the input order). */
  kept(i: number): Uint32Array;
}

/** A ladder with one rung, dropping nothing (a search without the drop knob). */
export function noDropLadder(count: number, views: number): DropLadder {
  const all = Uint32Array.from({ length: count }, (_, i) => i);
  return { fractions: [0], added: [new Array<number>(views).fill(0)], kept: () => all };
}

/**
 * Per-view error at fraction f from measured (fraction, error) pairs: geometric between them (errors span
 * decades), the first pair's log-slope continued below the first (0 at 0), the last error held above.
 */
export function interpolateDropError(measured: { fraction: number; error: number }[], f: number): number {
  if (f <= 0) return 0;
  const exact = measured.find((m) => m.fraction === f);
  if (exact) return exact.error;
  const at = (k: number) => measured[k];
  const geo = (a: { fraction: number; error: number }, b: { fraction: number; error: number }) => {
    const t = (f - a.fraction) / (b.fraction - a.fraction);
    if (!(a.error > 0 && b.error > 0)) return a.error + (b.error - a.error) * t;
    return Math.exp(Math.log(a.error) * (1 - t) + Math.log(b.error) * t);
  };
  if (f <= at(0).fraction)
    return measured.length > 1 ? Math.min(at(0).error, geo(at(0), at(1))) : at(0).error;
  for (let k = 1; k < measured.length; k++) if (f <= at(k).fraction) return geo(at(k - 1), at(k));
  return at(measured.length - 1).error;
}

export async function measureDropLadder(
  gpu: GpuContext,
  scene: GaussianScene,
  views: Camera[],
  reference: ViewRender[],
  progress: (message: string) => void,
): Promise<DropLadder> {
  const t = performance.now();
  const { width, height } = views[0];
  const weights = await blendingWeights(
    gpu,
    scene,
    visibilityViews(scene, { ...VISIBILITY_VIEW_DEFAULTS, width, height }),
  );
  // Least visible first; ties (e.g. weight 0) in input order, so the ladder is deterministic.
  const order = Array.from({ length: scene.count }, (_, i) => i).sort(
    (a, b) => weights[a] - weights[b] || a - b,
  );
  const keptCache = new Map<number, Uint32Array>();
  const kept = (i: number): Uint32Array => {
    let k = keptCache.get(i);
    if (!k) {
      k = Uint32Array.from(order.slice(Math.round(DROP_FRACTIONS[i] * scene.count))).sort();
      keptCache.set(i, k);
    }
    return k;
  };
  const measured: { fraction: number; errors: number[] }[] = [];
  for (const fraction of MEASURED_DROP_FRACTIONS) {
    const keep = Uint32Array.from(order.slice(Math.round(fraction * scene.count))).sort();
    const errors = viewErrors(await renderViews(gpu, selectGaussians(scene, keep), views), reference, true);
    measured.push({ fraction, errors });
    progress(`drop ${(fraction * 100).toFixed(1)}% least visible: ${meanPsnr(errors).toFixed(2)} dB`);
  }
  const added = DROP_FRACTIONS.map((f) =>
    views.map((_, v) =>
      interpolateDropError(
        measured.map((m) => ({ fraction: m.fraction, error: m.errors[v] })),
        f,
      ),
    ),
  );
  progress(`drop ladder in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return { fractions: DROP_FRACTIONS, added, kept };
}

/** The SH codebook of the kept Gaussians (same centroids, their labels). */
export function keptCodebook(
  codebook: KmeansResult | undefined,
  kept: Uint32Array,
): KmeansResult | undefined {
  if (!codebook) return undefined;
  return { ...codebook, labels: Uint32Array.from(kept, (i) => codebook.labels[i]) };
}
