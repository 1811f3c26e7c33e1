import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { TrainingProgress } from './progress.ts';
import { exponentialLr, learningRates } from './lr.ts';

function sink(isTTY: boolean): Writable & { isTTY: boolean; columns: number; text: () => string } {
  const chunks: string[] = [];
  const s = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as Writable & { isTTY: boolean; columns: number; text: () => string };
  s.isTTY = isTTY;
  s.columns = 120;
  s.text = () => chunks.join('');
  return s;
}

test('auto mode is quiet when the stream is not a TTY', () => {
  const s = sink(false);
  const p = new TrainingProgress({ total: 100, stream: s });
  assert.equal(p.mode, 'quiet');
  p.update({ phase: 'densify', iteration: 1, gaussians: 10, loss: 0.5 });
  p.log('hello');
  p.stop();
  assert.equal(s.text(), '');
});

test('JSON lines: on phase changes and every N iterations, with ETA', () => {
  const s = sink(false);
  let clock = 0;
  const p = new TrainingProgress({ total: 1000, stream: s, mode: 'json', jsonEvery: 100, now: () => clock });
  for (let it = 1; it <= 300; it++) {
    clock = it * 10; // 10 ms an iteration
    p.update({ phase: it <= 150 ? 'densify' : 'selection', iteration: it, gaussians: 1000 + it, loss: 0.1 });
  }
  const lines = s
    .text()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((l) => l.iteration),
    [1, 101, 151, 251],
  );
  assert.equal(lines[2].phase, 'selection');
  assert.equal(lines[1].gaussians, 1101);
  // 10 ms per iteration, 899 left at it 101: ETA 8.99 s (rounded to 0.1)
  assert.equal(lines[1].etaSeconds, 9);
});

test('several runs on one bar count on (continueAfterRun), so the ETA covers them all', () => {
  const s = sink(false);
  let clock = 0;
  const p = new TrainingProgress({ total: 200, stream: s, mode: 'json', jsonEvery: 50, now: () => clock });
  for (const run of [0, 1]) {
    for (let it = 1; it <= 100; it++) {
      clock = (run * 100 + it) * 10;
      p.update({ phase: 'train', iteration: it, gaussians: 1, loss: 0.1 });
    }
    p.continueAfterRun();
  }
  const lines = s
    .text()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((l) => l.iteration),
    [1, 51, 101, 151, 200],
  );
  // 10 ms per iteration, 49 left at 151: ETA 0.49 s
  assert.equal(lines[3].etaSeconds, 0.5);
});

test('bar mode draws phase, count and loss on a TTY', () => {
  const s = sink(true);
  const p = new TrainingProgress({ total: 50, stream: s, mode: 'bar' });
  p.update({ phase: 'densify', iteration: 10, gaussians: 12345, loss: 0.1234 });
  p.stop();
  const text = s.text();
  assert.match(text, /densify/);
  assert.match(text, /12,345 Gaussians/);
  assert.match(text, /loss 0\.1234/);
});

test('learning rates: exponential position decay times the scene extent, opacity factor', () => {
  assert.ok(Math.abs(exponentialLr(0, 1.6e-4, 1.6e-6, 30000) - 1.6e-4) < 1e-18);
  assert.ok(Math.abs(exponentialLr(15000, 1.6e-4, 1.6e-6, 30000) - 1.6e-5) < 1e-12); // geometric midpoint
  assert.ok(Math.abs(exponentialLr(30000, 1.6e-4, 1.6e-6, 30000) - 1.6e-6) < 1e-18);
  const lr = learningRates(0, 30000, 5, 4);
  assert.ok(Math.abs(lr.means - 4e-5 * 5) < 1e-15);
  assert.equal(lr.opacities, 0.1);
  assert.equal(lr.shRest, 0.0025 / 20);
});

test('the ETA follows the Gaussian count as selection prunes (cost a + b x count), not the dense average', () => {
  const s = sink(false);
  let clock = 0;
  const total = 3000;
  // Dense phase: 20,000 Gaussians for 1000 iterations; selection prunes to 2,000 over 1000; fine-tune at 2,000.
  const count = (it: number) =>
    it <= 1000 ? 20_000 : it <= 2000 ? 20_000 - (18_000 * (it - 1000)) / 1000 : 2000;
  const cost = (n: number) => 2 + 0.001 * n; // ms: 2 ms fixed + 1 µs a Gaussian
  const p = new TrainingProgress({ total, stream: s, mode: 'json', jsonEvery: 250, now: () => clock });
  const at = 2000;
  for (let it = 1; it <= at; it++) {
    clock += cost(count(it));
    p.update({ phase: 'train', iteration: it, gaussians: Math.round(count(it)), loss: 0.1 });
  }
  const trueRemaining = ((total - at) * cost(2000)) / 1000;
  const eta = p.etaSeconds(at, 2000);
  assert.ok(
    eta !== null && Math.abs(eta - trueRemaining) / trueRemaining < 0.15,
    `ETA ${eta} vs ${trueRemaining}`,
  );
  // The plain average (elapsed / done x remaining) would be ~3x too long here.
  const naive = (clock / 1000 / at) * (total - at);
  assert.ok(naive > 2.5 * trueRemaining);
});
