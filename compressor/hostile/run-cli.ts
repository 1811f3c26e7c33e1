// Runs the CLI in-process (main(argv), no tsx start-up per case) with stdout and stderr captured, and
// checks a failure the way the hostile suite requires: the exit code, exactly one line on stderr naming the
// file and the problem, and a folder left exactly as it was. Test-only.
import assert from 'node:assert/strict';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../cli/main.ts';

export interface CliRun {
  code: number;
  stdout: string[];
  stderr: string[];
}

export async function runCli(argv: string[]): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = console.log;
  const error = console.error;
  const write = process.stderr.write;
  console.log = (...a: unknown[]) => stdout.push(a.join(' '));
  console.error = (...a: unknown[]) => stderr.push(a.join(' '));
  // Stage lines (compressor/cli/stage-log.ts) go straight to the stream: keep them out of the count.
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return { code: await main(argv), stdout, stderr };
  } finally {
    console.log = log;
    console.error = error;
    process.stderr.write = write;
  }
}

/** Every entry under `dir` (recursively) with its kind and size, to compare before and after a run. */
export async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (folder: string, prefix: string): Promise<void> => {
    for (const name of (await readdir(folder)).sort()) {
      const info = await lstat(join(folder, name));
      const kind = info.isDirectory() ? 'd' : info.isSymbolicLink() ? 'l' : info.isFIFO() ? 'p' : 'f';
      out.push(
        `${prefix}${name} ${kind} ${info.isFile() ? info.size : ''} ${(info.mode & 0o777).toString(8)}`,
      );
      if (info.isDirectory()) await walk(join(folder, name), `${prefix}${name}/`);
    }
  };
  await walk(dir, '');
  return out;
}

export interface Expected {
  exit: 1 | 2;
  /** Text the one error line must contain (the file as given). */
  names: string;
  problem: RegExp;
}

/** Runs `argv` and asserts a clean failure; `dir`'s contents must not change. */
export async function expectFailure(dir: string, argv: string[], expected: Expected): Promise<string> {
  const before = await snapshot(dir);
  const run = await runCli(argv);
  const after = await snapshot(dir);
  const line = run.stderr.join('\n');
  assert.equal(run.code, expected.exit, `exit code (stderr: ${line})`);
  assert.equal(run.stderr.length, 1, `one line on stderr, got: ${line}`);
  assert.ok(!line.includes('\n'), `one line, got: ${line}`);
  assert.ok(line.includes(expected.names), `names ${expected.names}: ${line}`);
  assert.match(line, expected.problem);
  if (expected.exit === 2) assert.match(line, /; see gs-compress( \w[\w-]*)? --help$/);
  assert.deepEqual(after, before, 'nothing written, replaced or left behind');
  return line;
}
