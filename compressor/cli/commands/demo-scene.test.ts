// Tests of `gs-compress demo-scene`: writes the dataset and the optional Gaussian PLY; usage errors exit 2.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CliError, EXIT } from '../command.ts';
import { command } from './demo-scene.ts';

test('demo-scene writes the dataset and the Gaussian PLY', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'demo-cli-'));
  const log = console.log;
  console.log = () => {};
  try {
    const code = await command.run([
      '-o',
      join(dir, 'ds'),
      '--views',
      '4',
      '--size',
      '8',
      '--points',
      '20',
      '--gaussians',
      join(dir, 'g.ply'),
      '--gaussian-count',
      '50',
    ]);
    assert.equal(code, EXIT.ok);
    assert.ok(existsSync(join(dir, 'ds', 'train', 'r_2.png')));
    assert.ok(existsSync(join(dir, 'ds', 'test', 'r_0.png')));
    assert.match(readFileSync(join(dir, 'g.ply')).subarray(0, 200).toString('latin1'), /element vertex 50\n/);
  } finally {
    console.log = log;
    await rm(dir, { recursive: true, force: true });
  }
});

test('demo-scene usage errors', async () => {
  const usage = async (args: string[], pattern: RegExp): Promise<void> => {
    await assert.rejects(
      command.run(args),
      (e: unknown) => e instanceof CliError && e.exitCode === EXIT.usage && pattern.test(e.message),
    );
  };
  await usage([], /missing -o/);
  await usage(['-o', 'x', '--views', 'many'], /--views expects an integer/);
  await usage(['-o', 'x', '--gaussian-frame', 'up'], /--gaussian-frame/);
  await usage(['-o', 'x', '--bogus'], /bogus/);
});
