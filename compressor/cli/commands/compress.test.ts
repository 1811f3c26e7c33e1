// `gs-compress compress` end to end in mode (c) on a tiny scene file: teacher renders, selection to an
// exact count, .gsz + report + preview written; bad input fails with no output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gpuOrSkip } from '../../gpu/test-gpu.ts';
import { readScene } from '../../io/read-scene.ts';
import { gaussianPly } from '../../demo-scene/ply.ts';
import { blobScene } from '../../train/loop/test-scenes.ts';
import { CliError, EXIT } from '../command.ts';
import { command, parseBudget } from './compress.ts';

test('compress: mode (c) on a scene file keeps exactly the budget and writes .gsz, report and preview', {
  timeout: 120_000,
}, async (t) => {
  if (!(await gpuOrSkip(t))) return;
  const dir = await mkdtemp(join(tmpdir(), 'gs-compress-'));
  try {
    const input = join(dir, 'in.ply');
    await writeFile(input, gaussianPly(blobScene(60, 4)));
    const code = await command.run([
      input,
      '-o',
      join(dir, 'out.gsz'),
      '--budget',
      '30',
      '--iterations',
      '60',
      '--resolution',
      '32',
      '--views',
      '9',
      '--report',
      join(dir, 'report.json'),
      '--preview',
      join(dir, 'p.png'),
      '--json',
    ]);
    assert.equal(code, EXIT.ok);
    const out = await readScene(join(dir, 'out.gsz'));
    assert.equal(out.count, 30);
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    t.diagnostic(
      `held-out PSNR vs teacher ${report.heldOut.psnr} dB, ${report.bytes.output} bytes, stages ${JSON.stringify(report.stagesSeconds)}`,
    );
    assert.equal(report.mode, 'c');
    assert.equal(report.gaussians.final, 30);
    assert.ok(report.heldOut.psnr > 15, 'a 50% cut of blobs still renders the teacher roughly');
    assert.deepEqual((await readdir(dir)).sort(), ['in.ply', 'out.gsz', 'p.png', 'report.json']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('compress: usage errors exit 2, bad input exits 1 with no output', async () => {
  assert.deepEqual(parseBudget('0.15'), { fraction: 0.15 });
  assert.deepEqual(parseBudget('100000'), { count: 100000 });
  assert.throws(
    () => parseBudget('1.5'),
    (e: unknown) => e instanceof CliError && e.exitCode === EXIT.usage,
  );
  assert.throws(
    () => parseBudget('-3'),
    (e: unknown) => e instanceof CliError && e.exitCode === EXIT.usage,
  );
  const dir = await mkdtemp(join(tmpdir(), 'gs-compress-'));
  try {
    await assert.rejects(
      command.run([join(dir, 'missing.ply'), '-o', join(dir, 'o.gsz')]),
      (e: unknown) =>
        e instanceof CliError && e.exitCode === EXIT.failure && /does not exist/.test(e.message),
    );
    const bad = join(dir, 'bad.ply');
    await writeFile(bad, 'ply\nformat ascii 1.0\nend_header\n');
    await assert.rejects(
      command.run([bad, '-o', join(dir, 'o.gsz'), '--iterations', '20']),
      (e: unknown) => e instanceof CliError && e.exitCode === EXIT.failure,
    );
    await assert.rejects(
      command.run([bad]),
      (e: unknown) => e instanceof CliError && e.exitCode === EXIT.usage,
    );
    await assert.rejects(
      command.run([bad, '-o', 'x.gsz', '--arms', 'magic']),
      (e: unknown) => e instanceof CliError && e.exitCode === EXIT.usage,
    );
    assert.deepEqual(await readdir(dir), ['bad.ply']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
