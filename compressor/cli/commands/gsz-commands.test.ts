// `gs-compress pack | info | export`: a PLY packs to .gsz, info reports it, export writes a PLY back; bad input
// fails with CliError (exit 1) naming the file and leaves no output; usage errors exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readPly } from '../../io/read-ply.ts';
import { buildPly, randomScene, sceneColumns, withTempDir } from '../../io/test-helpers.ts';
import { CliError, EXIT } from '../command.ts';
import { command as pack } from './pack.ts';
import { command as info, gszInfo } from './info.ts';
import { command as exportCommand } from './export.ts';

test('pack -> info -> export round trip', async () => {
  const scene = randomScene(700, 1, 4);
  await withTempDir(async (dir) => {
    const input = join(dir, 'in.ply');
    await writeFile(input, buildPly(sceneColumns(scene)));
    const gsz = join(dir, 'out.gsz');
    assert.equal(
      await pack.run([
        input,
        '-o',
        gsz,
        '--first-chunk',
        '100',
        '--codebook-size',
        '64',
        '--kmeans',
        'cpu',
        '--kmeans-iterations',
        '2',
      ]),
      EXIT.ok,
    );
    const details = gszInfo(gsz, new Uint8Array(await readFile(gsz)));
    assert.equal(details.header.count, 700);
    assert.equal(details.header.shDegree, 1);
    assert.equal(details.header.chunks[0].count, 100);
    assert.ok(
      details.attributes.position > 0 && details.attributes.shIndex > 0 && details.attributes.shCodebook > 0,
    );
    assert.equal(await info.run([gsz, '--json']), EXIT.ok);
    assert.equal(await exportCommand.run([gsz, '-o', join(dir, 'back.ply')]), EXIT.ok);
    const back = await readPly(join(dir, 'back.ply'));
    assert.equal(back.count, 700);
    assert.equal(back.shDegree, 1);
    assert.equal(await pack.run([input, '-o', join(dir, 'dc.gsz'), '--sh-degree', '0']), EXIT.ok);
    assert.equal(gszInfo('dc', new Uint8Array(await readFile(join(dir, 'dc.gsz')))).header.shDegree, 0);
    // --profile compact: the steps searched for >= 40 dB on this scene's renders, in fewer bytes.
    assert.equal(
      await pack.run([
        input,
        '-o',
        join(dir, 'c.gsz'),
        '--sh-degree',
        '0',
        '--profile',
        'compact',
        '--psnr-views',
        '2',
        '--psnr-size',
        '64x48',
      ]),
      EXIT.ok,
    );
    assert.ok(
      (await readFile(join(dir, 'c.gsz'))).length < (await readFile(join(dir, 'dc.gsz'))).length,
      'compact is smaller',
    );
  });
});

test('bad input: one-line CliError naming the file, exit 1, no output; bad arguments exit 2', async () => {
  await withTempDir(async (dir) => {
    const bad = join(dir, 'bad.gsz');
    await writeFile(
      bad,
      new Uint8Array([0x89, 0x47, 0x53, 0x5a, 1, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0]),
    );
    const failsOn = (file: string) => (e: unknown) =>
      e instanceof CliError &&
      e.exitCode === EXIT.failure &&
      e.message.startsWith(file) &&
      !e.message.includes('\n');
    await assert.rejects(exportCommand.run([bad, '-o', join(dir, 'out.ply')]), failsOn(bad));
    await assert.rejects(info.run([bad]), failsOn(bad));
    const badPly = join(dir, 'bad.ply');
    await writeFile(badPly, 'ply\nformat ascii 1.0\nend_header\n');
    await assert.rejects(
      pack.run([badPly, '-o', join(dir, 'out.gsz')]),
      (e: unknown) => e instanceof CliError && e.exitCode === EXIT.failure && e.message.includes(badPly),
    );
    assert.deepEqual((await readdir(dir)).sort(), ['bad.gsz', 'bad.ply']);
    await assert.rejects(
      pack.run([badPly]),
      (e: unknown) => e instanceof CliError && e.exitCode === EXIT.usage,
    );
    await assert.rejects(
      pack.run([badPly, '-o', 'x.gsz', '--codebook-size', '0']),
      (e: unknown) => e instanceof CliError && e.exitCode === EXIT.usage,
    );
    await assert.rejects(
      pack.run([badPly, '-o', 'x.gsz', '--profile', 'tiny']),
      (e: unknown) => e instanceof CliError && e.exitCode === EXIT.usage,
    );
    // --target-psnr chooses the steps: a profile or a step option beside it, or its view options alone, are usage errors.
    const usage = (args: string[], text: string) =>
      assert.rejects(
        pack.run([badPly, '-o', 'x.gsz', ...args]),
        (e: unknown) => e instanceof CliError && e.exitCode === EXIT.usage && e.message.includes(text),
      );
    await usage(['--target-psnr', '40', '--profile', 'compact'], '--profile');
    await usage(['--target-psnr', '40', '--rotation-levels', '100'], 'rotationLevels');
    await usage(['--profile', 'compact', '--rotation-levels', '100'], '--profile compact chooses the steps');
    await usage(['--psnr-size', '640x480'], 'only apply with --target-psnr');
    await usage(['--drop-invisible'], 'only apply with --target-psnr');
    await usage(['--target-psnr', '40', '--psnr-size', '640'], 'WxH');
    await usage(['--target-psnr', 'high'], 'target-psnr');
    await assert.rejects(
      exportCommand.run([bad]),
      (e: unknown) => e instanceof CliError && e.exitCode === EXIT.usage,
    );
  });
});
