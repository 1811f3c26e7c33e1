// End-to-end test of `npm run demo` at a tiny size into a temporary folder: dataset, fallback scene,
// the up-to-date skip on a second run, and the served page.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const tiny = ['--views', '3', '--size', '16', '--gaussians', '300', '--fallback', '--no-build'];

function demo(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import', './scripts/register.mjs', 'scripts/demo.ts', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('npm run demo: dataset, fallback scene, skip when up to date, then serves the page', async () => {
  const out = await mkdtemp(join(tmpdir(), 'demo-run-'));
  try {
    const first = demo(['--out', out, '--no-serve', ...tiny]);
    assert.equal(first.status, 0, first.out);
    assert.ok(existsSync(join(out, 'dataset', 'transforms_train.json')), first.out);
    assert.match(first.out, /FALLBACK: --fallback given/);
    // Training starts from the ready-made Gaussians: the dataset has no unread points3d.ply.
    assert.ok(!existsSync(join(out, 'dataset', 'points3d.ply')), 'no points3d.ply');
    // The closing summary: what made the scene, wall and CPU time.
    assert.match(first.out, /Summary\n\s+\S*scene\.gsz: [\d,]+ bytes by the fallback/);
    assert.match(first.out, /this run: [\d.]+ s wall, [\d.]+ s CPU/);
    const encoderThere =
      existsSync('compressor/pack/gsz-encoder.ts') || existsSync('compressor/cli/commands/pack.ts');
    if (encoderThere) {
      assert.ok(existsSync(join(out, 'scene.gsz')), first.out);
      assert.notEqual(JSON.parse(readFileSync(join(out, 'scene.json'), 'utf8')).method, 'compress');
    }

    const second = demo(['--out', out, '--no-serve', ...tiny]);
    assert.equal(second.status, 0, second.out);
    assert.match(second.out, /\[1\/4\][^\n]*\n\s+up to date/);
    if (encoderThere) assert.match(second.out, /\[2\/4\][^\n]*\n\s+up to date/);

    // Serve mode: wait for the printed URL, fetch the page, stop the child we started.
    const child = spawn(
      process.execPath,
      ['--import', './scripts/register.mjs', 'scripts/demo.ts', '--out', out, '--port', '0', ...tiny],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((done, fail) => {
        let text = '';
        const timer = setTimeout(() => fail(new Error(`no URL printed:\n${text}`)), 60_000);
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          // The summary (scene, PSNR when trained, wall and CPU time) comes last, after the URL.
          const m =
            /Demo: (http:\/\/127\.0\.0\.1:\d+\/demo\/)[\s\S]*Summary\n[\s\S]*this run: [\d.]+ s wall/.exec(
              text,
            );
          if (m) {
            clearTimeout(timer);
            done(m[1]);
          }
        });
        child.on('exit', () => {
          clearTimeout(timer);
          fail(new Error(`demo exited:\n${text}`));
        });
      });
      const page = await fetch(url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<gs-scene id="viewer"/);
      const script = await fetch(new URL('main.js', url));
      assert.match(script.headers.get('content-type') ?? '', /javascript/);
    } finally {
      child.kill('SIGTERM');
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
