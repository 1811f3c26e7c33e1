// meanReport: per-arm means over runs (seeds) with the run's own layout, and a clear error when the
// runs' arms differ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable, meanReport, type ArmReport, type TrainingReport } from './report.ts';

function arm(name: string, psnr: number, ssim: number, seconds: number): ArmReport {
  return {
    arm: name,
    psnr,
    ssim,
    heldOutViews: 6,
    gaussians: { initial: 100, selectionStart: 100, final: 15 },
    budget: 15,
    selectionEndedAt: null,
    seconds: { 'fine-tune': seconds },
    totalSeconds: seconds + 1,
  };
}
const run = (a: number, b: number): TrainingReport => ({
  iterations: 600,
  selectionStart: 38,
  sharedSeconds: { 'warm-up': 1 },
  arms: [arm('importance', a, 0.9, 10), arm('natural-selection', b, 0.95, 20)],
});

test('meanReport averages PSNR, SSIM and seconds per arm', () => {
  const m = meanReport([run(30, 31), run(32, 34)]);
  assert.deepEqual(
    m.arms.map((a) => a.psnr),
    [31, 32.5],
  );
  assert.deepEqual(
    m.arms.map((a) => a.ssim),
    [0.9, 0.95],
  );
  assert.equal(m.arms[1].seconds['fine-tune'], 20);
  assert.equal(m.arms[0].gaussians.final, 15);
  assert.match(formatTable(m), /natural-selection \|\s+32\.50/);
});

test('meanReport rejects runs whose arms differ', () => {
  const other = run(1, 2);
  other.arms.reverse();
  assert.throws(() => meanReport([run(30, 31), other]), /arms differ/);
  assert.throws(() => meanReport([]), /no reports/);
});
