// The stage progress bar: drawn only on a TTY and not when quiet, throttled, with an ETA from the stage's
// own rate, restarted per stage, its line erased when the stage completes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { StageProgress } from './stage-progress.ts';

function sink(isTTY: boolean): Writable & { isTTY: boolean; columns: number; text: () => string } {
  const chunks: string[] = [];
  const s = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as Writable & { isTTY: boolean; columns: number; text: () => string };
  s.isTTY = isTTY;
  s.columns = 100;
  s.text = () => chunks.join('');
  return s;
}

test('nothing is drawn when the stream is not a TTY, or when quiet', () => {
  for (const [tty, enabled] of [
    [false, true],
    [true, false],
  ]) {
    const s = sink(tty);
    const bar = new StageProgress({ stream: s, enabled });
    assert.equal(bar.active, false);
    bar.update('k-means', 5, 10, 'iteration 1/2');
    bar.update('k-means', 10, 10);
    bar.clear();
    assert.equal(s.text(), '');
  }
});

test('a TTY gets a throttled bar with an ETA at the stage rate, erased when the stage is done', () => {
  const s = sink(true);
  let clock = 0;
  const bar = new StageProgress({ stream: s, fps: 5, now: () => clock });
  clock = 1000;
  bar.update('k-means', 0, 100, 'iteration 1/10'); // stage starts at 1 s
  clock = 3000;
  bar.update('k-means', 25, 100, 'iteration 3/10'); // 25 units in 2 s: 75 left = 6 s
  clock = 3100;
  bar.update('k-means', 26, 100); // within 200 ms of the last draw: skipped
  const draws = s.text().split('\r\x1b[2K').filter(Boolean);
  assert.equal(draws.length, 2);
  assert.match(draws[1], /^k-means \[#{6}-{18}\] {2}25% iteration 3\/10 \| ETA 6s$/);
  clock = 3150;
  bar.update('k-means', 100, 100); // the last update always draws, then erases its line
  assert.ok(s.text().endsWith('ETA 0s\r\x1b[2K'));
  // A new stage restarts the clock of its ETA.
  clock = 10_000;
  bar.update('chunks', 0, 1000);
  clock = 70_000;
  bar.update('chunks', 500, 1000, 'chunk 3/9');
  assert.match(s.text(), /chunks \[#{12}-{12}\] {2}50% chunk 3\/9 \| ETA 1m00s$/);
});

test('the line fits the terminal width', () => {
  const s = sink(true);
  s.columns = 30;
  const bar = new StageProgress({ stream: s, now: () => 0 });
  bar.update('k-means', 1, 3, 'assigning every Gaussian');
  const line = s.text().replace('\r\x1b[2K', '');
  assert.ok(line.length < 30, line);
});
