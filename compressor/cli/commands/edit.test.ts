// `gs-compress pack --up/--background` and `gs-compress edit`: the view fields land in the header, an edit
// rewrites only the header (the decoded Gaussians are identical, every section still checks out), and bad
// input (a zero-length up, a corrupt file) fails with one line, exit 1, the file untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeGsz, decodeGszHeader } from '../../../shared/format/gsz-decoder.ts';
import { buildPly, randomScene, sceneColumns, withTempDir } from '../../io/test-helpers.ts';
import { CliError, EXIT } from '../command.ts';
import { command as edit } from './edit.ts';
import { command as info } from './info.ts';
import { command as pack } from './pack.ts';

const read = async (path: string) => new Uint8Array(await readFile(path));

test('pack --up/--background, then edit --up/--background/--camera rewrites only the header', async () => {
  const scene = randomScene(900, 1, 7);
  await withTempDir(async (dir) => {
    const input = join(dir, 'in.ply');
    await writeFile(input, buildPly(sceneColumns(scene)));
    const gsz = join(dir, 'a.gsz');
    const packArgs = ['--first-chunk', '200', '--codebook-size', '32', '--kmeans', 'cpu'];
    assert.equal(
      await pack.run([input, '-o', gsz, '--up', '0,0,2', '--background', '1,1,1', ...packArgs]),
      0,
    );
    const packed = await read(gsz);
    const h0 = decodeGszHeader(packed);
    assert.deepEqual(h0.up, [0, 0, 1], 'stored normalised');
    assert.deepEqual(h0.background, [1, 1, 1]);
    assert.ok(h0.focus, 'the robust extent is recorded');
    assert.equal(h0.camera, undefined);
    // Without --up the COLMAP/INRIA convention; no background recorded.
    assert.equal(await pack.run([input, '-o', join(dir, 'b.gsz'), ...packArgs]), 0);
    const hb = decodeGszHeader(await read(join(dir, 'b.gsz')));
    assert.deepEqual(hb.up, [0, -1, 0]);
    assert.equal(hb.background, undefined);

    // A long camera spec grows the header: every section offset must move with it.
    const camera = 'eye=12345.678,-9876.5,0.125;target=0.5,0.25,-3;fov=42';
    assert.equal(
      await edit.run([gsz, '--up', '0,-1,0', '--background', '0.2,0.4,0.6', '--camera', camera]),
      EXIT.ok,
    );
    const edited = await read(gsz);
    const h1 = decodeGszHeader(edited);
    assert.deepEqual(h1.up, [0, -1, 0]);
    assert.deepEqual(h1.background, [0.2, 0.4, 0.6]);
    assert.deepEqual(h1.camera, { eye: [12345.678, -9876.5, 0.125], target: [0.5, 0.25, -3], fovY: 42 });
    assert.ok(h1.headerEnd > h0.headerEnd);
    assert.deepEqual(
      edited.subarray(h1.headerEnd),
      packed.subarray(h0.headerEnd),
      'the coded sections are copied byte for byte',
    );
    // Re-packing the .gsz keeps its view fields.
    const repacked = join(dir, 'r.gsz');
    assert.equal(await pack.run([gsz, '-o', repacked, ...packArgs]), 0);
    const hr = decodeGszHeader(await read(repacked));
    assert.deepEqual([hr.up, hr.background, hr.camera], [h1.up, h1.background, h1.camera]);
    const [before, after] = [decodeGsz(packed), decodeGsz(edited)];
    assert.deepEqual(after.positions, before.positions);
    assert.deepEqual(after.shRest, before.shRest);

    // Removing fields shrinks the header (padded to a fixed point) and still decodes to the same scene.
    const out = join(dir, 'c.gsz');
    assert.equal(await edit.run([gsz, '-o', out, '--background', 'none', '--camera', 'none']), EXIT.ok);
    const h2 = decodeGszHeader(await read(out));
    assert.equal(h2.background, undefined);
    assert.equal(h2.camera, undefined);
    assert.deepEqual(decodeGsz(await read(out)).opacityLogits, before.opacityLogits);
    assert.equal(await info.run([out]), EXIT.ok);
    await rm(repacked);
  });
});

test('edit: a zero-length up or a corrupt file is one line, exit 1, nothing written; no change is usage', async () => {
  const scene = randomScene(300, 0, 3);
  await withTempDir(async (dir) => {
    const input = join(dir, 'in.ply');
    await writeFile(input, buildPly(sceneColumns(scene)));
    const gsz = join(dir, 's.gsz');
    assert.equal(await pack.run([input, '-o', gsz]), 0);
    const original = await read(gsz);
    const failure = (e: unknown) =>
      e instanceof CliError && e.exitCode === EXIT.failure && !e.message.includes('\n');
    await assert.rejects(edit.run([gsz, '--up', '0,0,0']), failure);
    await assert.rejects(pack.run([input, '-o', join(dir, 'z.gsz'), '--up', '0,0,0']), failure);
    const truncated = join(dir, 't.gsz');
    await writeFile(truncated, original.subarray(0, 40));
    await assert.rejects(
      edit.run([truncated, '--up', '0,0,1']),
      (e: unknown) => failure(e) && (e as Error).message.startsWith(truncated),
    );
    assert.deepEqual(await read(gsz), original);
    assert.deepEqual((await readdir(dir)).sort(), ['in.ply', 's.gsz', 't.gsz']);
    await assert.rejects(edit.run([gsz]), (e: unknown) => e instanceof CliError && e.exitCode === EXIT.usage);
    await assert.rejects(
      edit.run([gsz, '--background', '2,0,0']),
      (e: unknown) => e instanceof CliError && e.exitCode === EXIT.usage,
    );
  });
});
