// The evaluation report: per arm held-out PSNR/SSIM, Gaussian counts and wall time per phase, as JSON
// (for tools and benchmarks) and as a printed table (the paper's layout: PSNR / SSIM / #Gaussians / time).
import type { TrainResult } from '../train/trainer.ts';

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

export function trainingReport(result: TrainResult): TrainingReport {
  const shared = Object.values(result.sharedSeconds).reduce((a, b) => a + b, 0);
  return {
    iterations: result.iterations,
    selectionStart: result.schedule.regStart - result.firstIteration + 1,
    sharedSeconds: roundAll(result.sharedSeconds),
    arms: result.arms.map((a) => {
      const own = Object.values(a.seconds).reduce((x, y) => x + y, 0);
      return {
        arm: a.arm,
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
    rows.push([a.arm, a.psnr === null ? '-' : a.psnr.toFixed(2), a.ssim === null ? '-' : a.ssim.toFixed(4), a.gaussians.final.toLocaleString('en-US'), a.totalSeconds.toFixed(0)]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => '| ' + r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join(' | ') + ' |';
  return [line(rows[0]), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.slice(1).map(line)].join('\n');
}
