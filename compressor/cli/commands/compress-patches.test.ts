// `gs-compress compress scene.ply` (mode c) on full-size teacher views and training patches: the estimate
// is printed before training, --time-limit stops it early with exactly the budget kept, and held-out PSNR
// is over scene pixels; bad --time-limit / --patch values are usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gpuOrSkip } from '../../gpu/test-gpu.ts';
import { readScene } from '../../io/read-scene.ts';
import { gaussianPly } from '../../demo-scene/ply.ts';
import { blobScene } from '../../train/loop/test-scenes.ts';
import { CliError, EXIT } from '../command.ts';
import { parseDuration } from '../duration.ts';
import { command } from './compress.ts';

test('parseDuration: seconds, minutes, hours; anything else is a usage error', () => {
  assert.equal(parseDuration('90'), 90);
  assert.equal(parseDuration('90s'), 90);
  assert.equal(parseDuration('30m'), 1800);
  assert.equal(parseDuration('1.5h'), 5400);
  assert.equal(parseDuration('1h30m'), 5400);
  for (const bad of ['', 'm', '0', '-5m', '10 minutes', '5d'])
    assert.throws(
      () => parseDuration(bad),
      (e: unknown) => e instanceof CliError && e.exitCode === EXIT.usage && /--time-limit/.test(e.message),
      bad,
    );
});

test('compress mode (c) on patches: estimate first, --time-limit keeps exactly the budget', {
  timeout: 300_000,
}, async (t) => {
  if (!(await gpuOrSkip(t))) return;
  const dir = await mkdtemp(join(tmpdir(), 'gs-compress-patches-'));
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  try {
    const input = join(dir, 'in.ply');
    await writeFile(input, gaussianPly(blobScene(60, 4)));
    const args = (extra: string[]) => [
      input,
      '-o',
      join(dir, 'out.gsz'),
      '--budget',
      '25',
      '--view-size',
      '48x32',
      '--patch',
      '24x16',
      '--views',
      '9',
      '--report',
      join(dir, 'report.json'),
      '--json',
      ...extra,
    ];
    process.stdout.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    const code = await command.run(args(['--iterations', '5000', '--time-limit', '62s']));
    process.stdout.write = write;
    assert.equal(code, EXIT.ok);
    const logs = lines
      .flatMap((l) => l.split('\n'))
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; message?: string });
    const messages = logs.filter((l) => l.type === 'log').map((l) => l.message ?? '');
    const estimate = messages.findIndex((m) => m.startsWith('estimate: teacher 9 views'));
    const training = messages.findIndex((m) => m.startsWith('training:'));
    assert.ok(estimate >= 0 && estimate < training, messages.join('\n'));
    assert.ok(
      messages.some((m) => /time limit: \d+ iterations instead of 5000/.test(m)),
      messages.join('\n'),
    );
    assert.equal((await readScene(join(dir, 'out.gsz'))).count, 25);
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    assert.ok(report.iterations < 5000);
    assert.ok(Number.isFinite(report.heldOut.psnr));
    t.diagnostic(`${report.iterations} iterations, held-out PSNR (scene pixels) ${report.heldOut.psnr} dB`);
  } finally {
    process.stdout.write = write;
    await rm(dir, { recursive: true, force: true });
  }
});
