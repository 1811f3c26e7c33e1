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
import type { Camera } from '../../shared/math/camera.ts';
import { decodeGsz, decodeGszHeader } from '../../shared/format/gsz-decoder.ts';
import { GSZ_COLUMNS, type GszColumn } from '../../shared/format/gsz-layout.ts';
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
import { encodeGsz, GSZ_DEFAULTS, shKmeans, type GszEncodeOptions } from './gsz-encoder.ts';
import { type DropLadder, keptCodebook, measureDropLadder, noDropLadder } from './prune-ladder.ts';
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
 * Ladder indices 0..TOP: step multiplier 2^((j - DEFAULT_INDEX)/2) of the default, from 1/16x (targets above
 * what the default steps reach: near-lossless peers such as compressed.ply render at ~74 dB) to 64x.
 */
const DEFAULT_INDEX = 8;
const TOP = DEFAULT_INDEX + 12;

interface Knob {
  name: string;
  columns: GszColumn[];
  /** Encoder options at ladder position i (undefined: not realizable, e.g. fractional opacity bits). */
  at(i: number): GszEncodeOptions | undefined;
}

const multiplier = (j: number): number => 2 ** ((j - DEFAULT_INDEX) / 2);

function knobsFor(shDegree: number): Knob[] {
  const d = GSZ_DEFAULTS;
  const knobs: Knob[] = [
    {
      name: 'position',
      columns: ['position'],
      at: (i) => ({ positionStep: d.positionStep * multiplier(i) }),
    },
    {
      name: 'rotation',
      columns: ['rotation'],
      at: (i) => ({ rotationLevels: Math.max(4, Math.round(d.rotationLevels / multiplier(i))) }),
    },
    {
      name: 'log-scale',
      columns: ['logScale'],
      at: (i) => ({ logScaleStep: d.logScaleStep * multiplier(i) }),
    },
    // Opacity is coded as `bits` of sigmoid(v): each bit fewer doubles its step; 3 bits at the least.
    {
      name: 'opacity',
      columns: ['opacity'],
      at: (j) => {
        const bits = d.opacityBits - (j - DEFAULT_INDEX) / 2;
        return Number.isInteger(bits) && bits >= 3 ? { opacityBits: bits } : undefined;
      },
    },
    { name: 'DC', columns: ['shDC'], at: (i) => ({ shDCStep: d.shDCStep * multiplier(i) }) },
  ];
  if (shDegree > 0)
    knobs.push({
      name: 'SH rest',
      columns: ['shResidual'],
      at: (i) => ({ shResidualStep: d.shResidualStep * multiplier(i) }),
    });
  return knobs;
}

/** One knob's ladder: bytes of its columns and per-view squared error added over the default's (predicted). */
interface Ladder {
  knob: Knob;
  /** Indexed by ladder position; undefined where not realizable. */
  bytes: (number | undefined)[];
  added: (number[] | undefined)[];
}

function columnBytes(file: Uint8Array, columns: GszColumn[]): number {
  const header = decodeGszHeader(file);
  const index = columns.map((c) => GSZ_COLUMNS.indexOf(c));
  return header.chunks.reduce(
    (s, chunk) => s + index.reduce((t, k) => t + (chunk.columnLengths[k] ?? 0), 0),
    0,
  );
}

/** Floor of a predicted squared error (finer steps predict negative added errors; 1e-12 is 120 dB). */
const MIN_ERROR = 1e-12;

/**
 * The ladder positions (one per knob) with the fewest predicted bytes whose predicted mean PSNR is at least
 * `targetDb`: exhaustive over the ladders (at most 13^6 combinations), pruned by bytes.
 */
export function pickLevels(
  ladders: { bytes: (number | undefined)[]; added: (number[] | undefined)[] }[],
  baseErrors: number[],
  targetDb: number,
): number[] | undefined {
  let best: { bytes: number; levels: number[] } | undefined;
  const levels: number[] = new Array<number>(ladders.length).fill(0);
  const errors = baseErrors.slice();
  // Cheapest possible bytes, and least possible added error per view, of knobs k.. (for pruning).
  const floor = ladders.map((l) => Math.min(...l.bytes.filter((b): b is number => b !== undefined)));
  const rest = floor.map((_, k) => floor.slice(k).reduce((s, b) => s + b, 0));
  const leastAdded = ladders.map((l) =>
    baseErrors.map((_, v) => Math.min(...l.added.filter((a) => a !== undefined).map((a) => a[v]))),
  );
  const leastRest = ladders.map((_, k) =>
    baseErrors.map((_, v) => leastAdded.slice(k).reduce((s, a) => s + a[v], 0)),
  );
  const reachable = (k: number): boolean =>
    meanPsnr(errors.map((e, v) => Math.max(e + leastRest[k][v], MIN_ERROR))) >= targetDb;
  const visit = (k: number, bytes: number): void => {
    if (best && bytes + (k < ladders.length ? rest[k] : 0) >= best.bytes) return;
    if (k < ladders.length && k > 0 && !reachable(k)) return;
    if (k === ladders.length) {
      if (meanPsnr(errors.map((e) => Math.max(e, MIN_ERROR))) >= targetDb)
        best = { bytes, levels: levels.slice() };
      return;
    }
    const { bytes: b, added } = ladders[k];
    for (let i = b.length - 1; i >= 0; i--) {
      const add = added[i];
      const bi = b[i];
      if (bi === undefined || !add) continue;
      for (let v = 0; v < errors.length; v++) errors[v] += add[v];
      levels[k] = i;
      visit(k + 1, bytes + bi);
      for (let v = 0; v < errors.length; v++) errors[v] -= add[v];
    }
  };
  visit(0, 0);
  return best?.levels;
}

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

/**
 * Ladder position of the one measured probe per knob (8x the default step). Between the default and the
 * probe, quantization noise is small against the signal, so a render's added squared error grows as the
 * step's square (noise variance step^2/12, pushed linearly through the renderer); coarser positions are
 * extrapolated the same way and the search verifies what it picks with a real encode and render.
 */
const PROBE = DEFAULT_INDEX + 6;

/**
 * Added error at ladder index j from the probe's measured one (noise ~ step^2, minus the default's own);
 * negative below the default index, where finer steps remove part of the default's noise.
 */
export function predictAdded(probeAdded: number, j: number): number {
  const m2 = (i: number) => multiplier(i) ** 2;
  return (Math.max(0, probeAdded) * (m2(j) - 1)) / (m2(PROBE) - 1);
}

/**
 * Bytes at ladder index i, linear in log step between the measured indices (the default, PROBE, TOP); finer
 * than the default, the first slope continues (high-rate quantization: a bit more per halved step).
 */
export function predictBytes(measured: Map<number, number>, i: number): number {
  const at = [...measured.keys()].sort((a, b) => a - b);
  if (i < at[0]) {
    const first = measured.get(at[0])!;
    return first + ((first - measured.get(at[1])!) / (at[1] - at[0])) * (at[0] - i);
  }
  let lo = at[0];
  let hi = at[at.length - 1];
  for (const p of at) {
    if (p <= i) lo = p;
    if (p >= i && hi >= p) hi = p;
  }
  if (i > hi) {
    // Past the coarsest measured step: the last slope, never below a quarter of the last measurement.
    const [a, b] = at.slice(-2);
    const last = measured.get(b)!;
    const slope = (last - measured.get(a)!) / (b - a);
    return Math.max(0.25 * last, last + slope * (i - b));
  }
  if (lo === hi) return measured.get(lo)!;
  const t = (i - lo) / (hi - lo);
  return measured.get(lo)! * (1 - t) + measured.get(hi)! * t;
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

/**
 * The ladder positions (one per knob, then the drop rung) with the fewest predicted bytes whose predicted
 * mean PSNR is at least `targetDb`: pickLevels at every drop rung, whose bytes scale by the share kept.
 */
export function pickWithDrop(
  ladders: { bytes: (number | undefined)[]; added: (number[] | undefined)[] }[],
  drop: { fractions: readonly number[]; added: number[][] },
  baseErrors: number[],
  targetDb: number,
): number[] | undefined {
  let best: { bytes: number; levels: number[] } | undefined;
  drop.fractions.forEach((fraction, rung) => {
    const errors = baseErrors.map((e, v) => e + drop.added[rung][v]);
    const levels = pickLevels(ladders, errors, targetDb);
    if (!levels) return;
    const bytes = (1 - fraction) * levels.reduce((s, i, k) => s + ladders[k].bytes[i]!, 0);
    if (!best || bytes < best.bytes) best = { bytes, levels: [...levels, rung] };
  });
  return best?.levels;
}

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
