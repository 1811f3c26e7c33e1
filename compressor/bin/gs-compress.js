#!/usr/bin/env node
// Entry point of `npx gs-compress`. Checks the Node.js version first (the package's `engines.node`), so an
// old Node says what it needs instead of failing on newer syntax or APIs, then runs the compiled CLI
// (dist/cli.js, built by the repository's scripts/build-compress.mjs; from the sources use
// `node --import ./scripts/register.mjs compressor/cli/run.ts`). Commands that open the GPU run in a child
// whose stderr is read, so that Dawn's known benign adapter-probing warnings (printed by native code, out of
// JavaScript's reach) are dropped (stderr-filter.js); stdout, stdin, exit codes and signals pass through.
// The others run in this process (no second start-up). GS_RAW_STDERR=1 skips the filter.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const needed = String(packageJson.engines.node).replace(/^>=\s*/, '');

/** True when version "a.b.c" is older than "x.y[.z]". */
function olderThan(version, minimum) {
  const have = version.split('.').map(Number);
  const want = minimum.split('.').map(Number);
  for (let i = 0; i < want.length; i++) {
    if ((have[i] || 0) !== want[i]) return (have[i] || 0) < want[i];
  }
  return false;
}

/** Commands (and flags) that never open a GPU adapter, so print no Dawn warning. */
const NO_GPU = new Set([
  '--version',
  '-v',
  '-V',
  '--help',
  '-h',
  'info',
  'edit',
  'export',
  'convert',
  'demo-scene',
]);

async function runHere() {
  if (process.env.GS_STDERR_TTY === '1') {
    // The parent's stderr is a terminal: keep progress bars (they test isTTY and columns).
    Object.assign(process.stderr, { isTTY: true, columns: Number(process.env.GS_STDERR_COLUMNS) || 80 });
  }
  const { main } = await import(compiled.href);
  process.exitCode = await main(process.argv.slice(2));
}

async function runFiltered() {
  const { DawnNoiseFilter } = await import('./stderr-filter.js');
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: ['inherit', 'inherit', 'pipe'],
      env: {
        ...process.env,
        GS_CLI_CHILD: '1',
        GS_STDERR_TTY: process.stderr.isTTY ? '1' : '0',
        GS_STDERR_COLUMNS: String(process.stderr.columns ?? ''),
      },
    },
  );
  const filter = new DawnNoiseFilter();
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => process.stderr.write(filter.push(text)));
  // The terminal sends SIGINT to the whole process group: the child handles it; we wait for its exit.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('close', (code, signal) => {
    process.stderr.write(filter.end());
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exitCode = code ?? 1;
  });
}

if (olderThan(process.versions.node, needed)) {
  console.error(`gs-compress needs Node.js ${needed} or newer; this is Node.js ${process.versions.node}.`);
  process.exit(1);
}
const compiled = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(compiled)) {
  console.error('gs-compress: dist/cli.js is missing: run `npm run build:compress` in the repository first.');
  process.exit(1);
}
const first = process.argv[2];
if (
  process.env.GS_CLI_CHILD === '1' ||
  process.env.GS_RAW_STDERR === '1' ||
  first === undefined ||
  NO_GPU.has(first)
) {
  await runHere();
} else {
  await runFiltered();
}
