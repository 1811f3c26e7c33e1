// The smallest .gsz whose renders stay at or above a PSNR target against the input's renders
// (`gs-compress pack --target-psnr DB`): the quantization steps are chosen per scene in render space
// instead of per attribute. Each knob (position, rotation, log-scale, opacity, DC, SH-rest residual) is
// encoded alone on a ladder of coarser steps, the others at their defaults; a knob's bytes are its own
// columns' (every column is range-coded on its own) and its render error is the squared error it adds
// per view (quantization noise of different attributes is independent, so the errors add). An exhaustive
// search over the ladders then picks the fewest predicted bytes whose predicted mean PSNR meets the
// target, and a real encode and render verifies it (a miss raises the margin and picks again); a few
// passes of one-notch-coarser moves, each measured jointly, then take what the additive model left.
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
  onProgress?: (message: string) => void;
}

export interface TargetPsnrResult {
  bytes: Uint8Array;
  /** The searched steps of the file written (merge with `base` to reproduce it). */
  steps: GszEncodeOptions;
  /** Measured mean PSNR of the file written, and of the default (per-attribute parity) steps. */
  psnrDb: number;
  defaultPsnrDb: number;
  /** Bytes of the default steps' file, for comparison. */
  defaultBytes: number;
  encodes: number;
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
 * Ladder positions 0..LADDER: step multiplier 2^(i/2) of the default (up to 64x). Even positions are
 * encoded; odd ones are interpolated (bytes linearly, the added error geometrically, in log step).
 */
const LADDER = 12;
/** Passes of the local refinement after the model's pick (each: one notch coarser per knob, measured). */
const REFINE_PASSES = 2;

interface Knob {
  name: string;
  columns: GszColumn[];
  /** Encoder options at ladder position i (undefined: not realizable, e.g. fractional opacity bits). */
  at(i: number): GszEncodeOptions | undefined;
}

const multiplier = (i: number): number => 2 ** (i / 2);

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
      at: (i) =>
        i % 2 === 0 && d.opacityBits - i / 2 >= 3 ? { opacityBits: d.opacityBits - i / 2 } : undefined,
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

/** One knob's measured ladder: bytes of its columns and per-view squared error added over the default's. */
interface Ladder {
  knob: Knob;
  /** Indexed by ladder position; undefined where not realizable. */
  bytes: (number | undefined)[];
  added: (number[] | undefined)[];
  /** The first measured position at which this knob alone misses the target (LADDER + 1 if none). */
  misses: number;
}

function columnBytes(file: Uint8Array, columns: GszColumn[]): number {
  const header = decodeGszHeader(file);
  const index = columns.map((c) => GSZ_COLUMNS.indexOf(c));
  return header.chunks.reduce(
    (s, chunk) => s + index.reduce((t, k) => t + (chunk.columnLengths[k] ?? 0), 0),
    0,
  );
}

/** Fills the odd ladder positions between two measured ones. */
function interpolate(ladder: Ladder): void {
  for (let i = 1; i < LADDER; i += 2) {
    if (!ladder.knob.at(i)) continue;
    const lo = ladder.bytes[i - 1];
    const hi = ladder.bytes[i + 1];
    const a = ladder.added[i - 1];
    const b = ladder.added[i + 1];
    if (lo === undefined || hi === undefined || !a || !b) continue;
    ladder.bytes[i] = (lo + hi) / 2;
    ladder.added[i] = a.map((x, v) =>
      x > 0 && b[v] > 0 ? Math.sqrt(x * b[v]) : (Math.max(0, x) + Math.max(0, b[v])) / 2,
    );
  }
}

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
  // Cheapest possible bytes of knobs k.. (for pruning).
  const floor = ladders.map((l) => Math.min(...l.bytes.filter((b): b is number => b !== undefined)));
  const rest = floor.map((_, k) => floor.slice(k).reduce((s, b) => s + b, 0));
  const visit = (k: number, bytes: number): void => {
    if (best && bytes + (k < ladders.length ? rest[k] : 0) >= best.bytes) return;
    if (k === ladders.length) {
      if (meanPsnr(errors) >= targetDb) best = { bytes, levels: levels.slice() };
      return;
    }
    const { bytes: b, added } = ladders[k];
    for (let i = 0; i < b.length; i++) {
      const add = added[i];
      const bi = b[i];
      if (bi === undefined || !add) continue;
      for (let v = 0; v < errors.length; v++) errors[v] += Math.max(0, add[v]);
      levels[k] = i;
      visit(k + 1, bytes + bi);
      for (let v = 0; v < errors.length; v++) errors[v] -= Math.max(0, add[v]);
    }
  };
  visit(0, 0);
  return best?.levels;
}

export async function encodeToPsnr(input: GaussianScene, o: TargetPsnrOptions): Promise<TargetPsnrResult> {
  if (!(o.targetDb > 0 && Number.isFinite(o.targetDb)))
    throw new RangeError(`target PSNR must be a positive number of dB, got ${o.targetDb}`);
  const given = SEARCHED_OPTIONS.filter((k) => o.base?.[k] !== undefined);
  if (given.length > 0)
    throw new RangeError(`a PSNR target chooses ${given.join(', ')} itself; do not pass them`);
  if (input.count === 0) throw new RangeError('a PSNR target needs a scene with at least one Gaussian');
  const progress = o.onProgress ?? (() => {});
  const scene = o.base?.shDegree === undefined ? input : capShDegree(input, o.base.shDegree);
  const viewOptions = { ...ORBIT_VIEW_DEFAULTS, ...o.views };
  const views: Camera[] = orbitViews(scene, viewOptions);
  const reference = await renderViews(o.gpu, scene, views);
  // One k-means for every trial: the codebook does not depend on the searched steps.
  const base: GszEncodeOptions = { ...o.base, shDegree: undefined };
  if (scene.shDegree > 0 && !base.shCodebook) base.shCodebook = await shKmeans(scene, base);
  let encodes = 0;
  const trial = async (steps: GszEncodeOptions): Promise<{ file: Uint8Array; errors: number[] }> => {
    const file = await encodeGsz(scene, { ...base, ...steps });
    encodes++;
    return { file, errors: viewErrors(await renderViews(o.gpu, decodeGsz(file), views), reference, true) };
  };

  const defaults = await trial({});
  const defaultPsnrDb = meanPsnr(defaults.errors);
  progress(
    `default steps: ${(defaults.file.length / scene.count).toFixed(2)} B/Gaussian, ${defaultPsnrDb.toFixed(2)} dB`,
  );
  if (defaultPsnrDb < o.targetDb) {
    throw new RangeError(
      `target ${o.targetDb} dB is above what the default steps reach on this scene (${defaultPsnrDb.toFixed(2)} dB); pack without a target`,
    );
  }

  const ladders: Ladder[] = [];
  for (const knob of knobsFor(scene.shDegree)) {
    const ladder: Ladder = { knob, bytes: [], added: [], misses: LADDER + 1 };
    ladder.bytes[0] = columnBytes(defaults.file, knob.columns);
    ladder.added[0] = defaults.errors.map(() => 0);
    for (let i = 2; i <= LADDER; i += 2) {
      const steps = knob.at(i);
      if (!steps) continue;
      const { file, errors } = await trial(steps);
      ladder.bytes[i] = columnBytes(file, knob.columns);
      ladder.added[i] = errors.map((e, v) => e - defaults.errors[v]);
      progress(
        `${knob.name} x${multiplier(i).toFixed(0)}: ${(ladder.bytes[i]! / scene.count).toFixed(3)} B/Gaussian, ${meanPsnr(errors).toFixed(2)} dB`,
      );
      // Coarser steps only lose more: stop the ladder once this knob alone misses the target.
      if (meanPsnr(errors) < o.targetDb) {
        ladder.misses = i;
        break;
      }
    }
    interpolate(ladder);
    ladders.push(ladder);
  }

  const stepsOf = (levels: number[]): GszEncodeOptions =>
    Object.assign({}, ...levels.map((i, k) => ladders[k].knob.at(i)));
  const describe = (levels: number[]): string =>
    ladders.map((l, k) => `${l.knob.name} x${multiplier(levels[k]).toFixed(2)}`).join(', ');
  let best = { file: defaults.file, psnr: defaultPsnrDb, levels: ladders.map(() => 0) };
  const tried = new Set<string>([best.levels.join(',')]);
  const measure = async (levels: number[], label: string): Promise<{ file: Uint8Array; psnr: number }> => {
    tried.add(levels.join(','));
    const { file, errors } = await trial(stepsOf(levels));
    const psnr = meanPsnr(errors);
    progress(
      `${label} ${describe(levels)}: ${(file.length / scene.count).toFixed(2)} B/Gaussian, ${psnr.toFixed(2)} dB`,
    );
    return { file, psnr };
  };

  // The model's pick, verified; a miss raises the margin by the shortfall and picks again.
  let margin = 0;
  for (let attempt = 0; attempt < 4; attempt++) {
    const levels = pickLevels(ladders, defaults.errors, o.targetDb + margin);
    if (!levels) break;
    if (tried.has(levels.join(','))) {
      margin += 0.1;
      continue;
    }
    const { file, psnr } = await measure(levels, 'picked');
    if (psnr >= o.targetDb) {
      if (file.length < best.file.length) best = { file, psnr, levels };
      break;
    }
    margin += o.targetDb - psnr + 0.05;
  }

  // Local refinement on real joint measurements (the model is approximate): from the best file, each knob one
  // notch coarser (within the range where it alone still met the target); keep the smallest that passes.
  for (let pass = 0; pass < REFINE_PASSES; pass++) {
    let improved: typeof best | undefined;
    for (let k = 0; k < ladders.length; k++) {
      const next = ladders[k].bytes.findIndex(
        (b, i) => i > best.levels[k] && i < ladders[k].misses && b !== undefined,
      );
      if (next < 0) continue;
      const levels = best.levels.slice();
      levels[k] = next;
      if (tried.has(levels.join(','))) continue;
      const { file, psnr } = await measure(levels, 'refine');
      if (psnr >= o.targetDb && file.length < (improved ?? best).file.length)
        improved = { file, psnr, levels };
    }
    if (!improved) break;
    best = improved;
  }
  return {
    bytes: best.file,
    steps: stepsOf(best.levels),
    psnrDb: best.psnr,
    defaultPsnrDb,
    defaultBytes: defaults.file.length,
    encodes,
  };
}
