// The predictive model of `pack --target-psnr` (target-psnr.ts runs the search): the knobs and their
// ladders of steps, bytes and render error predicted from one probe per knob, and the exhaustive pick of
// the fewest predicted bytes meeting a PSNR target (with the drop ladder's rungs).
import { decodeGszHeader } from '../../shared/format/gsz-decoder.ts';
import { GSZ_COLUMNS, type GszColumn } from '../../shared/format/gsz-layout.ts';
import { meanPsnr } from '../eval/orbit-views.ts';
import { GSZ_DEFAULTS, type GszEncodeOptions } from './gsz-encoder.ts';

/**
 * Ladder indices 0..TOP: step multiplier 2^((j - DEFAULT_INDEX)/2) of the default, from 1/16x (targets above
 * what the default steps reach: near-lossless peers such as compressed.ply render at ~74 dB) to 64x.
 */
export const DEFAULT_INDEX = 8;
export const TOP = DEFAULT_INDEX + 12;

export interface Knob {
  name: string;
  columns: GszColumn[];
  /** Encoder options at ladder position i (undefined: not realizable, e.g. fractional opacity bits). */
  at(i: number): GszEncodeOptions | undefined;
}

export const multiplier = (j: number): number => 2 ** ((j - DEFAULT_INDEX) / 2);

export function knobsFor(shDegree: number): Knob[] {
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
export interface Ladder {
  knob: Knob;
  /** Indexed by ladder position; undefined where not realizable. */
  bytes: (number | undefined)[];
  added: (number[] | undefined)[];
}

export function columnBytes(file: Uint8Array, columns: GszColumn[]): number {
  const header = decodeGszHeader(file);
  const index = columns.map((c) => GSZ_COLUMNS.indexOf(c));
  return header.chunks.reduce(
    (s, chunk) => s + index.reduce((t, k) => t + (chunk.columnLengths[k] ?? 0), 0),
    0,
  );
}

/** Floor of a predicted squared error (finer steps predict negative added errors; 1e-12 is 120 dB). */
export const MIN_ERROR = 1e-12;

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
 * Ladder position of the one measured probe per knob (8x the default step). Between the default and the
 * probe, quantization noise is small against the signal, so a render's added squared error grows as the
 * step's square (noise variance step^2/12, pushed linearly through the renderer); coarser positions are
 * extrapolated the same way and the search verifies what it picks with a real encode and render.
 */
export const PROBE = DEFAULT_INDEX + 6;

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
