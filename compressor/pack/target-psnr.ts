// The smallest .gsz whose renders stay at or above a PSNR target against the input's renders
// (`gs-compress pack --target-psnr DB`): the quantization steps are chosen per scene in render space
// instead of per attribute. Each knob (position, rotation, log-scale, opacity, DC, SH-rest residual) has a
// ladder of coarser steps, predicted from one measured probe: the knob alone at 8x its default step,
// encoded and rendered (its bytes are its own columns': every column is range-coded on its own; its render
// error is the squared error it adds per view, growing as the step's square), plus a byte-only encode at
// the coarsest step. Quantization noise of different attributes is independent, so errors and bytes add:
// an exhaustive search over the ladders picks the fewest predicted bytes whose predicted mean PSNR meets
// the target, a real encode and render verifies it (a miss raises the margin and picks again), and up to
// two one-notch-coarser moves, measured jointly, take what the model left. One more knob drops the least
// visible Gaussians (prune-ladder.ts): its error is rendered, its bytes scale every column's.
// The model (knobs, ladders, predictions, the pick) is target-psnr-model.ts; this file measures and searches.
import type { Camera } from '../../shared/math/camera.ts';
import { decodeGsz } from '../../shared/format/gsz-decoder.ts';
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { capShDegree } from '../../shared/scene/gaussian-scene.ts';
import type { GpuContext } from '../gpu/device.ts';
import {
  meanPsnr,
  ORBIT_VIEW_DEFAULTS,
  orbitViews,
  renderViews,
  viewErrors,
  type OrbitViewOptions,
} from '../eval/orbit-views.ts';
import { encodeGsz, shKmeans, type GszEncodeOptions } from './gsz-encoder.ts';
import { type DropLadder, keptCodebook, measureDropLadder, noDropLadder } from './prune-ladder.ts';
import {
  columnBytes,
  DEFAULT_INDEX,
  knobsFor,
  type Ladder,
  multiplier,
  pickWithDrop,
  PROBE,
  predictAdded,
  predictBytes,
  TOP,
} from './target-psnr-model.ts';
import { selectGaussians } from '../../shared/scene/gaussian-scene.ts';

export interface TargetPsnrOptions {
  /**
   * Mean PSNR (dB) over the orbit views that the decoded scene's renders must reach against the input's,
   * over the scene's pixels (orbit-views.ts: the empty background would otherwise add several dB).
   */
  targetDb: number;
  gpu: GpuContext;
  views?: Partial<OrbitViewOptions>;
  /** Options every trial shares (shDegree, chunking, k-means); the searched steps must not be among them. */
  base?: GszEncodeOptions;
  /**
   * Let the search drop the least visible Gaussians where that meets the target in fewer bytes than finer
   * steps would (default false: measuring its ladder costs ~24 extra renders with gradients, which
   * quadruples the search's set-up time on a CPU; their share is chosen like a step, from a measured ladder).
   */
  drop?: boolean;
  onProgress?: (message: string) => void;
}

export interface TargetPsnrResult {
  bytes: Uint8Array;
  /** The searched steps of the file written (merge with `base` to reproduce it). */
  steps: GszEncodeOptions;
  /** Gaussians the file leaves out (the least visible ones), of the input's count. */
  dropped: number;
  /** Measured mean PSNR of the file written, and of the default (per-attribute parity) steps. */
  psnrDb: number;
  defaultPsnrDb: number;
  /** Bytes of the default steps' file, for comparison. */
  defaultBytes: number;
  /** Full encodes (some only to measure bytes) and render passes (all views) the search made. */
  encodes: number;
  renders: number;
}

/** Options a target-PSNR search chooses itself (rejected in `base`). */
export const SEARCHED_OPTIONS = [
  'positionStep',
  'rotationLevels',
  'rotationBits',
  'logScaleStep',
  'logScaleBits',
  'opacityBits',
  'shDCStep',
  'shDCBits',
  'shResidualStep',
] as const;

/**
 * Everything a search shares between targets: the views, the input's renders, the default-steps file and
 * its errors, and each knob's ladder predicted from one measured probe. Measure once per scene, then search
 * as many targets as needed (`searchTargetPsnr`); bench:format compares against several peers this way.
 */
export interface TargetPsnrLadders {
  scene: GaussianScene;
  ladders: Ladder[];
  defaults: { file: Uint8Array; errors: number[]; psnr: number };
  drop: DropLadder;
  /** Encode with `steps`, leaving out the drop ladder's rung `dropRung` (0: none), decode and render. */
  trial(steps: GszEncodeOptions, dropRung?: number): Promise<{ file: Uint8Array; errors: number[] }>;
  /** Full encodes and renders so far (the probes' byte-only encodes count as encodes, not renders). */
  counts: { encodes: number; renders: number };
  /** Files measured by earlier searches, by state (ladder positions and drop rung): reused, not re-rendered. */
  measured: Map<string, { file: Uint8Array; psnr: number }>;
  progress(message: string): void;
}

export async function measureTargetPsnrLadders(
  input: GaussianScene,
  o: Omit<TargetPsnrOptions, 'targetDb'>,
): Promise<TargetPsnrLadders> {
  const given = SEARCHED_OPTIONS.filter((k) => o.base?.[k] !== undefined);
  if (given.length > 0)
    throw new RangeError(`a PSNR target chooses ${given.join(', ')} itself; do not pass them`);
  if (input.count === 0) throw new RangeError('a PSNR target needs a scene with at least one Gaussian');
  const progress = o.onProgress ?? (() => {});
  const scene = o.base?.shDegree === undefined ? input : capShDegree(input, o.base.shDegree);
  const viewOptions = { ...ORBIT_VIEW_DEFAULTS, ...o.views };
  const views: Camera[] = orbitViews(scene, viewOptions);
  const counts = { encodes: 0, renders: 0 };
  const reference = await renderViews(o.gpu, scene, views);
  // One k-means for every trial: the codebook does not depend on the searched steps.
  const base: GszEncodeOptions = { ...o.base, shDegree: undefined };
  if (scene.shDegree > 0 && !base.shCodebook) base.shCodebook = await shKmeans(scene, base);
  let drop = noDropLadder(scene.count, views.length);
  const encode = async (steps: GszEncodeOptions, dropRung = 0): Promise<Uint8Array> => {
    counts.encodes++;
    if (dropRung === 0) return encodeGsz(scene, { ...base, ...steps });
    const kept = drop.kept(dropRung);
    return encodeGsz(selectGaussians(scene, kept), {
      ...base,
      ...steps,
      shCodebook: keptCodebook(base.shCodebook, kept),
      importance: base.importance && Float32Array.from(kept, (i) => base.importance![i]),
    });
  };
  const trial = async (
    steps: GszEncodeOptions,
    dropRung = 0,
  ): Promise<{ file: Uint8Array; errors: number[] }> => {
    const file = await encode(steps, dropRung);
    counts.renders++;
    return { file, errors: viewErrors(await renderViews(o.gpu, decodeGsz(file), views), reference, true) };
  };

  const first = await trial({});
  const defaults = { ...first, psnr: meanPsnr(first.errors) };
  progress(
    `default steps: ${(defaults.file.length / scene.count).toFixed(2)} B/Gaussian, ${defaults.psnr.toFixed(2)} dB`,
  );

  const ladders: Ladder[] = [];
  for (const knob of knobsFor(scene.shDegree)) {
    const ladder: Ladder = { knob, bytes: [], added: [] };
    const measuredBytes = new Map<number, number>([
      [DEFAULT_INDEX, columnBytes(defaults.file, knob.columns)],
    ]);
    const probe = await trial(knob.at(PROBE)!);
    measuredBytes.set(PROBE, columnBytes(probe.file, knob.columns));
    const probeAdded = probe.errors.map((e, v) => e - defaults.errors[v]);
    const coarsest = knob.at(TOP);
    if (coarsest) measuredBytes.set(TOP, columnBytes(await encode(coarsest), knob.columns));
    for (let i = 0; i <= TOP; i++) {
      if (!knob.at(i)) continue;
      ladder.bytes[i] = measuredBytes.get(i) ?? predictBytes(measuredBytes, i);
      ladder.added[i] = i === PROBE ? probeAdded : probeAdded.map((a) => predictAdded(a, i));
    }
    progress(
      `${knob.name} x${multiplier(PROBE).toFixed(0)}: ${(measuredBytes.get(PROBE)! / scene.count).toFixed(3)} B/Gaussian, ${meanPsnr(probe.errors).toFixed(2)} dB`,
    );
    ladders.push(ladder);
  }
  if (o.drop === true) {
    drop = await measureDropLadder(o.gpu, scene, views, reference, progress);
    counts.renders += 1 + drop.fractions.length;
  }
  return { scene, ladders, defaults, drop, trial, counts, progress, measured: new Map() };
}

/** Joint measurements after the model's pick: at most this many one-notch-coarser tries ... */
const REFINE_TRIES = 3;
/** ... and only while the file found has this much PSNR to spare (a notch costs ~0.3-1 dB). */
const REFINE_SLACK_DB = 0.25;

/** The smallest file the ladders predict to meet `targetDb`, verified (and refined) with real renders. */
export async function searchTargetPsnr(set: TargetPsnrLadders, targetDb: number): Promise<TargetPsnrResult> {
  if (!(targetDb > 0 && Number.isFinite(targetDb)))
    throw new RangeError(`target PSNR must be a positive number of dB, got ${targetDb}`);
  const { ladders, defaults, drop, scene, progress } = set;
  const start = { ...set.counts };
  // A state: one ladder position per knob, then the drop rung.
  const K = ladders.length;
  const stepsOf = (levels: number[]): GszEncodeOptions =>
    Object.assign({}, ...levels.slice(0, K).map((i, k) => ladders[k].knob.at(i)));
  const dropped = (levels: number[]): number => scene.count - drop.kept(levels[K]).length;
  const describe = (levels: number[]): string =>
    `${ladders.map((l, k) => `${l.knob.name} x${multiplier(levels[k]).toFixed(2)}`).join(', ')}, drop ${(drop.fractions[levels[K]] * 100).toFixed(1)}%`;
  const defaultLevels = [...ladders.map(() => DEFAULT_INDEX), 0];
  let best: { file: Uint8Array; psnr: number; levels: number[] } | undefined =
    defaults.psnr >= targetDb
      ? { file: defaults.file, psnr: defaults.psnr, levels: defaultLevels }
      : undefined;
  const tried = new Map<string, number>([[defaultLevels.join(','), defaults.psnr]]);
  const measure = async (levels: number[], label: string): Promise<{ file: Uint8Array; psnr: number }> => {
    const key = levels.join(',');
    const known = set.measured.get(key);
    if (known) {
      tried.set(key, known.psnr);
      return known;
    }
    const { file, errors } = await set.trial(stepsOf(levels), levels[K]);
    const psnr = meanPsnr(errors);
    tried.set(key, psnr);
    set.measured.set(key, { file, psnr });
    progress(
      `${label} ${describe(levels)}: ${(file.length / scene.count).toFixed(2)} B/Gaussian, ${psnr.toFixed(2)} dB`,
    );
    return { file, psnr };
  };

  // The model's pick, verified; a miss raises the margin by the shortfall and picks again.
  let margin = 0.05;
  for (let attempt = 0; attempt < 4; attempt++) {
    const levels = pickWithDrop(ladders, drop, defaults.errors, targetDb + margin);
    if (!levels) break;
    if (tried.has(levels.join(','))) {
      margin += 0.1;
      continue;
    }
    const { file, psnr } = await measure(levels, 'picked');
    if (psnr >= targetDb) {
      if (!best || file.length < best.file.length) best = { file, psnr, levels };
      break;
    }
    // Never go as coarse as a measured miss again: every knob at or above it fails too.
    margin += targetDb - psnr + 0.05;
  }

  if (!best) {
    throw new RangeError(
      `target ${targetDb} dB is out of reach on this scene (default steps: ${defaults.psnr.toFixed(2)} dB; steps down to 1/16 of them were predicted short of it)`,
    );
  }
  const found = best;
  // The model is approximate: from the best file, try one notch coarser on the knobs (or one rung more
  // dropped) with the most bytes to gain, measured jointly, while the slack above the target is worth a render.
  const kept = 1 - drop.fractions[found.levels[K]];
  const knobBytes = found.levels.slice(0, K).reduce((s, i, k) => s + (ladders[k].bytes[i] ?? 0), 0);
  const gains = ladders
    .map((l, k) => {
      const next = found.levels[k] + 1;
      const now = l.bytes[found.levels[k]];
      const then = l.bytes[next];
      return { k, next, gain: now !== undefined && then !== undefined ? kept * (now - then) : 0 };
    })
    .concat(
      found.levels[K] + 1 < drop.fractions.length
        ? [
            {
              k: K,
              next: found.levels[K] + 1,
              gain: (drop.fractions[found.levels[K] + 1] - drop.fractions[found.levels[K]]) * knobBytes,
            },
          ]
        : [],
    )
    .filter((g) => g.gain > 0)
    .sort((a, b) => b.gain - a.gain);
  let refines = 0;
  for (const { k, next } of gains) {
    if (refines >= REFINE_TRIES || best.psnr - targetDb < REFINE_SLACK_DB) break;
    const levels = best.levels.slice();
    levels[k] = next;
    if (tried.has(levels.join(','))) continue;
    refines++;
    const { file, psnr } = await measure(levels, 'refine');
    if (psnr >= targetDb && file.length < best.file.length) best = { file, psnr, levels };
  }
  return {
    bytes: best.file,
    steps: stepsOf(best.levels),
    dropped: dropped(best.levels),
    psnrDb: best.psnr,
    defaultPsnrDb: defaults.psnr,
    defaultBytes: defaults.file.length,
    encodes: set.counts.encodes - start.encodes,
    renders: set.counts.renders - start.renders,
  };
}

/** `pack --target-psnr`: measure the ladders of `input`, then search one target. */
export async function encodeToPsnr(input: GaussianScene, o: TargetPsnrOptions): Promise<TargetPsnrResult> {
  if (!(o.targetDb > 0 && Number.isFinite(o.targetDb)))
    throw new RangeError(`target PSNR must be a positive number of dB, got ${o.targetDb}`);
  const set = await measureTargetPsnrLadders(input, o);
  const result = await searchTargetPsnr(set, o.targetDb);
  return { ...result, encodes: set.counts.encodes, renders: set.counts.renders };
}
