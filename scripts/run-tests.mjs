#!/usr/bin/env node
// Runs every unit test (`*.test.ts` under compressor/, shared/, component/, scripts/) with Node's test
// runner, TypeScript and `.wgsl` imports registered. Extra arguments filter files by substring.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['shared', 'compressor', 'component', 'scripts'];
const filters = process.argv.slice(2);
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts') && (filters.length === 0 || filters.some((f) => path.includes(f))))
      files.push(path);
  }
}
for (const root of roots) {
  try {
    walk(root);
  } catch {
    /* root may not exist yet */
  }
}
files.sort();
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--expose-gc', '--import', './scripts/register.mjs', '--test', '--test-concurrency=1', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
