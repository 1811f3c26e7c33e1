#!/usr/bin/env node
// Entry point of `npx gs-compress`: checks the Node.js version first (the package's `engines.node`), so an
// old Node says what it needs instead of failing on newer syntax or APIs, then runs the compiled CLI
// (dist/cli.js, built by the repository's scripts/build-compress.mjs). From the repository's sources use
// `node --import ./scripts/register.mjs compressor/cli/run.ts` instead.
import { existsSync, readFileSync } from 'node:fs';

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

if (olderThan(process.versions.node, needed)) {
  console.error(`gs-compress needs Node.js ${needed} or newer; this is Node.js ${process.versions.node}.`);
  process.exit(1);
}
const compiled = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(compiled)) {
  console.error('gs-compress: dist/cli.js is missing: run `npm run build:compress` in the repository first.');
  process.exit(1);
}
const { main } = await import(compiled.href);
process.exitCode = await main(process.argv.slice(2));
