// Mode (c)'s time estimate and time limit. On a CPU-emulated GPU an iteration's cost is dominated by
// per-Gaussian work (projection, depth sort, projection backward, Adam), so it is modelled as
// proportional to the Gaussian count: measured on playbot (SwiftShader, 2 cores), a 320x240 patch step
// costs about one full-view (640x480) teacher render of the same count at 500k and at 75k
// (compressor/train/README.md "Mode (c) at scale"). The count is the input's up to the selection start,
// falls linearly to the budget by the schedule's selection end (the latest the exact-budget cut happens),
// then stays at the budget: an upper bound, since selection usually ends earlier.
import { makeSchedule, REFERENCE_ITERATIONS } from '../select/schedule.ts';

/** Refine runs map onto the reference iterations 14,000..30,000 (trainer.ts). */
const REFINE_FROM = 14_000;

export interface RefineEstimateInput {
  iterations: number;
  /** Gaussians at the start and at the end (the budget). */
  count: number;
  budget: number;
  /** Seconds of one training iteration at `count` Gaussians. */
  secondsPerIterationAtCount: number;
}

/** Mean Gaussian count over a refine run's iterations, as a fraction of `count` (see the file comment). */
export function meanCountFraction(iterations: number, count: number, budget: number): number {
  const virtual = Math.round((iterations * REFERENCE_ITERATIONS) / (REFERENCE_ITERATIONS - REFINE_FROM));
  const s = makeSchedule({ iterations: Math.max(10, virtual), budget: 1 });
  const first = virtual - iterations + 1;
  const b = Math.min(1, budget / count);
  let sum = 0;
  for (let it = first; it <= virtual; it++) {
    if (it < s.regStart) sum += 1;
    else if (it >= s.regEnd) sum += b;
    else sum += 1 - ((1 - b) * (it - s.regStart)) / (s.regEnd - s.regStart);
  }
  return sum / iterations;
}

/** Estimated training seconds of a refine run. */
export function estimateRefineSeconds(o: RefineEstimateInput): number {
  return o.iterations * o.secondsPerIterationAtCount * meanCountFraction(o.iterations, o.count, o.budget);
}

/** The most iterations (>= 16) whose estimate fits in `seconds`. */
export function iterationsWithin(seconds: number, o: Omit<RefineEstimateInput, 'iterations'>): number {
  let lo = 16;
  let hi = 1_000_000;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (estimateRefineSeconds({ ...o, iterations: mid }) <= seconds) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
