#!/usr/bin/env node
// Entry point of `npx gs-compress`: registers TypeScript and `.wgsl` imports, then runs the CLI.
import '../../scripts/register.mjs';

const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
