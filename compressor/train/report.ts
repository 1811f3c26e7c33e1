// The evaluation report: per arm held-out PSNR/SSIM, Gaussian counts and wall time per phase, as JSON
// (for tools and benchmarks) and as a printed table laid out as the method paper's (docs/method.md):
// PSNR / SSIM / #Gaussians / time.
import type { RunInfo, SelectionResult } from './trainer.ts';

export interface ArmReport {
  arm: string;
  psnr: number | null;
  ssim: number | null;
  heldOutViews: number;
  gaussians: { initial: number; selectionStart: number; final: number };
  budget: number;
  selectionEndedAt: number | null;
  /** Wall seconds per phase of this arm, plus the shared phase(s) before selection. */
  seconds: Record<string, number>;
  totalSeconds: number;
}

export interface TrainingReport {
  iterations: number;
  /** Iteration (1-based, of this run) where selection starts; earlier phases are shared by all arms. */
  selectionStart: number;
  sharedSeconds: Record<string, number>;
  arms: ArmReport[];
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A run's phase before selection and one or more selection runs from it (trainScene: one). */
export interface ReportInput extends RunInfo {
  runs: readonly SelectionResult[];
}

export function trainingReport(result: ReportInput): TrainingReport {
  const shared = Object.values(result.sharedSeconds).reduce((a, b) => a + b, 0);
  return {
    iterations: result.iterations,
    selectionStart: result.schedule.regStart - result.firstIteration + 1,
    sharedSeconds: roundAll(result.sharedSeconds),
    arms: result.runs.map((a) => {
      const own = Object.values(a.seconds).reduce((x, y) => x + y, 0);
      return {
        arm: a.strategy,
        psnr: a.evaluation ? round(a.evaluation.psnr, 3) : null,
        ssim: a.evaluation ? round(a.evaluation.ssim, 4) : null,
        heldOutViews: a.evaluation?.views ?? 0,
        gaussians: a.counts,
        budget: a.budget,
        selectionEndedAt: a.selectionEndedAt ?? null,
        seconds: roundAll(a.seconds),
        totalSeconds: round(shared + own, 1),
      };
    }),
  };
}

function roundAll(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v, 1)]));
}

/** A fixed-width table, one row per arm; the time column includes the shared phase. */
export function formatTable(report: TrainingReport): string {
  const rows = [['arm', 'PSNR (dB)', 'SSIM', '#Gaussians', 'time (s)']];
  for (const a of report.arms) {
    rows.push([
      a.arm,
      a.psnr === null ? '-' : a.psnr.toFixed(2),
      a.ssim === null ? '-' : a.ssim.toFixed(4),
      a.gaussians.final.toLocaleString('en-US'),
      a.totalSeconds.toFixed(0),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    `| ${r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join(' | ')} |`;
  return [
    line(rows[0]),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

/**
 * The per-arm mean of several runs of the same arms (e.g. seeds, which change the view order): PSNR,
 * SSIM and seconds averaged, counts from the first run. Natural selection's result moves 0.5-0.9 dB with
 * the view order in mode (c), so one run can mislead.
 */
export function meanReport(reports: readonly TrainingReport[]): TrainingReport {
  if (reports.length === 0) throw new RangeError('meanReport: no reports');
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanOrNull = (xs: (number | null)[]) => (xs.some((x) => x === null) ? null : mean(xs as number[]));
  const meanSeconds = (rs: Record<string, number>[]) =>
    Object.fromEntries(
      [...new Set(rs.flatMap((r) => Object.keys(r)))].map((k) => [
        k,
        round(mean(rs.map((r) => r[k] ?? 0)), 1),
      ]),
    );
  const first = reports[0];
  return {
    ...first,
    sharedSeconds: meanSeconds(reports.map((r) => r.sharedSeconds)),
    arms: first.arms.map((a, i) => {
      const runs = reports.map((r) => {
        if (r.arms[i]?.arm !== a.arm)
          throw new RangeError(`meanReport: run arms differ (${a.arm} vs ${r.arms[i]?.arm})`);
        return r.arms[i];
      });
      const psnr = meanOrNull(runs.map((r) => r.psnr));
      const ssim = meanOrNull(runs.map((r) => r.ssim));
      return {
        ...a,
        psnr: psnr === null ? null : round(psnr, 3),
        ssim: ssim === null ? null : round(ssim, 4),
        seconds: meanSeconds(runs.map((r) => r.seconds)),
        totalSeconds: round(mean(runs.map((r) => r.totalSeconds)), 1),
      };
    }),
  };
}
