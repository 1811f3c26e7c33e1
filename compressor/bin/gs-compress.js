#!/usr/bin/env node
// Entry point of `npx gs-compress`. The launcher re-runs itself as a child whose stderr it reads, so that
// Dawn's known benign adapter-probing warnings (printed by native code, out of JavaScript's reach) are
// dropped (stderr-filter.js); stdout, stdin, exit codes and signals pass through. The child registers
// TypeScript and `.wgsl` imports and runs the CLI. GS_RAW_STDERR=1 skips the filter.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

if (process.env.GS_CLI_CHILD === '1' || process.env.GS_RAW_STDERR === '1') {
  if (process.env.GS_STDERR_TTY === '1') {
    // The parent's stderr is a terminal: keep progress bars (they test isTTY and columns).
    Object.assign(process.stderr, { isTTY: true, columns: Number(process.env.GS_STDERR_COLUMNS) || 80 });
  }
  await import('../../scripts/register.mjs');
  const { main } = await import('../cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
} else {
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
