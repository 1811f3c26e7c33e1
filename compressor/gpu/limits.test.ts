// Buffer-limit planning: byte sizes of the cap variable, and the CLI under a capped binding: a scene
// whose parameters exceed it renders in chunks (same PNG as uncapped); one whose splats exceed it fails
// with one line naming the limit and how many Gaussians fit, exit 1, no PNG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DawnNoiseFilter } from '../bin/stderr-filter.js';
import { writePly } from '../io/write-ply.ts';
import { withTempDir } from '../io/test-helpers.ts';
import { randomScene } from '../render/test/scenes.ts';
import { BINDING_CAP_ENV, parseByteSize } from './limits.ts';
import { gpuOrSkip } from './test-gpu.ts';

// The CLI from its sources (the package's bin runs the compiled copy), with the launcher's filter of Dawn's
// benign adapter warnings applied to what it printed.
const register = fileURLToPath(new URL('../../scripts/register.mjs', import.meta.url));
const cli = fileURLToPath(new URL('../cli/run.ts', import.meta.url));

test('byte sizes: plain, K/M/G binary suffixes; nonsense and tiny sizes are undefined', () => {
  assert.equal(parseByteSize('4096'), 4096);
  assert.equal(parseByteSize('256K'), 256 * 1024);
  assert.equal(parseByteSize('128M'), 128 * 2 ** 20);
  assert.equal(parseByteSize('1GiB'), 2 ** 30);
  assert.equal(parseByteSize('1.5m'), 1.5 * 2 ** 20);
  assert.equal(parseByteSize('lots'), undefined);
  assert.equal(parseByteSize('12'), undefined);
});

function render(input: string, output: string, cap?: string) {
  const env = { ...process.env };
  if (cap) env[BINDING_CAP_ENV] = cap;
  else delete env[BINDING_CAP_ENV];
  const args = ['--import', register, cli, 'render', input, '-o', output, '--width', '48', '--height', '32'];
  const run = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const filter = new DawnNoiseFilter();
  return { status: run.status, stderr: filter.push(run.stderr) + filter.end() };
}

test('render under a capped binding: chunked parameters give the same PNG; too many splats fail in one line', async (t) => {
  if (!(await gpuOrSkip(t))) return;
  await withTempDir(async (dir) => {
    const input = join(dir, 'in.ply');
    // 12,000 SH3 Gaussians: 2.8 MB of parameters, 576 KB of projected splats.
    await writePly(input, randomScene(12000, 3, 5, { scale: 0.03 }));
    const whole = render(input, join(dir, 'whole.png'));
    assert.equal(whole.status, 0, whole.stderr);
    const chunked = render(input, join(dir, 'chunked.png'), '1M');
    assert.equal(chunked.status, 0, chunked.stderr);
    assert.deepEqual(readFileSync(join(dir, 'chunked.png')), readFileSync(join(dir, 'whole.png')));
    const refused = render(input, join(dir, 'refused.png'), '256K');
    assert.equal(refused.status, 1);
    const lines = refused.stderr.split('\n').filter((l) => l.trim() && !/XDG_RUNTIME_DIR/.test(l));
    assert.equal(lines.length, 1, refused.stderr);
    assert.match(lines[0], /projected splats: 12,000 Gaussians .*256 KiB: at most 5,461 Gaussians fit$/);
    assert.ok(!existsSync(join(dir, 'refused.png')));
  });
});
