// Hostile outputs and arguments: a missing or non-folder parent, a directory, a device, a FIFO or a socket
// as -o, symlinked targets, kept permissions, stale temporary files of dead processes, wrong extensions,
// and usage errors (one line ending in `see gs-compress <cmd> --help`, exit 2, option named).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { decodeGsz } from '../../shared/format/gsz-decoder.ts';
import { buildPly, withTempDir } from '../io/test-helpers.ts';
import { plyColumns } from './hostile-inputs.ts';
import { expectFailure, runCli } from './run-cli.ts';

/** A small SH-0 PLY: packs without k-means or a GPU. */
async function inputPly(dir: string): Promise<string> {
  const input = join(dir, 'in.ply');
  await writeFile(input, buildPly(plyColumns(50, 0)));
  return input;
}

test('-o in a missing folder, under a file, or a directory fails before reading, naming the target', async () => {
  await withTempDir(async (dir) => {
    const input = await inputPly(dir);
    await writeFile(join(dir, 'plain'), 'x');
    await mkdir(join(dir, 'taken.gsz'));
    const cases: [string, RegExp][] = [
      [join(dir, 'missing', 'o.gsz'), /folder .*missing does not exist/],
      [join(dir, 'plain', 'o.gsz'), /is not a folder|does not exist|cannot write/],
      [join(dir, 'taken.gsz'), /is a directory, not a file/],
    ];
    for (const [output, problem] of cases) {
      const line = await expectFailure(dir, ['pack', input, '-o', output], {
        exit: 1,
        names: output,
        problem,
      });
      assert.ok(!/\.tmp\b/.test(line), `names the target, not a temporary file: ${line}`);
    }
    // Checked before any work: a bad input after a bad output reports the output.
    await expectFailure(dir, ['convert', join(dir, 'absent.ply'), '-o', join(dir, 'missing', 'o.ply')], {
      exit: 1,
      names: join(dir, 'missing', 'o.ply'),
      problem: /does not exist/,
    });
  });
});

test('a read-only folder is refused before any work (skipped as root: root may write anywhere)', {
  skip: process.getuid?.() === 0,
}, async () => {
  await withTempDir(async (dir) => {
    const input = await inputPly(dir);
    await mkdir(join(dir, 'ro'));
    await chmod(join(dir, 'ro'), 0o555);
    await expectFailure(dir, ['pack', input, '-o', join(dir, 'ro', 'o.gsz')], {
      exit: 1,
      names: join(dir, 'ro', 'o.gsz'),
      problem: /not writable/,
    });
  });
});

test('devices, FIFOs and sockets as -o are refused and left as they are', async () => {
  await withTempDir(async (dir) => {
    const input = await inputPly(dir);
    execFileSync('mkfifo', [join(dir, 'pipe.gsz')]);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'sock.gsz'), resolve));
    try {
      for (const [output, kind] of [
        [join(dir, 'pipe.gsz'), 'a FIFO'],
        [join(dir, 'sock.gsz'), 'a socket'],
      ]) {
        await expectFailure(dir, ['pack', input, '-o', output], {
          exit: 1,
          names: output,
          problem: new RegExp(`is ${kind}; gs-compress writes regular files only`),
        });
      }
    } finally {
      server.close();
    }
    // /dev/null keeps being a character device (a rename over it would replace the node as root).
    const before = await stat('/dev/null');
    await expectFailure(dir, ['pack', input, '-o', '/dev/full'], {
      exit: 1,
      names: '/dev/full',
      problem: /is a device; gs-compress writes regular files only/,
    });
    const linked = join(dir, 'null.gsz');
    await symlink('/dev/null', linked);
    await expectFailure(dir, ['pack', input, '-o', linked], {
      exit: 1,
      names: linked,
      problem: /is a device/,
    });
    assert.ok((await stat('/dev/null')).isCharacterDevice());
    assert.equal((await stat('/dev/null')).ino, before.ino);
  });
});

test('a symlinked target: the file it points to is replaced, the link stays a link', async () => {
  await withTempDir(async (dir) => {
    const input = await inputPly(dir);
    await mkdir(join(dir, 'real'));
    await writeFile(join(dir, 'real', 'scene.gsz'), 'old');
    await symlink(join('real', 'scene.gsz'), join(dir, 'link.gsz'));
    await symlink(join(dir, 'real', 'new.gsz'), join(dir, 'dangling.gsz'));
    assert.equal((await runCli(['pack', input, '-o', join(dir, 'link.gsz')])).code, 0);
    assert.ok((await lstat(join(dir, 'link.gsz'))).isSymbolicLink());
    assert.equal(await readlink(join(dir, 'link.gsz')), join('real', 'scene.gsz'));
    assert.equal(decodeGsz(new Uint8Array(await readFile(join(dir, 'real', 'scene.gsz')))).count, 50);
    assert.equal((await runCli(['pack', input, '-o', join(dir, 'dangling.gsz')])).code, 0);
    assert.ok((await lstat(join(dir, 'dangling.gsz'))).isSymbolicLink());
    assert.ok((await stat(join(dir, 'real', 'new.gsz'))).isFile());
    assert.deepEqual((await readdir(join(dir, 'real'))).sort(), ['new.gsz', 'scene.gsz']);
  });
});

test("an existing file's permission bits are kept; a new file gets the umask's", async () => {
  await withTempDir(async (dir) => {
    const input = await inputPly(dir);
    const output = join(dir, 'private.ply');
    await writeFile(output, 'old', { mode: 0o600 });
    await chmod(output, 0o600);
    assert.equal((await runCli(['convert', input, '-o', output])).code, 0);
    assert.equal((await stat(output)).mode & 0o777, 0o600);
    const gsz = join(dir, 'group.gsz');
    await writeFile(gsz, 'old');
    await chmod(gsz, 0o640);
    assert.equal((await runCli(['pack', input, '-o', gsz])).code, 0);
    assert.equal((await stat(gsz)).mode & 0o777, 0o640);
  });
});

test('stale temporary files of dead processes are removed; a live process keeps its own', async () => {
  await withTempDir(async (dir) => {
    const input = await inputPly(dir);
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid ?? 999_999;
    const stale = `.out.gsz.${dead}.1700000000000.tmp`;
    const live = `.out.gsz.${process.ppid}.1700000000000.tmp`;
    await writeFile(join(dir, stale), 'partial');
    await writeFile(join(dir, live), 'in progress');
    await writeFile(join(dir, '.notes.tmp'), 'not ours');
    await writeFile(join(dir, `.diary.txt.${dead}.1700000000000.tmp`), 'not one of our outputs');
    assert.equal((await runCli(['pack', input, '-o', join(dir, 'out.gsz')])).code, 0);
    const names = await readdir(dir);
    assert.ok(!names.includes(stale), 'stale temp removed');
    assert.ok(names.includes(live), "a running process's temp kept");
    assert.ok(names.includes('.notes.tmp'), 'unrelated files kept');
    assert.ok(names.includes(`.diary.txt.${dead}.1700000000000.tmp`), 'only temps of our outputs');
  });
});

test('output extensions: convert does not write a PLY named .gsz, pack does not write .gsz named .ply', async () => {
  await withTempDir(async (dir) => {
    const input = await inputPly(dir);
    const cases: [string[], RegExp][] = [
      [
        ['convert', input, '-o', join(dir, 'm.gsz')],
        /convert .*writes \.ply or \.spz or \.splat or \.glb files/,
      ],
      [
        ['export', join(dir, 'x.gsz'), '-o', join(dir, 'm.gsz')],
        /export writes \.ply or \.spz or \.splat or \.glb files/,
      ],
      [['pack', input, '-o', join(dir, 'm.ply')], /pack writes \.gsz files/],
      [['pack', input, '-o', join(dir, 'noext')], /pack writes \.gsz files/],
    ];
    for (const [argv, problem] of cases) await expectFailure(dir, argv, { exit: 2, names: argv[3], problem });
  });
});

test('usage errors: one line naming the option, exit 2, ending in see gs-compress <cmd> --help', async () => {
  await withTempDir(async (dir) => {
    const input = await inputPly(dir);
    const out = join(dir, 'o.gsz');
    const cases: [string[], RegExp][] = [
      [['compress', input, '-o', out, '--budget', '-3'], /--budget expects .*got '-3'/],
      [
        ['pack', input, '-o', out, '--first-chunk', '-5'],
        /--first-chunk expects an integer in 1\.\.149796, got '-5'/,
      ],
      [['pack', input, '-o', out, '--max-chunk'], /option --max-chunk needs a value/],
      [['pack', input, '-o', out, '--bogus'], /unknown option --bogus/],
      [['pack', input], /missing -o OUTPUT\.gsz/],
      [['pack', '-o', out], /missing INPUT/],
      [['pack', input, input, '-o', out], /expected one INPUT, got 2/],
      [['info'], /missing FILE\.gsz/],
      [['pack', input, '-o', out, '--sh-degree', '9'], /--sh-degree expects an integer in 0\.\.3, got '9'/],
    ];
    for (const [argv, problem] of cases) {
      await expectFailure(dir, argv, { exit: 2, names: `gs-compress ${argv[0]}:`, problem });
    }
    await expectFailure(dir, ['--frobnicate'], {
      exit: 2,
      names: "unknown command '--frobnicate'",
      problem: /gs-compress --help$/,
    });
  });
});

test('--version prints the package version', async () => {
  const run = await runCli(['--version']);
  assert.equal(run.code, 0);
  assert.match(run.stdout[0], /^gs-compress \d+\.\d+\.\d+$/);
});
