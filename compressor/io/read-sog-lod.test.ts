// Streamed SOG (lod-meta.json): a two-level LOD set written by PlayCanvas splat-transform's own CLI (dev
// dependency; CPU path) reads, as a manifest or as its folder, as its finest level — the same Gaussians
// splat-transform's reader gives for LOD 0, and the input scene within SOG's quantization; inconsistent
// manifests give one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { selectGaussians } from '../../shared/scene/gaussian-scene.ts';
import { filesUnder, peerReadScene } from './peer-formats.ts';
import { readScene } from './read-scene.ts';
import { SceneReadError } from './scene-read-error.ts';
import { randomScene, withTempDir } from './test-helpers.ts';
import { writePly } from './write-ply.ts';

const CLI = join(
  dirname(createRequire(import.meta.url).resolve('@playcanvas/splat-transform')),
  '..',
  'bin',
  'cli.mjs',
);

test('a splat-transform LOD set reads as its finest level, as splat-transform reads LOD 0', async () => {
  await withTempDir(async (dir) => {
    const fine = randomScene(1500, 1, 17);
    for (let i = 0; i < fine.logScales.length; i++) fine.logScales[i] = -3 + fine.logScales[i] / 8;
    const coarse = selectGaussians(
      fine,
      Array.from({ length: 300 }, (_, i) => i * 5),
    );
    await writePly(join(dir, 'fine.ply'), fine);
    await writePly(join(dir, 'coarse.ply'), coarse);
    const out = join(dir, 'lod');
    const run = spawnSync(
      process.execPath,
      [
        CLI,
        '-g',
        'cpu',
        '-i',
        '1',
        '--max-workers',
        '0',
        join(dir, 'fine.ply'),
        '-l',
        '0',
        join(dir, 'coarse.ply'),
        '-l',
        '1',
        join(out, 'lod-meta.json'),
      ],
      { encoding: 'utf8', timeout: 300_000 },
    );
    assert.equal(run.status, 0, run.stderr || run.stdout);
    const ours = await readScene(join(out, 'lod-meta.json'));
    assert.equal(ours.count, fine.count);
    assert.equal(ours.shDegree, 1);
    const viaFolder = await readScene(out);
    assert.deepEqual(viaFolder.positions, ours.positions);
    // A plain SOG folder (one unit, meta.json inside) reads as that SOG.
    assert.equal((await readScene(join(out, '0_0'))).count, fine.count);

    const peer = await peerReadScene(await filesUnder(out), 'lod-meta.json', 'lod');
    assert.equal(peer.count, ours.count);
    const near = (a: number, b: number, tol: number, what: string) =>
      assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
    for (let i = 0; i < ours.count * 3; i++) {
      near(ours.positions[i], peer.positions[i], 1e-4 * (1 + Math.abs(peer.positions[i])), `position ${i}`);
      near(ours.logScales[i], peer.logScales[i], 1e-4, `log-scale ${i}`);
      near(ours.shDC[i], peer.shDC[i], 1e-4, `DC ${i}`);
    }
    for (let i = 0; i < ours.shRest.length; i++) near(ours.shRest[i], peer.shRest[i], 1e-3, `SH ${i}`);

    // Against the input: every input Gaussian has a decoded one at its position (16-bit log-domain grid:
    // steps of ~1e-3 at |x| = 10), so LOD 0 is the fine scene, not the coarse one or both.
    for (let i = 0; i < fine.count; i += 7) {
      let best = Infinity;
      for (let j = 0; j < ours.count; j++) {
        const d = Math.hypot(
          ours.positions[j * 3] - fine.positions[i * 3],
          ours.positions[j * 3 + 1] - fine.positions[i * 3 + 1],
          ours.positions[j * 3 + 2] - fine.positions[i * 3 + 2],
        );
        best = Math.min(best, d);
      }
      assert.ok(best < 5e-3, `input Gaussian ${i}: nearest decoded at ${best}`);
    }

    // Inconsistent manifests.
    const metaPath = join(out, 'lod-meta.json');
    const meta = JSON.parse(await readFile(metaPath, 'utf8'));
    await writeFile(metaPath, JSON.stringify({ ...meta, counts: [meta.counts[0] + 1, meta.counts[1]] }));
    await assert.rejects(readScene(metaPath), (e: unknown) => {
      assert.ok(e instanceof SceneReadError);
      assert.match(
        e.message,
        /lod-meta\.json: lod-meta\.json counts LOD 0 as 1501 Gaussians, its tree as 1500$/,
      );
      return true;
    });
    await writeFile(metaPath, JSON.stringify(meta));
    await rm(join(out, meta.filenames[0]));
    await assert.rejects(
      readScene(metaPath),
      /0_0\/meta\.json: SOG file meta\.json cannot be read beside meta\.json$/,
    );
    await writeFile(
      metaPath,
      JSON.stringify({ ...meta, filenames: ['../../escape/meta.json', meta.filenames[1]] }),
    );
    await assert.rejects(
      readScene(metaPath),
      /lod-meta\.json unit \.\.\/\.\.\/escape\/meta\.json lies outside its folder/,
    );
  });
});
